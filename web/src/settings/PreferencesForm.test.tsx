import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, defaultPreferences, json, signedInApi } from '../test/fakeApi';
import { renderApp } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

function settingsApi() {
  return signedInApi().on('GET', '/api/auth/sessions', () =>
    json(200, {
      sessions: [
        {
          id: 's1',
          created_at: '2026-11-20T10:00:00Z',
          last_seen_at: '2026-11-25T10:00:00Z',
          user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156',
          current: true,
        },
        {
          id: 's2',
          created_at: '2026-11-21T10:00:00Z',
          last_seen_at: '2026-11-24T10:00:00Z',
          user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X) Safari/605',
          current: false,
        },
        {
          id: 's3',
          created_at: '2026-11-22T10:00:00Z',
          last_seen_at: '2026-11-23T10:00:00Z',
          user_agent: 'curl/8.0',
          current: false,
        },
      ],
    }),
  );
}

describe('Settings: preferences', () => {
  it('blocks invalid input client-side, names the field and focuses it', async () => {
    const fake = settingsApi();
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    const rate = await screen.findByLabelText('Speaking rate');
    await user.clear(rate);
    await user.type(rate, '3');
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(rate).toHaveAttribute('aria-invalid', 'true');
    expect(rate).toHaveAccessibleDescription(/between 0.5 and 2.0/);
    expect(rate).toHaveFocus();
    expect(fake.callsTo('PATCH', '/api/preferences')).toHaveLength(0);
  });

  it('saves only the changes as a merge patch and confirms', async () => {
    const fake = settingsApi().on('PATCH', '/api/preferences', ({ body }) =>
      json(200, { ...defaultPreferences, ...(body as object), voice: defaultPreferences.voice }),
    );
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    await user.click(await screen.findByLabelText('Dark'));
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByText('Preferences saved.')).toBeInTheDocument();
    const patch = fake.callsTo('PATCH', '/api/preferences')[0];
    expect(patch.body).toEqual({ theme: 'dark' });
    expect(patch.headers.get('Content-Type')).toBe('application/merge-patch+json');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('shows a server 400 at the field it names', async () => {
    const fake = settingsApi().on('PATCH', '/api/preferences', () =>
      apiError(400, 'invalid_argument', 'voice "robot" is not available', { field: 'voice.voice' }),
    );
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    const voice = await screen.findByLabelText('Voice');
    await user.clear(voice);
    await user.type(voice, 'robot');
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    await waitFor(() => expect(voice).toHaveAttribute('aria-invalid', 'true'));
    expect(voice).toHaveAccessibleDescription(/voice "robot" is not available/);
    expect(voice).toHaveFocus();
    expect(screen.queryByText('Preferences saved.')).not.toBeInTheDocument();
  });
});

describe('Settings: sessions', () => {
  it('lists sessions and signs out every other one', async () => {
    const fake = settingsApi().on('DELETE', /^\/api\/auth\/sessions\/s\d$/, () => json(204, null));
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    expect(await screen.findByText('This device')).toBeInTheDocument();
    expect(screen.getByText('Safari on macOS')).toBeInTheDocument();
    fake.on('GET', '/api/auth/sessions', () =>
      json(200, {
        sessions: [
          {
            id: 's1',
            created_at: '2026-11-20T10:00:00Z',
            last_seen_at: '2026-11-25T10:00:00Z',
            user_agent: '',
            current: true,
          },
        ],
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    expect(await screen.findByText('Signed out of every other session.')).toBeInTheDocument();
    expect(
      fake
        .callsTo('DELETE', /^\/api\/auth\/sessions\//)
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/api/auth/sessions/s2', '/api/auth/sessions/s3']);
    await waitFor(() => expect(screen.queryByText('Safari on macOS')).not.toBeInTheDocument());
  });

  it('signs out everywhere after confirmation and lands on sign-in', async () => {
    const fake = settingsApi().on('POST', '/api/auth/logout-all', () => json(204, null));
    fake.install();
    const user = userEvent.setup();
    renderApp('/settings');
    await screen.findByText('This device');
    await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?', hidden: true });
    await user.click(dialog.querySelector('button.danger') as HTMLButtonElement);
    expect(await screen.findByRole('heading', { name: 'Sign in to ArchStudio' })).toBeInTheDocument();
    expect(screen.getByText('You have signed out on every device.')).toBeInTheDocument();
    expect(fake.callsTo('POST', '/api/auth/logout-all')).toHaveLength(1);
  });
});
