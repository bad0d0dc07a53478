import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './client';
import { clearPrefetched, prefetch } from './prefetch';
import { prefetchRouteData, routeRequests } from '../routeData';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A fetch that answers each path from routes and records what was asked. */
function fakeFetch(routes: Record<string, () => Response | Promise<Response>>) {
  const calls: string[] = [];
  const fn = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    calls.push(`${init?.method ?? 'GET'} ${path}`);
    const route = routes[path];
    // A thrown route is a rejected fetch, as a network failure is.
    return route
      ? Promise.resolve().then(route)
      : Promise.resolve(json({ error: { code: 'not_found', message: 'no' } }, 404));
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  clearPrefetched();
  vi.unstubAllGlobals();
});

describe('prefetch', () => {
  it.each([
    { name: 'one claimant', uses: 1, callers: 2, fetches: 2 },
    { name: 'two claimants', uses: 2, callers: 2, fetches: 1 },
    { name: 'two claimants, a third asks anew', uses: 2, callers: 3, fetches: 2 },
  ])('$name: each caller gets the body; the network is asked $fetches times', async ({ uses, callers, fetches }) => {
    let n = 0;
    const calls = fakeFetch({ '/api/usage': () => json({ n: ++n }) });
    void prefetch('/api/usage', uses);
    const got = [];
    for (let i = 0; i < callers; i++) got.push(await api<{ n: number }>('/api/usage'));
    expect(calls).toHaveLength(fetches);
    // The claimants share the prefetched answer; later callers get a fresh one.
    expect(got.slice(0, uses).every((g) => g.n === 1)).toBe(true);
    if (callers > uses) expect(got[uses].n).toBe(2);
  });

  it('asks again when the prefetch failed on the network', async () => {
    let first = true;
    const calls = fakeFetch({
      '/api/preferences': () => {
        if (first) {
          first = false;
          throw new TypeError('network down');
        }
        return json({ theme: 'dark' });
      },
    });
    void prefetch('/api/preferences').catch(() => undefined);
    await settle();
    expect(await api('/api/preferences')).toEqual({ theme: 'dark' });
    expect(calls).toEqual(['GET /api/preferences', 'GET /api/preferences']);
  });

  it('hands an error answer to its claimant as the error it is', async () => {
    fakeFetch({ '/api/shares': () => json({ error: { code: 'unauthenticated', message: 'sign in' } }, 401) });
    void prefetch('/api/shares');
    await expect(api('/api/shares', { quiet401: true })).rejects.toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('is never used for a request that changes something', async () => {
    const calls = fakeFetch({ '/api/preferences': () => json({ theme: 'light' }) });
    void prefetch('/api/preferences');
    await api('/api/preferences', { method: 'PATCH', body: { theme: 'light' } });
    expect(calls).toEqual(['GET /api/preferences', 'PATCH /api/preferences']);
  });

  it('a caller whose request was cancelled gets the abort, not the answer', async () => {
    fakeFetch({ '/api/usage': () => json({}) });
    void prefetch('/api/usage');
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(api('/api/usage', { signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('prefetchRouteData', () => {
  it.each([
    {
      name: 'a chat, signed in',
      path: '/chats/c1',
      user: { id: 'u1' },
      want: ['/api/auth/session', ...routeRequests('/chats/c1').map(([p]) => p)],
    },
    { name: 'a chat, signed out: no 401s', path: '/chats/c1', user: null, want: ['/api/auth/session'] },
    {
      name: 'settings',
      path: '/settings',
      user: { id: 'u1' },
      want: ['/api/auth/session', ...routeRequests('/settings').map(([p]) => p)],
    },
    { name: 'the sign-in page asks nothing', path: '/login', user: { id: 'u1' }, want: [] },
  ])('$name', async ({ path, user, want }) => {
    const calls = fakeFetch({ '/api/auth/session': () => json({ user }) });
    prefetchRouteData(path);
    await settle();
    await settle();
    expect(calls).toEqual(want.map((p) => `GET ${p}`));
  });

  it('names the paths the pages ask for', () => {
    expect(routeRequests('/chats/a%20b').map(([p]) => p)).toContain('/api/chats/a%20b/messages?limit=100');
    expect(routeRequests('/chats')).toContainEqual(['/api/chats?limit=50', 1]);
    expect(routeRequests('/settings')).toContainEqual(['/api/preferences', 2]);
    expect(routeRequests('/nowhere')).toEqual([]);
  });
});
