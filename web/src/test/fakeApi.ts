// A fetch stand-in for component tests: routes by method and path to
// handlers that return real Response objects (JSON or an SSE stream).
import { vi } from 'vitest';

export type Handler = (req: {
  url: URL;
  method: string;
  headers: Headers;
  body: unknown;
}) => Response | Promise<Response>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function apiError(status: number, code: string, message = code, extra: Record<string, unknown> = {}): Response {
  return json(status, { error: { code, message, request_id: 'req-test', ...extra } });
}

export interface SSEFrame {
  id?: string;
  event: string;
  data: unknown;
}

export function sseText(frames: SSEFrame[]): string {
  return frames
    .map((f) => `${f.id ? `id: ${f.id}\n` : ''}event: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`)
    .join('');
}

/**
 * An SSE response that emits the frames in chunks; `breakAfter` makes the
 * body fail with a network error after that many frames (a dropped connection).
 */
export function sse(
  frames: SSEFrame[],
  opts: { breakAfter?: number; gate?: Promise<void>; gateAfter?: number } = {},
): Response {
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < frames.length; i++) {
        if (opts.breakAfter !== undefined && i === opts.breakAfter) {
          controller.error(new TypeError('network error'));
          return;
        }
        if (opts.gate && opts.gateAfter === i) await opts.gate;
        controller.enqueue(enc.encode(sseText([frames[i]])));
        await new Promise((r) => setTimeout(r, 0));
      }
      if (opts.breakAfter !== undefined && opts.breakAfter >= frames.length) {
        controller.error(new TypeError('network error'));
        return;
      }
      controller.close();
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

export class FakeApi {
  routes: Route[] = [];
  calls: { method: string; path: string; query: URLSearchParams; headers: Headers; body: unknown }[] = [];

  on(method: string, pattern: RegExp | string, handler: Handler | Response | (() => Response)): this {
    const p = typeof pattern === 'string' ? new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : pattern;
    const h: Handler = typeof handler === 'function' ? (handler as Handler) : () => (handler as Response).clone();
    this.routes.unshift({ method, pattern: p, handler: h });
    return this;
  }

  callsTo(method: string, path: string | RegExp) {
    return this.calls.filter(
      (c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)),
    );
  }

  install(): void {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const url = new URL(
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          'http://localhost',
        );
        const method = (init.method ?? 'GET').toUpperCase();
        const headers = new Headers(init.headers);
        let body: unknown = undefined;
        if (typeof init.body === 'string') {
          try {
            body = JSON.parse(init.body);
          } catch {
            body = init.body;
          }
        }
        if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
        this.calls.push({ method, path: url.pathname, query: url.searchParams, headers, body });
        const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
        const res = route
          ? await route.handler({ url, method, headers, body })
          : apiError(404, 'not_found', `no fake for ${method} ${url.pathname}`);
        // Like real fetch: an aborted request rejects instead of answering.
        if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
        return res;
      }),
    );
  }
}

export const alice = {
  id: 'u-1',
  login: 'alice',
  avatar_url: '',
  email: 'alice@example.com',
  scopes: [],
  limits: { daily_calls: 100, daily_tokens: 200000 },
};

export const defaultPreferences = {
  schema_version: 2,
  theme: 'system',
  model: 'claude-sonnet-5-5',
  voice: { input_mode: 'keyboard', voice: 'alloy', speaking_rate: 1, auto_speak: false },
  github: { default_repo: '', mention_claude: false },
  retention_days: 30,
};

export const usage = {
  today: { date: '2026-11-25', api_calls: 3, tokens_used: 1200 },
  limits: { daily_calls: 100, daily_tokens: 200000 },
  resets_at: '2026-11-26T00:00:00Z',
  history: [],
};

/** The endpoints every signed-in page touches. */
export function signedInApi(): FakeApi {
  return new FakeApi()
    .on('GET', '/api/auth/me', () => json(200, alice))
    .on('GET', '/api/auth/session', () => json(200, { user: alice }))
    .on('GET', '/api/auth/providers', () => json(200, { github: false, dev: true }))
    .on('GET', '/api/preferences', () => json(200, defaultPreferences))
    .on('GET', '/api/usage', () => json(200, usage))
    .on('GET', '/api/chats', () => json(200, { chats: [], next_cursor: null }))
    .on('POST', '/api/client-errors', () => json(204, null));
}
