import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Artifact, Message } from '../api/types';
import { json, signedInApi } from '../test/fakeApi';
import { branchArtifacts } from './branchArtifacts';

afterEach(() => vi.unstubAllGlobals());

const art = (identifier: string, version: number, messageId: string): Artifact => ({
  id: `${identifier}-v${version}`,
  chat_id: 'c1',
  message_id: messageId,
  identifier,
  type: 'text/markdown',
  language: '',
  title: identifier,
  content: `v${version}`,
  version,
  created_at: '2026-11-25T10:00:00Z',
});

const msg = (id: string): Message => ({
  id,
  parent_id: null,
  role: 'assistant',
  content: '',
  status: 'complete',
  model: 'm',
  input_tokens: 0,
  output_tokens: 0,
  created_at: '2026-11-25T10:00:00Z',
});

describe('branchArtifacts', () => {
  it('keeps the newest version written on the branch shown, fetching versions only when needed', async () => {
    // plan: v1 by a1 (shown), v2 by a2 (shown), v3 by b (another branch).
    // notes: v1 by b only. doc: v1 by a1, the newest overall.
    const fake = signedInApi().on('GET', '/api/chats/c1/artifacts/plan/versions', () =>
      json(200, { versions: [art('plan', 3, 'b'), art('plan', 2, 'a2'), art('plan', 1, 'a1')] }),
    );
    fake.on('GET', '/api/chats/c1/artifacts/notes/versions', () => json(200, { versions: [art('notes', 1, 'b')] }));
    fake.install();
    const got = await branchArtifacts(
      'c1',
      [msg('a1'), msg('a2')],
      [art('plan', 3, 'b'), art('notes', 1, 'b'), art('doc', 1, 'a1')],
    );
    expect(got.map((a) => `${a.identifier}@${a.version}`)).toEqual(['plan@2', 'doc@1']);
    expect(fake.callsTo('GET', /\/versions$/)).toHaveLength(2);
  });
});
