import { api } from '../api/client';
import type { CreatedShare, SharedChat, ShareList } from '../api/types';

const enc = encodeURIComponent;

export const sharesApi = {
  create: (chatId: string) => api<CreatedShare>(`/api/chats/${enc(chatId)}/shares`, { method: 'POST' }),
  list: (signal?: AbortSignal) => api<ShareList>('/api/shares', { signal }),
  revoke: (id: string) => api(`/api/shares/${enc(id)}`, { method: 'DELETE' }),
  /** The public snapshot; signed-out visitors get it too, so a 401 is never announced. */
  shared: (token: string, signal?: AbortSignal) =>
    api<SharedChat>(`/api/shared/${enc(token)}`, { signal, quiet401: true }),
};
