import { prefetch } from './api/prefetch';

const enc = encodeURIComponent;

/**
 * The GETs the signed-in page at pathname makes when it first renders,
 * with how many of its components ask for each. The paths must be the ones
 * the endpoint wrappers build (api/endpoints and the feature apis), or the
 * prefetch is simply never claimed.
 */
export function routeRequests(pathname: string): Array<[string, number]> {
  // The shell's (AppShell): the preferences and today's usage.
  const shell: Array<[string, number]> = [
    ['/api/preferences', 1],
    ['/api/usage', 1],
  ];
  // The chat pages' list, composer (models, attachment limits) and voice controls.
  const chats: Array<[string, number]> = [
    ['/api/chats?limit=50', 1],
    ['/api/preferences/models', 1],
    ['/api/attachments/limits', 1],
    ['/api/voice', 1],
  ];
  if (pathname === '/settings') {
    return [
      ['/api/preferences', 2], // the shell and the preferences form
      ['/api/usage', 1],
      ['/api/preferences/models', 1],
      ['/api/voice', 1],
      ['/api/auth/sessions', 1],
      ['/api/shares', 1],
    ];
  }
  if (pathname === '/' || pathname === '/chats' || pathname === '/chats/') return [...shell, ...chats];
  const chat = /^\/chats\/([^/]+)$/.exec(pathname);
  if (chat) {
    let id: string;
    try {
      id = enc(decodeURIComponent(chat[1]));
    } catch {
      return shell; // not a chat id the page can load either
    }
    return [
      ...shell,
      [`/api/chats/${id}/messages?limit=100`, 1],
      [`/api/chats/${id}/artifacts`, 1],
      [`/api/chats/${id}`, 1],
      ...chats,
    ];
  }
  return [];
}

/**
 * Starts the session check and, once it says someone is signed in, the
 * page's own requests: all before React has rendered anything, and while
 * the page's chunks download. Asking only after the session answered keeps
 * a signed-out visit free of 401s.
 */
export function prefetchRouteData(pathname: string): void {
  if (pathname === '/login' || pathname.startsWith('/s/')) return;
  const requests = routeRequests(pathname);
  prefetch('/api/auth/session')
    .then((r) => (r.ok ? (r.json() as Promise<{ user: unknown }>) : null))
    .then((s) => {
      if (!s?.user) return;
      for (const [path, uses] of requests) prefetch(path, uses);
    })
    .catch(() => undefined); // the AuthProvider's own check reports it
}
