// Typed wrappers of the API contract, one function per endpoint.
import { api } from './client';
import type {
  Artifact,
  ArtifactList,
  ArtifactVersionList,
  Chat,
  ChatList,
  GitHubAccount,
  GitHubRepoPage,
  Message,
  MessageList,
  MessageSearchResults,
  Preferences,
  PreferencesPatch,
  Providers,
  PublishRequest,
  PublishResult,
  SessionList,
  Usage,
  User,
  WorkflowRun,
} from './types';

const enc = encodeURIComponent;

export const authApi = {
  providers: () => api<Providers>('/api/auth/providers', { quiet401: true }),
  me: () => api<User>('/api/auth/me', { quiet401: true }),
  devSignIn: (username: string) => api<User>('/api/auth/dev', { method: 'POST', body: { username }, quiet401: true }),
  logout: () => api('/api/auth/logout', { method: 'POST', quiet401: true }),
  logoutAll: () => api('/api/auth/logout-all', { method: 'POST' }),
  sessions: () => api<SessionList>('/api/auth/sessions'),
  endSession: (id: string) => api(`/api/auth/sessions/${enc(id)}`, { method: 'DELETE' }),
  githubUrl: (returnTo: string) => `/api/auth/github?return_to=${enc(returnTo)}`,
  /** GitHub's authorize page again, asking for extra scopes (publish: public_repo or repo; dispatch: workflow). */
  githubUpgradeUrl: (scopes: string[], returnTo: string) =>
    `/api/auth/github?${scopes.map((s) => `scope=${enc(s)}`).join('&')}&return_to=${enc(returnTo)}`,
};

// GitHub answers 401 github_reauth_required for a revoked GitHub token: that
// is not the studio session ending, so those 401s stay quiet.
export const githubApi = {
  account: (signal?: AbortSignal) => api<GitHubAccount>('/api/github/account', { signal, quiet401: true }),
  repos: (query: string, page = 1, signal?: AbortSignal) =>
    api<GitHubRepoPage>(`/api/github/repos?${new URLSearchParams({ query, page: String(page) })}`, {
      signal,
      quiet401: true,
    }),
  publish: (req: PublishRequest, signal?: AbortSignal) =>
    api<PublishResult>('/api/github/publish', { method: 'POST', body: req, signal, quiet401: true }),
  runsEventsUrl: (repo: string) => `/api/github/repos/${repo.split('/').map(enc).join('/')}/runs/events`,
  runs: (repo: string, signal?: AbortSignal) =>
    api<{ runs: WorkflowRun[] }>(`/api/github/repos/${repo.split('/').map(enc).join('/')}/runs`, {
      signal,
      quiet401: true,
    }),
};

export const chatsApi = {
  list: (params: { q?: string; cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) => {
    const qs = new URLSearchParams();
    qs.set('limit', String(params.limit ?? 50));
    if (params.q) qs.set('q', params.q);
    if (params.cursor) qs.set('cursor', params.cursor);
    return api<ChatList>(`/api/chats?${qs}`, { signal });
  },
  create: (title?: string) => api<Chat>('/api/chats', { method: 'POST', body: title ? { title } : {} }),
  get: (id: string, signal?: AbortSignal) => api<Chat>(`/api/chats/${enc(id)}`, { signal }),
  rename: (id: string, title: string) => api<Chat>(`/api/chats/${enc(id)}`, { method: 'PATCH', body: { title } }),
  remove: (id: string) => api(`/api/chats/${enc(id)}`, { method: 'DELETE' }),
  messages: (id: string, cursor?: string | null, signal?: AbortSignal) => {
    const qs = new URLSearchParams({ limit: '100' });
    if (cursor) qs.set('cursor', cursor);
    return api<MessageList>(`/api/chats/${enc(id)}/messages?${qs}`, { signal });
  },
  /** Every message of a chat, oldest first (follows the cursor, bounded). */
  async allMessages(id: string, signal?: AbortSignal): Promise<Message[]> {
    const out: Message[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: MessageList = await chatsApi.messages(id, cursor, signal);
      out.push(...page.messages);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    return out;
  },
  /** Deletes a message and everything under it (its branch). */
  deleteBranch: (id: string, messageId: string) =>
    api(`/api/chats/${enc(id)}/messages/${enc(messageId)}`, { method: 'DELETE' }),
  /** Shows the branch through messageId; the choice is stored server-side. */
  selectBranch: (id: string, messageId: string) =>
    api(`/api/chats/${enc(id)}/branch`, { method: 'PUT', body: { message_id: messageId } }),
  /** Full-text search over the content of every message. */
  search: (q: string, signal?: AbortSignal) =>
    api<MessageSearchResults>(`/api/chats/search?${new URLSearchParams({ q, limit: '20' })}`, { signal }),
  stop: (id: string) => api(`/api/chats/${enc(id)}/stop`, { method: 'POST' }),
  exportUrl: (id: string, format: 'md' | 'json') => `/api/chats/${enc(id)}/export?format=${format}`,
};

export const artifactsApi = {
  list: (chatId: string, signal?: AbortSignal) => api<ArtifactList>(`/api/chats/${enc(chatId)}/artifacts`, { signal }),
  versions: (chatId: string, identifier: string, signal?: AbortSignal) =>
    api<ArtifactVersionList>(`/api/chats/${enc(chatId)}/artifacts/${enc(identifier)}/versions`, { signal }),
  get: (id: string) => api<Artifact>(`/api/artifacts/${enc(id)}`),
  rawUrl: (id: string) => `/api/artifacts/${enc(id)}/raw`,
};

export const preferencesApi = {
  get: () => api<Preferences>('/api/preferences'),
  patch: (patch: PreferencesPatch) =>
    api<Preferences>('/api/preferences', {
      method: 'PATCH',
      body: patch,
      contentType: 'application/merge-patch+json',
    }),
};

export const usageApi = {
  get: (signal?: AbortSignal) => api<Usage>('/api/usage', { signal }),
};
