import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, FakeApi, json } from '../test/fakeApi';
import { RepositoryButton } from './RepositoryButton';

afterEach(() => vi.unstubAllGlobals());

const context = {
  repo: 'alice/app',
  ref: 'main',
  paths: [],
  token_budget: 20000,
  refreshed_at: '2026-11-29T05:00:00Z',
  commit_sha: '0123456789abcdef0123456789abcdef01234567',
  tokens: 1234,
  tree_files: 9,
  tree_listed: 9,
  files: [
    { path: 'README.md', size: 25, tokens: 15, reason: 'readme' },
    { path: 'go.mod', size: 32, tokens: 16, reason: 'manifest' },
  ],
  omitted: [],
};

describe('RepositoryButton', () => {
  it('attaches a repository at a branch and shows its files and tokens', async () => {
    const api = new FakeApi()
      .on('GET', '/api/github/chats/c1/repository', json(204, null))
      .on('PUT', '/api/github/chats/c1/repository', json(200, context));
    api.install();
    render(<RepositoryButton chatId="c1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Repository' }));
    await userEvent.type(screen.getByLabelText('Repository (owner/name)'), 'alice/app');
    await userEvent.type(screen.getByLabelText('Branch'), 'main');
    await userEvent.click(screen.getByRole('button', { name: 'Attach' }));
    expect(await screen.findByText('1,234 of 20,000 tokens')).toBeTruthy();
    expect(screen.getByText('README.md')).toBeTruthy();
    expect(screen.getByText('go.mod')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Repository: alice/app' })).toBeTruthy();
    const put = api.calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({ repo: 'alice/app', ref: 'main' });
  });

  it('shows a GitHub refusal', async () => {
    new FakeApi()
      .on('GET', '/api/github/chats/c1/repository', json(204, null))
      .on(
        'PUT',
        '/api/github/chats/c1/repository',
        apiError(404, 'not_found', 'the repository alice/nope was not found'),
      )
      .install();
    render(<RepositoryButton chatId="c1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Repository' }));
    await userEvent.type(screen.getByLabelText('Repository (owner/name)'), 'alice/nope');
    await userEvent.click(screen.getByRole('button', { name: 'Attach' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/alice\/nope was not found/);
  });

  it('shows an attached repository and detaches it', async () => {
    const api = new FakeApi()
      .on('GET', '/api/github/chats/c1/repository', json(200, context))
      .on('DELETE', '/api/github/chats/c1/repository', () => new Response(null, { status: 204 }));
    api.install();
    render(<RepositoryButton chatId="c1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Repository: alice/app' }));
    await userEvent.click(screen.getByRole('button', { name: 'Detach' }));
    await waitFor(() => expect(screen.getByLabelText('Repository (owner/name)')).toBeTruthy());
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(true);
  });
});
