import { describe, expect, it } from 'vitest';
import type { Artifact, Message, StreamEvent } from '../api/types';
import { chatReducer, initialChatState, type ChatAction, type ChatState } from './chatState';

const ev = (event: StreamEvent): ChatAction => ({ type: 'event', event });
const run = (state: ChatState, actions: ChatAction[]) => actions.reduce(chatReducer, state);

const msg = (
  id: string,
  role: 'user' | 'assistant',
  content: string,
  status: Message['status'] = 'complete',
): Message => ({
  id,
  parent_id: null,
  role,
  content,
  status,
  model: role === 'assistant' ? 'm' : '',
  input_tokens: 0,
  output_tokens: 0,
  created_at: '2026-11-25T10:00:00Z',
});

const loaded = (messages: Message[], artifacts: Artifact[] = []): ChatState =>
  chatReducer(initialChatState, { type: 'loaded', messages, artifacts });

const started: StreamEvent = {
  type: 'message_start',
  id: '1',
  data: { user_message_id: 'u9', assistant_message_id: 'a9', model: 'claude-x' },
};

describe('chatReducer streaming', () => {
  it('builds a reply from send_start through done', () => {
    const s = run(loaded([]), [
      { type: 'send_start', content: 'Design a cache', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
      ev({ type: 'delta', id: '2', data: { text: 'Use ' } }),
      ev({ type: 'delta', id: '3', data: { text: 'Redis.' } }),
      ev({ type: 'usage', id: '4', data: { input_tokens: 10, output_tokens: 5 } }),
      ev({ type: 'done', id: '5', data: { status: 'complete' } }),
    ]);
    expect(s.phase).toBe('idle');
    expect(s.messages.map((m) => [m.id, m.role, m.content, m.status, !!m.local])).toEqual([
      ['u9', 'user', 'Design a cache', 'complete', false],
      ['a9', 'assistant', 'Use Redis.', 'complete', false],
    ]);
    expect(s.messages[1]).toMatchObject({ model: 'claude-x', input_tokens: 10, output_tokens: 5 });
  });

  it('opens the panel at artifact_start and fills it live', () => {
    let s = run(loaded([]), [
      { type: 'send_start', content: 'x', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
      ev({
        type: 'artifact_start',
        id: '2',
        data: {
          identifier: 'arch',
          type: 'application/vnd.ant.mermaid',
          title: 'Architecture',
          language: '',
          version: 1,
        },
      }),
    ]);
    expect(s.panel).toEqual({ open: true, identifier: 'arch' });
    expect(s.artifacts.arch).toMatchObject({ streaming: true, content: '', id: null, messageId: 'a9' });
    expect(s.messages[1].artifacts).toEqual(['arch']);
    s = run(s, [
      ev({ type: 'artifact_delta', id: '3', data: { identifier: 'arch', text: 'graph TD\n' } }),
      ev({ type: 'artifact_delta', id: '4', data: { identifier: 'arch', text: 'A-->B' } }),
    ]);
    expect(s.artifacts.arch.content).toBe('graph TD\nA-->B');
    s = chatReducer(s, ev({ type: 'artifact_end', id: '5', data: { identifier: 'arch', version: 1, id: 'art-1' } }));
    expect(s.artifacts.arch).toMatchObject({ streaming: false, id: 'art-1', version: 1 });
  });

  it('marks an error event on the message and raises a banner', () => {
    const s = run(loaded([]), [
      { type: 'send_start', content: 'x', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
      ev({ type: 'error', id: '2', data: { code: 'upstream_error', message: 'Anthropic is overloaded' } }),
      ev({ type: 'done', id: '3', data: { status: 'error' } }),
    ]);
    expect(s.banner).toMatchObject({ kind: 'error', code: 'upstream_error', message: 'Anthropic is overloaded' });
    expect(s.messages[1].status).toBe('error');
  });

  it('rebuilds a resumed reply from scratch when replayed from the start', () => {
    const base = loaded([msg('u9', 'user', 'q'), msg('a9', 'assistant', 'partial te', 'streaming')]);
    const s = run(base, [
      { type: 'resume_start' },
      ev(started),
      ev({ type: 'delta', id: '2', data: { text: 'partial text, complete' } }),
      ev({ type: 'done', id: '3', data: { status: 'complete' } }),
    ]);
    expect(s.messages).toHaveLength(2);
    expect(s.messages[1]).toMatchObject({ id: 'a9', content: 'partial text, complete', status: 'complete' });
  });

  it('appends deltas to the streaming message when resuming after an id (no message_start)', () => {
    const base = loaded([msg('u9', 'user', 'q'), msg('a9', 'assistant', 'Hel', 'streaming')]);
    const s = run(base, [{ type: 'resume_start' }, ev({ type: 'delta', id: '7', data: { text: 'lo' } })]);
    expect(s.messages[1].content).toBe('Hello');
  });

  it('removes the optimistic messages when the send is refused', () => {
    const s = run(loaded([msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b')]), [
      { type: 'send_start', content: 'x', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      { type: 'send_failed', userTempId: 'lu', assistantTempId: 'la' },
    ]);
    expect(s.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(s.phase).toBe('idle');
  });

  it('marks the reply interrupted when reconnecting gave up', () => {
    const s = run(loaded([]), [
      { type: 'send_start', content: 'x', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
      { type: 'reconnecting' },
      { type: 'stream_ended', finished: false },
    ]);
    expect(s.messages[1].status).toBe('interrupted');
    expect(s.banner).toMatchObject({ kind: 'error', code: 'connection_lost' });
    expect(s.phase).toBe('idle');
  });

  it('stop keeps the phase until the server says done(stopped)', () => {
    let s = run(loaded([]), [
      { type: 'send_start', content: 'x', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
      { type: 'stop_requested' },
    ]);
    expect(s.phase).toBe('stopping');
    s = chatReducer(s, ev({ type: 'done', id: '9', data: { status: 'stopped' } }));
    expect(s.phase).toBe('idle');
    expect(s.messages[1].status).toBe('stopped');
  });
});

describe('chatReducer history', () => {
  const art: Artifact = {
    id: 'art-1',
    chat_id: 'c',
    message_id: 'a2',
    identifier: 'doc',
    type: 'text/markdown',
    language: '',
    title: 'Doc',
    content: '# Doc',
    version: 2,
    created_at: '',
  };

  it('attaches loaded artifacts to the message that produced them', () => {
    const s = loaded(
      [msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b'), msg('u2', 'user', 'c'), msg('a2', 'assistant', 'd')],
      [art],
    );
    expect(s.messages.find((m) => m.id === 'a2')?.artifacts).toEqual(['doc']);
    expect(s.panel.open).toBe(false);
  });

  it('truncate_from drops that message, every later one and their artifacts', () => {
    let s = loaded(
      [msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b'), msg('u2', 'user', 'c'), msg('a2', 'assistant', 'd')],
      [art],
    );
    s = chatReducer(s, { type: 'open_artifact', identifier: 'doc' });
    expect(s.panel.open).toBe(true);
    s = chatReducer(s, { type: 'truncate_from', messageId: 'u2' });
    expect(s.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(s.artifacts).toEqual({});
    expect(s.panel.open).toBe(false);
  });

  it('regenerate_start shows a new answer in place of the old one, which the server keeps', () => {
    let s = loaded([msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b')]);
    s = chatReducer(s, { type: 'regenerate_start', messageId: 'a1', assistantTempId: 'la', now: 'now' });
    expect(s.messages.map((m) => [m.id, m.local ?? false])).toEqual([
      ['u1', false],
      ['la', true],
    ]);
    expect(s.phase).toBe('sending');
    s = chatReducer(s, {
      type: 'event',
      event: {
        type: 'message_start',
        id: '1',
        data: { user_message_id: 'u1', assistant_message_id: 'a2', model: 'm' },
      },
    });
    expect(s.messages.map((m) => m.id)).toEqual(['u1', 'a2']);
    expect(s.streamingMessageId).toBe('a2');
  });

  it('ignores a settle-up that arrives while a newer reply streams', () => {
    let s = loaded([msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b')]);
    s = run(s, [
      { type: 'send_start', content: 'next', userTempId: 'lu', assistantTempId: 'la', now: 'now' },
      ev(started),
    ]);
    const after = chatReducer(s, {
      type: 'loaded',
      messages: [msg('u1', 'user', 'a'), msg('a1', 'assistant', 'b')],
      artifacts: [],
      keepPanel: true,
    });
    expect(after).toBe(s);
  });
});
