import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { apiError, json, signedInApi, sse, type SSEFrame } from '../test/fakeApi';
import { renderApp } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const chat = {
  id: 'c1',
  title: 'Payments design',
  created_at: '2026-11-25T10:00:00Z',
  updated_at: '2026-11-25T10:00:00Z',
};

/**
 * A chat whose shown branch lives in the fake like it does on the server: a
 * streamed reply is stored; an edit or a regenerated answer replaces the
 * shown one and lists it as a sibling; PUT /branch shows the old one again.
 */
function chatApi(initial: Message[] = []) {
  const messages = [...initial];
  const fake = signedInApi()
    .on('GET', '/api/chats', () => json(200, { chats: [chat], next_cursor: null }))
    .on('GET', '/api/chats/c1', () => json(200, chat))
    .on('GET', '/api/chats/c1/messages', () => json(200, { messages, next_cursor: null }))
    .on('GET', '/api/chats/c1/artifacts', () => json(200, { artifacts: [] }))
    .on('PUT', '/api/chats/c1/branch', ({ body }) => {
      const id = (body as { message_id: string }).message_id;
      const i = messages.findIndex((x) => x.sibling_ids?.includes(id));
      const hidden = replaced.get(id);
      if (i < 0 || !hidden) return apiError(404, 'not_found');
      replaced.set(messages[i].id, messages.slice(i));
      const [first, ...rest] = hidden;
      messages.splice(i, messages.length - i, { ...first, sibling_ids: messages[i].sibling_ids }, ...rest);
      return json(204, null);
    });
  // What each sibling's branch was when another replaced it.
  const replaced = new Map<string, Message[]>();
  return Object.assign(fake, {
    /** Serves POST /messages with these frames and stores the exchange. */
    replyWith(frames: SSEFrame[], opts: Parameters<typeof sse>[1] = {}) {
      fake.on('POST', '/api/chats/c1/messages', ({ body }) => {
        const text = frames
          .filter((f) => f.event === 'delta')
          .map((f) => (f.data as { text: string }).text)
          .join('');
        const status = (frames.find((f) => f.event === 'done')?.data as { status: Message['status'] } | undefined)
          ?.status;
        const ids = frames.find((f) => f.event === 'message_start')?.data as
          { user_message_id: string; assistant_message_id: string } | undefined;
        const req = body as { content?: string; edit_of?: string; regenerate_of?: string };
        const userId = ids?.user_message_id ?? 'u?';
        const answerId = ids?.assistant_message_id ?? 'a?';
        const answer = { ...m(answerId, 'assistant', text), status: status ?? 'complete' };
        const sibling = req.edit_of ?? req.regenerate_of;
        const at = messages.findIndex((x) => x.id === sibling);
        if (at >= 0) {
          const old = messages[at];
          replaced.set(old.id, messages.slice(at));
          const sibling_ids = [...(old.sibling_ids ?? [old.id]), req.edit_of ? userId : answerId];
          messages.splice(at);
          if (req.edit_of) messages.push({ ...m(userId, 'user', req.content ?? ''), sibling_ids }, answer);
          else messages.push({ ...answer, sibling_ids });
        } else {
          messages.push(m(userId, 'user', req.content ?? ''), answer);
        }
        return sse(frames, opts);
      });
      return fake;
    },
  });
}

const m = (id: string, role: 'user' | 'assistant', content: string): Message => ({
  id,
  parent_id: null,
  role,
  content,
  status: 'complete',
  model: role === 'assistant' ? 'claude-x' : '',
  input_tokens: 3,
  output_tokens: 4,
  created_at: '2026-11-25T10:00:00Z',
});

const reply = (text: string, extra: SSEFrame[] = []): SSEFrame[] => [
  {
    id: '1',
    event: 'message_start',
    data: { user_message_id: 'u-new', assistant_message_id: 'a-new', model: 'claude-x' },
  },
  { id: '2', event: 'delta', data: { text } },
  ...extra,
  { id: '9', event: 'done', data: { status: 'complete' } },
];

describe('ChatView', () => {
  it('streams a reply with Markdown and opens the artifact panel as the artifact starts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = chatApi().replyWith(
      reply('Here is **the plan**:', [
        {
          id: '3',
          event: 'artifact_start',
          data: {
            identifier: 'svc',
            type: 'application/vnd.ant.code',
            title: 'service.go',
            language: 'go',
            version: 1,
          },
        },
        { id: '4', event: 'artifact_delta', data: { identifier: 'svc', text: 'package main\n' } },
        { id: '5', event: 'artifact_end', data: { identifier: 'svc', version: 1, id: 'art-1' } },
      ]),
      { gate, gateAfter: 3 },
    );
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await user.type(await screen.findByLabelText('Message'), 'Plan it{Enter}');

    // Mid-stream: the text so far is rendered, the Stop button is offered.
    const bold = await screen.findByText('the plan');
    expect(bold.tagName).toBe('STRONG');
    expect(screen.getByRole('button', { name: /stop/i })).toBeInTheDocument();
    const panel = await screen.findByRole('complementary', { name: 'service.go' });
    expect(within(panel).getByText(/writing/)).toBeInTheDocument();

    release();
    await waitFor(() => expect(screen.queryByRole('button', { name: /stop/i })).not.toBeInTheDocument());
    expect(within(panel).getByRole('link', { name: /download/i })).toHaveAttribute('href', '/api/artifacts/art-1/raw');
    expect(fake.callsTo('POST', '/api/chats/c1/messages')[0].body).toEqual({ content: 'Plan it' });
  });

  it('shows the limit and reset time on 429 quota_exceeded and keeps the typed message', async () => {
    const fake = chatApi().on('POST', '/api/chats/c1/messages', () =>
      apiError(429, 'quota_exceeded', 'Daily call limit reached', {
        limit: 100,
        used: 100,
        resets_at: '2026-11-26T00:00:00Z',
      }),
    );
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    const box = await screen.findByLabelText('Message');
    await user.type(box, 'One more{Enter}');
    const alert = await screen.findByText(/Daily limit reached/);
    expect(alert.closest('[role="alert"]')).toHaveTextContent(/100 of your 100 daily allowance/);
    expect(alert.closest('[role="alert"]')).toHaveTextContent(/resets at/i);
    await waitFor(() => expect(box).toHaveValue('One more'));
    expect(screen.queryByText('One more', { selector: '.user-text' })).not.toBeInTheDocument();
  });

  it('shows an upstream error event as a message with retry', async () => {
    const fake = chatApi().replyWith([
      {
        id: '1',
        event: 'message_start',
        data: { user_message_id: 'u', assistant_message_id: 'a', model: 'x' },
      },
      { id: '2', event: 'error', data: { code: 'upstream_error', message: 'The model is overloaded.' } },
      { id: '3', event: 'done', data: { status: 'error' } },
    ]);
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await user.type(await screen.findByLabelText('Message'), 'hi{Enter}');
    const alert = await screen.findByText(/model service failed/i);
    expect(alert.closest('[role="alert"]')).toHaveTextContent('The model is overloaded.');
    expect(
      within(alert.closest('[role="alert"]') as HTMLElement).getByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
  });

  it('stops a reply with POST /stop', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = chatApi()
      .replyWith(
        [
          {
            id: '1',
            event: 'message_start',
            data: { user_message_id: 'u', assistant_message_id: 'a', model: 'x' },
          },
          { id: '2', event: 'delta', data: { text: 'Long answer' } },
          { id: '3', event: 'done', data: { status: 'stopped' } },
        ],
        { gate, gateAfter: 2 },
      )
      .on('POST', '/api/chats/c1/stop', () => {
        release();
        return json(204, null);
      });
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await user.type(await screen.findByLabelText('Message'), 'Go{Enter}');
    await screen.findByText('Long answer');
    await user.click(screen.getByRole('button', { name: /stop/i }));
    expect(await screen.findByText('Stopped')).toBeInTheDocument();
    expect(fake.callsTo('POST', '/api/chats/c1/stop')).toHaveLength(1);
  });

  it('regenerates as a sibling and switches back with the ‹ 1/2 › control', async () => {
    const history = [m('u1', 'user', 'First question'), m('a1', 'assistant', 'First answer')];
    const fake = chatApi(history).replyWith(reply('Second answer'));
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await screen.findByText('First answer');
    await user.click(screen.getByRole('button', { name: /regenerate/i }));
    expect(await screen.findByText('Second answer')).toBeInTheDocument();
    expect(fake.callsTo('POST', '/api/chats/c1/messages')[0].body).toEqual({ regenerate_of: 'a1' });
    expect(screen.queryByText('First answer')).not.toBeInTheDocument();
    // Nothing was deleted: the first answer is a sibling, one click away.
    expect(fake.callsTo('DELETE', /.*/)).toHaveLength(0);
    const versions = await screen.findByRole('group', { name: 'Version 2 of 2' });
    await user.click(within(versions).getByRole('button', { name: 'Previous version' }));
    expect(await screen.findByText('First answer')).toBeInTheDocument();
    expect(fake.callsTo('PUT', '/api/chats/c1/branch')[0].body).toEqual({ message_id: 'a1' });
    expect(screen.getByRole('group', { name: 'Version 1 of 2' })).toBeInTheDocument();
    expect(screen.queryByText('Second answer')).not.toBeInTheDocument();
  });

  it('edit-and-resend keeps the old message as a sibling and sends the edited text', async () => {
    const history = [m('u1', 'user', 'Old question'), m('a1', 'assistant', 'Old answer')];
    const fake = chatApi(history).replyWith(reply('New answer'));
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await screen.findByText('Old answer');
    await user.click(screen.getByRole('button', { name: /edit/i }));
    const editor = screen.getByLabelText('Edit your message');
    await user.clear(editor);
    await user.type(editor, 'New question');
    await user.click(screen.getByRole('button', { name: /save & send/i }));
    expect(await screen.findByText('New answer')).toBeInTheDocument();
    expect(fake.callsTo('POST', '/api/chats/c1/messages')[0].body).toEqual({ content: 'New question', edit_of: 'u1' });
    expect(screen.queryByText('Old answer')).not.toBeInTheDocument();
    expect(await screen.findByRole('group', { name: 'Version 2 of 2' })).toBeInTheDocument();
  });

  it('sanitizes model Markdown: no scripts, handlers or javascript: links', async () => {
    const history = [
      m('u1', 'user', 'x'),
      m(
        'a1',
        'assistant',
        'Hi <img src=x onerror="alert(1)"> <script>alert(2)</script> [link](javascript:alert(3)) [ok](https://example.com)',
      ),
    ];
    chatApi(history).install();
    renderApp('/chats/c1');
    const ok = await screen.findByRole('link', { name: 'ok' });
    expect(ok).toHaveAttribute('target', '_blank');
    expect(ok).toHaveAttribute('rel', expect.stringContaining('noopener'));
    const body = ok.closest('.markdown') as HTMLElement;
    expect(body.querySelector('script')).toBeNull();
    expect(body.querySelector('[onerror]')).toBeNull();
    expect(body.innerHTML).not.toMatch(/javascript:/i);
  });

  it('reconnects after a network drop and resumes from the last event seen', async () => {
    const frames = reply('Hello', [{ id: '3', event: 'delta', data: { text: ' world' } }]);
    const fake = chatApi().replyWith(frames, { breakAfter: 2 });
    fake.on('GET', '/api/chats/c1/events', () => sse(frames.slice(2)));
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await user.type(await screen.findByLabelText('Message'), 'hi{Enter}');
    expect(await screen.findByText('Hello world')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: /stop/i })).not.toBeInTheDocument());
    const resume = fake.callsTo('GET', '/api/chats/c1/events');
    expect(resume).toHaveLength(1);
    expect(resume[0].headers.get('Last-Event-ID')).toBe('2');
  });

  it('shows the title the server gives an untitled chat from its first message', async () => {
    let title = '';
    const fake = chatApi()
      .replyWith(reply('ok'))
      .on('GET', '/api/chats/c1', () => json(200, { ...chat, title }));
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await screen.findByRole('heading', { name: 'Untitled chat' });
    // The server names the chat when it accepts the message (chatstore.TitleFrom).
    title = 'Event sourcing for orders';
    await user.type(screen.getByLabelText('Message'), 'Event sourcing for orders{Enter}');
    expect(await screen.findByRole('heading', { name: 'Event sourcing for orders' })).toBeInTheDocument();
    expect(fake.callsTo('PATCH', '/api/chats/c1')).toHaveLength(0);
  });
});
