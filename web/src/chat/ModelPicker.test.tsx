import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPreferences, json, signedInApi } from '../test/fakeApi';
import { renderApp } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

describe('model pickers', () => {
  it('offer the allowed models beside Send and in settings; a pick is saved as the preference', async () => {
    const fake = signedInApi()
      .on('GET', '/api/preferences/models', () =>
        json(200, { default: 'claude-sonnet-5-5', models: ['claude-sonnet-5-5', 'claude-opus-5-5'], restricted: true }),
      )
      .on('PATCH', '/api/preferences', ({ body }) => json(200, { ...defaultPreferences, ...(body as object) }));
    fake.install();
    const user = userEvent.setup();
    renderApp('/chats');
    const picker = await screen.findByRole('combobox', { name: 'Model' });
    expect([...(picker as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'claude-sonnet-5-5',
      'claude-opus-5-5',
    ]);
    await user.selectOptions(picker, 'claude-opus-5-5');
    await waitFor(() => expect(fake.callsTo('PATCH', '/api/preferences')).toHaveLength(1));
    expect(fake.callsTo('PATCH', '/api/preferences')[0].body).toEqual({ model: 'claude-opus-5-5' });
    await waitFor(() => expect(picker).toHaveValue('claude-opus-5-5'));

    await user.click(screen.getByRole('link', { name: 'Settings' }));
    await screen.findByRole('heading', { name: 'Preferences' });
    const setting = await screen.findByRole('combobox', { name: 'Model' });
    await waitFor(() =>
      expect([...(setting as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
        'claude-sonnet-5-5 (default)',
        'claude-opus-5-5',
      ]),
    );
  });
});
