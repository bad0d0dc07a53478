import { artifactsApi } from '../api/endpoints';
import type { Artifact, Message } from '../api/types';

/**
 * The artifacts of the branch shown: for each identifier, its newest version
 * written by a message on that branch. The list endpoint gives the newest
 * version overall, which may belong to a branch not shown (a regenerated
 * answer's rewrite); only then are that identifier's versions fetched. An
 * identifier no message of the branch wrote is left out.
 */
export async function branchArtifacts(
  chatId: string,
  messages: Message[],
  latest: Artifact[],
  signal?: AbortSignal,
): Promise<Artifact[]> {
  const shown = new Set(messages.map((m) => m.id));
  const picked = await Promise.all(
    latest.map(async (a) => {
      if (!a.message_id || shown.has(a.message_id)) return a;
      const { versions } = await artifactsApi.versions(chatId, a.identifier, signal);
      const onBranch = versions.filter((v) => v.message_id && shown.has(v.message_id));
      return onBranch.reduce<Artifact | null>((best, v) => (!best || v.version > best.version ? v : best), null);
    }),
  );
  return picked.filter((a): a is Artifact => a !== null);
}
