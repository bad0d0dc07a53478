// Streaming a reply: POST the message and read the SSE body; when the
// connection drops before `done`, resume from the last event seen with
// GET /events + Last-Event-ID until the generation finishes.
import { ApiError, apiFetch, NetworkError } from './client';
import { readSSE } from './sse';
import type { SendMessageRequest, StreamEvent, StreamEventType } from './types';

const knownTypes: ReadonlySet<string> = new Set<StreamEventType>([
  'message_start',
  'delta',
  'artifact_start',
  'artifact_delta',
  'artifact_end',
  'usage',
  'done',
  'error',
]);

export interface StreamHandlers {
  onEvent: (ev: StreamEvent) => void;
  /** Called when the connection dropped and a resume attempt is about to start. */
  onReconnecting?: (attempt: number) => void;
  onReconnected?: () => void;
}

export interface StreamOptions extends StreamHandlers {
  signal?: AbortSignal;
  /** Resume attempts after a drop before giving up. */
  maxRetries?: number;
  /** Base back-off between resume attempts (doubles each time, capped at 8 s). */
  retryDelayMs?: number;
}

export interface StreamResult {
  /** True when a `done` event arrived. */
  finished: boolean;
  lastEventId: string;
}

/** Reads one SSE response, forwarding events; returns whether `done` was seen. */
async function consume(
  res: Response,
  state: { lastEventId: string },
  onEvent: (ev: StreamEvent) => void,
): Promise<boolean> {
  if (!res.body) throw new NetworkError(new Error('empty stream'));
  let finished = false;
  for await (const msg of readSSE(res.body)) {
    if (msg.id) state.lastEventId = msg.id;
    if (!knownTypes.has(msg.event)) continue;
    let data: unknown;
    try {
      data = JSON.parse(msg.data);
    } catch {
      continue; // a malformed event must not kill the whole reply
    }
    onEvent({ type: msg.event, id: msg.id, data } as StreamEvent);
    if (msg.event === 'done') finished = true;
  }
  return finished;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function waitOnline(signal?: AbortSignal): Promise<void> {
  if (typeof navigator === 'undefined' || navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      window.removeEventListener('online', done);
      resolve();
    };
    window.addEventListener('online', done);
    signal?.addEventListener(
      'abort',
      () => {
        window.removeEventListener('online', done);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function isRetryable(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  if (e instanceof ApiError) return e.status >= 500 && e.status !== 501;
  // A body that dies mid-read surfaces as a TypeError (network error) in fetch.
  return e instanceof TypeError;
}

async function follow(
  chatId: string,
  first: () => Promise<Response>,
  initialLastId: string,
  opts: StreamOptions,
  firstIsIdempotent: boolean,
): Promise<StreamResult> {
  const state = { lastEventId: initialLastId };
  const maxRetries = opts.maxRetries ?? 8;
  const base = opts.retryDelayMs ?? 500;
  let attempt = 0;
  let request = first;
  let connected = false;
  for (;;) {
    try {
      const res = await request();
      connected = true;
      if (attempt > 0) opts.onReconnected?.();
      const finished = await consume(res, state, opts.onEvent);
      if (finished) return { finished: true, lastEventId: state.lastEventId };
      // The stream closed without `done`: treat like a drop and resume.
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      // Before the first response, any error (quota, 404, unreachable) is the
      // answer: we cannot tell whether a POST that never answered was taken,
      // and replaying /events then could show the previous reply as this one.
      if ((!connected && !firstIsIdempotent) || !isRetryable(e)) throw e;
    }
    attempt++;
    if (attempt > maxRetries) return { finished: false, lastEventId: state.lastEventId };
    opts.onReconnecting?.(attempt);
    await waitOnline(opts.signal);
    await sleep(Math.min(base * 2 ** (attempt - 1), 8000), opts.signal);
    request = () => openEvents(chatId, state.lastEventId, opts.signal);
  }
}

function openEvents(chatId: string, lastEventId: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  return apiFetch(`/api/chats/${encodeURIComponent(chatId)}/events`, { headers, signal });
}

/**
 * What a send asks for: a new message (content), an edit of an earlier one
 * (content and edit_of) or another answer (regenerate_of); see
 * SendMessageRequest in the contract.
 */
export type SendBody = SendMessageRequest;

/** Sends a user message and follows the reply to its end (resuming after drops). */
export function sendMessage(chatId: string, message: string | SendBody, opts: StreamOptions): Promise<StreamResult> {
  const body: SendBody = typeof message === 'string' ? { content: message } : message;
  return follow(
    chatId,
    () =>
      apiFetch(`/api/chats/${encodeURIComponent(chatId)}/messages`, {
        method: 'POST',
        body,
        headers: { Accept: 'text/event-stream' },
        signal: opts.signal,
      }),
    '',
    opts,
    false,
  );
}

/** Follows the chat's current (or last) generation from after lastEventId. */
export function resumeEvents(chatId: string, lastEventId: string, opts: StreamOptions): Promise<StreamResult> {
  return follow(chatId, () => openEvents(chatId, lastEventId, opts.signal), lastEventId, opts, true);
}
