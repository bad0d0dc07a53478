import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { alice, apiError, json, signedInApi } from '../test/fakeApi';
import { renderApp } from '../test/render';
import { safeNext } from './RequireAuth';

afterEach(() => vi.unstubAllGlobals());

describe('AuthProvider and protected routes', () => {
  it('sends a signed-out visitor to sign-in, remembering the wanted page', async () => {
    const fake = signedInApi()
      .on('GET', '/api/auth/session', () => json(200, { user: null }))
      .on('GET', '/api/auth/providers', () => json(200, { github: true, dev: false }));
    fake.install();
    renderApp('/chats/abc');
    expect(await screen.findByRole('heading', { name: 'Sign in to ArchStudio' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fchats%2Fabc');
    const github = await screen.findByRole('link', { name: /sign in with github/i });
    expect(github).toHaveAttribute('href', '/api/auth/github?return_to=%2Fchats%2Fabc');
    // No "session ended" message for someone who simply was not signed in.
    expect(screen.queryByText(/session has ended/i)).not.toBeInTheDocument();
  });

  it('shows the development form only when the server offers it, and returns to the wanted page', async () => {
    let signedIn = false;
    const fake = signedInApi()
      .on('GET', '/api/auth/session', () => json(200, { user: signedIn ? alice : null }))
      .on('POST', '/api/auth/dev', ({ body }) => {
        signedIn = true;
        return json(200, { ...alice, login: (body as { username: string }).username });
      })
      .on('GET', '/api/chats/abc', () => json(200, { id: 'abc', title: 'Design', created_at: '', updated_at: '' }))
      .on('GET', '/api/chats/abc/messages', () => json(200, { messages: [], next_cursor: null }))
      .on('GET', '/api/chats/abc/artifacts', () => json(200, { artifacts: [] }));
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    const name = await screen.findByLabelText('User name');
    await user.type(name, 'bob');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/settings$/));
    expect(fake.callsTo('POST', '/api/auth/dev')[0].body).toEqual({ username: 'bob' });
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeInTheDocument();
  });

  it('validates the development user name before calling the server', async () => {
    const fake = signedInApi().on('GET', '/api/auth/session', () => json(200, { user: null }));
    fake.install();
    const user = userEvent.setup();
    renderApp('/login');
    await user.type(await screen.findByLabelText('User name'), 'not valid!');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/letters, digits or hyphens/);
    expect(screen.getByLabelText('User name')).toHaveAttribute('aria-invalid', 'true');
    expect(fake.callsTo('POST', '/api/auth/dev')).toHaveLength(0);
  });

  it('hides the development form when the server does not offer it', async () => {
    const fake = signedInApi()
      .on('GET', '/api/auth/session', () => json(200, { user: null }))
      .on('GET', '/api/auth/providers', () => json(200, { github: true, dev: false }));
    fake.install();
    renderApp('/login');
    expect(await screen.findByRole('link', { name: /sign in with github/i })).toBeInTheDocument();
    await waitFor(() => expect(fake.callsTo('GET', '/api/auth/providers')).toHaveLength(1));
    expect(screen.queryByLabelText('User name')).not.toBeInTheDocument();
  });

  it('returns to sign-in with a message when ANY call answers 401 mid-session', async () => {
    const fake = signedInApi();
    fake.install();
    renderApp('/settings');
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeInTheDocument();
    // The session ends elsewhere; the next call of any kind gets 401.
    fake.on('GET', /.*/, () => apiError(401, 'unauthenticated'));
    fake.on('POST', /.*/, () => apiError(401, 'unauthenticated'));
    await act(async () => {
      await api('/api/usage').catch(() => undefined);
    });
    expect(await screen.findByRole('heading', { name: 'Sign in to ArchStudio' })).toBeInTheDocument();
    expect(screen.getByText(/your session has ended/i)).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fsettings');
  });

  it('hides GitHub sign-in when the server has no GitHub app', async () => {
    const fake = signedInApi()
      .on('GET', '/api/auth/session', () => json(200, { user: null }))
      .on('GET', '/api/auth/providers', () => json(200, { github: false, dev: true }));
    fake.install();
    renderApp('/login');
    expect(await screen.findByLabelText('User name')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /sign in with github/i })).not.toBeInTheDocument();
  });

  it('signs out and shows sign-in', async () => {
    const fake = signedInApi().on('POST', '/api/auth/logout', () => json(204, null));
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    await screen.findByRole('heading', { name: 'Settings', level: 1 });
    fake.on('GET', '/api/auth/session', () => json(200, { user: null }));
    await user.click(screen.getByRole('button', { name: /account and usage/ }));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to ArchStudio' })).toBeInTheDocument();
    expect(screen.getByText('You have signed out.')).toBeInTheDocument();
    expect(fake.callsTo('POST', '/api/auth/logout')).toHaveLength(1);
  });

  it('offers a retry instead of a blank page when the server cannot be reached', async () => {
    const fake = signedInApi();
    let up = false;
    fake.on('GET', '/api/auth/session', () => {
      if (!up) throw new TypeError('Failed to fetch');
      return json(200, { user: alice });
    });
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats');
    expect(await screen.findByRole('heading', { name: /can’t be reached/ })).toBeInTheDocument();
    up = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'What are we designing today?' })).toBeInTheDocument();
  });
});

describe('safeNext', () => {
  const cases: [string | null, string][] = [
    [null, '/chats'],
    ['/chats/1', '/chats/1'],
    ['/settings?x=1', '/settings?x=1'],
    ['//evil.example', '/chats'],
    ['/\\evil.example', '/chats'],
    ['https://evil.example', '/chats'],
    ['/login', '/chats'],
    ['/api/auth/logout', '/chats'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => expect(safeNext(input)).toBe(want));
  }
});
