// The page chunks, in one place so App's lazy routes and the start-up
// preload share the same import() (a module is fetched once either way).
export const loadLoginPage = () => import('./pages/LoginPage');
export const loadChatsLayout = () => import('./chat/ChatsLayout');
export const loadChatView = () => import('./chat/ChatView');
export const loadNewChatView = () => import('./chat/NewChatView');
export const loadSettingsPage = () => import('./settings/SettingsPage');
export const loadNotFoundPage = () => import('./pages/NotFoundPage');
export const loadSharedPage = () => import('./share/SharedPage');

/**
 * Starts fetching the chunks the current URL will render, before React
 * mounts. Without it the first paint waits on a waterfall: the entry, then
 * the session check, then the layout chunk, then the page chunk, then its
 * data. The chunks are cached by the module graph, so lazy() finds them
 * loaded (or in flight) when the route renders.
 */
export function preloadRoute(pathname: string): void {
  const loaders: Array<() => Promise<unknown>> = [];
  if (pathname === '/login') loaders.push(loadLoginPage);
  else if (pathname.startsWith('/s/')) loaders.push(loadSharedPage);
  else if (pathname === '/settings') loaders.push(loadSettingsPage);
  else if (pathname === '/' || pathname === '/chats' || pathname === '/chats/')
    loaders.push(loadChatsLayout, loadNewChatView);
  else if (pathname.startsWith('/chats/')) loaders.push(loadChatsLayout, loadChatView);
  // A failed preload is retried by lazy() when the route renders, where the
  // route boundary reports it; here it must stay silent.
  for (const load of loaders) load().catch(() => undefined);
}
