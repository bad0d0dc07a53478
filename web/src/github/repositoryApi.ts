import { api, ApiError } from '../api/client';
import type { RepositoryContext, RepositoryContextRequest } from '../api/types';

const enc = encodeURIComponent;
const path = (chatId: string) => `/api/github/chats/${enc(chatId)}/repository`;

// GitHub's own 401s (github_reauth_required) are not the session ending.
export const repositoryApi = {
  /** The chat's repository context, or null when none is attached. */
  get: (chatId: string, signal?: AbortSignal) =>
    // 204 (nothing attached) resolves to undefined.
    api<RepositoryContext | undefined>(path(chatId), { signal }).then(
      (ctx) => ctx ?? null,
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      },
    ),
  attach: (chatId: string, req: RepositoryContextRequest) =>
    api<RepositoryContext>(path(chatId), { method: 'PUT', body: req, quiet401: true }),
  refresh: (chatId: string) => api<RepositoryContext>(`${path(chatId)}/refresh`, { method: 'POST', quiet401: true }),
  detach: (chatId: string) => api(path(chatId), { method: 'DELETE' }),
};
