import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, FakeApi, sse, type SSEFrame } from '../test/fakeApi';
import { ApiError, onUnauthenticated } from './client';
import { resumeEvents, sendMessage } from './stream';
import type { StreamEvent } from './types';

const start: SSEFrame = {
  id: '1',
  event: 'message_start',
  data: { user_message_id: 'u1', assistant_message_id: 'a1', model: 'm' },
};
const delta = (id: string, text: string): SSEFrame => ({ id, event: 'delta', data: { text } });
const done: SSEFrame = { id: '9', event: 'done', data: { status: 'complete' } };

describe('sendMessage', () => {
  let fake: FakeApi;
  beforeEach(() => {
    fake = new FakeApi();
    fake.install();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('POSTs the content and forwards every event until done', async () => {
    fake.on('POST', '/api/chats/c1/messages', () => sse([start, delta('2', 'Hel'), delta('3', 'lo'), done]));
    const events: StreamEvent[] = [];
    const res = await sendMessage('c1', 'hi', { onEvent: (e) => events.push(e) });
    expect(res).toEqual({ finished: true, lastEventId: '9' });
    expect(events.map((e) => e.type)).toEqual(['message_start', 'delta', 'delta', 'done']);
    const post = fake.callsTo('POST', '/api/chats/c1/messages')[0];
    expect(post.body).toEqual({ content: 'hi' });
    expect(post.headers.get('Accept')).toBe('text/event-stream');
  });

  it('resumes with Last-Event-ID of the last event seen after the connection drops', async () => {
    fake.on('POST', '/api/chats/c1/messages', () =>
      sse([start, delta('2', 'Hel'), delta('3', 'lo')], { breakAfter: 2 }),
    );
    fake.on('GET', '/api/chats/c1/events', () => sse([delta('3', 'lo'), done]));
    const events: StreamEvent[] = [];
    const reconnecting = vi.fn();
    const res = await sendMessage('c1', 'hi', {
      onEvent: (e) => events.push(e),
      onReconnecting: reconnecting,
      retryDelayMs: 1,
    });
    expect(res.finished).toBe(true);
    expect(reconnecting).toHaveBeenCalledWith(1);
    const resume = fake.callsTo('GET', '/api/chats/c1/events');
    expect(resume).toHaveLength(1);
    expect(resume[0].headers.get('Last-Event-ID')).toBe('2');
    const text = events.filter((e) => e.type === 'delta').map((e) => (e.data as { text: string }).text);
    expect(text.join('')).toBe('Hello');
  });

  it('treats a stream that closes without done as a drop', async () => {
    fake.on('POST', '/api/chats/c1/messages', () => sse([start, delta('2', 'a')]));
    let n = 0;
    fake.on('GET', '/api/chats/c1/events', () => (++n < 3 ? apiError(503, 'unavailable') : sse([done])));
    const res = await sendMessage('c1', 'hi', { onEvent: () => undefined, retryDelayMs: 1 });
    expect(res.finished).toBe(true);
    expect(fake.callsTo('GET', '/api/chats/c1/events').map((c) => c.headers.get('Last-Event-ID'))).toEqual([
      '2',
      '2',
      '2',
    ]);
  });

  it('gives up after maxRetries and reports not finished', async () => {
    fake.on('POST', '/api/chats/c1/messages', () => sse([start], { breakAfter: 1 }));
    fake.on('GET', '/api/chats/c1/events', () => apiError(503, 'unavailable'));
    const res = await sendMessage('c1', 'hi', { onEvent: () => undefined, retryDelayMs: 1, maxRetries: 2 });
    expect(res).toEqual({ finished: false, lastEventId: '1' });
    expect(fake.callsTo('GET', '/api/chats/c1/events')).toHaveLength(2);
  });

  it('rejects with the quota error (limit, used, reset time) before any stream', async () => {
    fake.on('POST', '/api/chats/c1/messages', () =>
      apiError(429, 'quota_exceeded', 'Daily limit reached', {
        limit: 100,
        used: 100,
        resets_at: '2026-11-26T00:00:00Z',
      }),
    );
    const err = await sendMessage('c1', 'hi', { onEvent: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.isQuotaExceeded).toBe(true);
    expect(e.details).toMatchObject({ limit: 100, used: 100, resets_at: '2026-11-26T00:00:00Z' });
    expect(fake.callsTo('GET', '/api/chats/c1/events')).toHaveLength(0);
  });

  it('does not replay /events when the POST itself never got an answer', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(sendMessage('c1', 'hi', { onEvent: () => undefined, retryDelayMs: 1 })).rejects.toThrow(/reached/);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('announces a 401 to the auth listeners', async () => {
    fake.on('POST', '/api/chats/c1/messages', () => apiError(401, 'unauthenticated'));
    const heard = vi.fn();
    const off = onUnauthenticated(heard);
    await expect(sendMessage('c1', 'hi', { onEvent: () => undefined })).rejects.toBeInstanceOf(ApiError);
    off();
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('skips unknown event types and malformed JSON', async () => {
    // Written by hand: an unknown type and a delta whose data is not JSON.
    fake.on('POST', '/api/chats/c1/messages', () => {
      const body = `id: 1\nevent: message_start\ndata: ${JSON.stringify(start.data)}\n\nid: 2\nevent: ping\ndata: {}\n\nid: 3\nevent: delta\ndata: {oops\n\nid: 9\nevent: done\ndata: {"status":"complete"}\n\n`;
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    });
    const events: StreamEvent[] = [];
    const res = await sendMessage('c1', 'hi', { onEvent: (e) => events.push(e) });
    expect(res.finished).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['message_start', 'done']);
  });
});

describe('resumeEvents', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('retries its first request (it is idempotent) and sends no Last-Event-ID when replaying from the start', async () => {
    const fake = new FakeApi();
    fake.install();
    let n = 0;
    fake.on('GET', '/api/chats/c1/events', () => (++n === 1 ? apiError(502, 'upstream_error') : sse([start, done])));
    const res = await resumeEvents('c1', '', { onEvent: () => undefined, retryDelayMs: 1 });
    expect(res.finished).toBe(true);
    const calls = fake.callsTo('GET', '/api/chats/c1/events');
    expect(calls[0].headers.get('Last-Event-ID')).toBeNull();
    expect(calls[1].headers.get('Last-Event-ID')).toBeNull();
  });
});
