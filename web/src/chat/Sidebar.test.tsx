import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Chat } from '../api/types';
import { json, signedInApi } from '../test/fakeApi';
import { renderApp } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const c = (id: string, title: string, updated: string): Chat => ({
  id,
  title,
  created_at: updated,
  updated_at: updated,
});

function listApi() {
  let chats = [c('c1', 'Payments', '2026-11-25T10:00:00Z'), c('c2', 'Search index', '2026-11-24T10:00:00Z')];
  return signedInApi()
    .on('GET', '/api/chats', ({ url }) => {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      return json(200, { chats: chats.filter((x) => x.title.toLowerCase().includes(q)), next_cursor: null });
    })
    .on('POST', '/api/chats', () => {
      const chat = c('c3', 'New chat', '2026-11-25T11:00:00Z');
      chats = [chat, ...chats];
      return json(201, chat);
    })
    .on('GET', /^\/api\/chats\/c\d$/, ({ url }) =>
      json(
        200,
        chats.find((x) => url.pathname.endsWith(x.id)),
      ),
    )
    .on('GET', '/api/chats/search', ({ url }) =>
      json(200, {
        results:
          url.searchParams.get('q') === 'sea'
            ? [
                {
                  chat_id: 'c1',
                  chat_title: 'Payments',
                  message_id: 'm1',
                  role: 'assistant',
                  created_at: '2026-11-25T10:00:00Z',
                  snippet: [
                    { text: 'Use a ', match: false },
                    { text: 'search', match: true },
                    { text: ' index <b>here</b>', match: false },
                  ],
                },
              ]
            : [],
      }),
    )
    .on('PUT', '/api/chats/c1/branch', () => json(204, null))
    .on('GET', /^\/api\/chats\/c\d\/messages$/, () => json(200, { messages: [], next_cursor: null }))
    .on('GET', /^\/api\/chats\/c\d\/artifacts$/, () => json(200, { artifacts: [] }))
    .on('PATCH', '/api/chats/c2', ({ body }) => {
      chats = chats.map((x) => (x.id === 'c2' ? { ...x, ...(body as object) } : x));
      return json(
        200,
        chats.find((x) => x.id === 'c2'),
      );
    })
    .on('DELETE', '/api/chats/c1', () => {
      chats = chats.filter((x) => x.id !== 'c1');
      return json(204, null);
    });
}

describe('Sidebar', () => {
  it('searches chats by title with the q parameter', async () => {
    const fake = listApi();
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats');
    const list = await screen.findByRole('navigation', { name: 'Chat list' });
    await within(list).findByText('Payments');
    // The new-chat page focuses its composer once its chunk has loaded: type
    // after that, or the rest of the word lands in the composer.
    await screen.findByLabelText('Message');
    await user.type(screen.getByLabelText('Search chats'), 'sea');
    // The list is asked for once typing pauses; a slow machine may pause
    // after "se" as well, so wait for the query of the whole word.
    const queries = () => fake.callsTo('GET', '/api/chats').map((call) => call.query.get('q'));
    await waitFor(() => expect(queries()).toContain('sea'), { timeout: 4000 });
    await waitFor(() => expect(within(list).queryByText('Payments')).not.toBeInTheDocument());
    expect(within(list).getByText('Search index')).toBeInTheDocument();
    // Message content matches too, highlighted, as text (never as markup).
    const inMessages = await screen.findByRole('region', { name: 'Messages matching the search' });
    const mark = await within(inMessages).findByText('search', { selector: 'mark' });
    expect(mark.closest('button')).toHaveTextContent('Use a search index <b>here</b>');
    await user.click(mark);
    await waitFor(() => expect(fake.callsTo('PUT', '/api/chats/c1/branch')).toHaveLength(1));
    expect(fake.callsTo('PUT', '/api/chats/c1/branch')[0].body).toEqual({ message_id: 'm1' });
    await screen.findByRole('heading', { name: 'Payments', level: 1 });
    await user.clear(screen.getByLabelText('Search chats'));
    await user.type(screen.getByLabelText('Search chats'), 'zzz');
    expect(await within(list).findByText('No chats match your search.', {}, { timeout: 4000 })).toBeInTheDocument();
  });

  it('renames a chat inline (Enter saves, Escape cancels)', async () => {
    const fake = listApi();
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats');
    await screen.findByText('Search index');
    await user.click(screen.getByRole('button', { name: 'Rename Search index' }));
    await user.keyboard('{Escape}');
    expect(fake.callsTo('PATCH', '/api/chats/c2')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Rename Search index' }));
    const input = screen.getByLabelText('New title for Search index');
    await user.clear(input);
    await user.type(input, 'Search v2{Enter}');
    expect(await screen.findByText('Search v2')).toBeInTheDocument();
    expect(fake.callsTo('PATCH', '/api/chats/c2')[0].body).toEqual({ title: 'Search v2' });
  });

  it('deletes the open chat after confirmation and leaves it', async () => {
    const fake = listApi();
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats/c1');
    await screen.findByRole('heading', { name: 'Payments' });
    await user.click(screen.getByRole('button', { name: 'Delete Payments' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this chat?', hidden: true });
    await user.click(within(dialog).getByRole('button', { name: 'Delete', hidden: true }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/chats$/));
    expect(fake.callsTo('DELETE', '/api/chats/c1')).toHaveLength(1);
    expect(screen.queryByRole('link', { name: /Payments/ })).not.toBeInTheDocument();
  });

  it('creates a new chat and opens it', async () => {
    const fake = listApi();
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats');
    await screen.findByText('Payments');
    await user.click(screen.getByRole('button', { name: 'New chat' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/chats/c3'));
    expect(fake.callsTo('POST', '/api/chats')).toHaveLength(1);
  });
});
