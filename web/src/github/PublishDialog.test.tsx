import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, FakeApi, json } from '../test/fakeApi';
import PublishDialog from './PublishDialog';

afterEach(() => vi.unstubAllGlobals());

const preview = (repo: string) => ({
  dry_run: true,
  repo,
  artifact_id: 'a1',
  version: 1,
  created_count: 0,
  issues: [
    {
      position: 0,
      title: 'Set Up the Database',
      body: 'Tables.\n\n@claude',
      labels: ['priority: high'],
      depends_on: [],
      created: false,
    },
  ],
});

function githubApi(account: object) {
  const api = new FakeApi()
    .on('GET', '/api/auth/providers', json(200, { github: false, dev: true }))
    .on('GET', '/api/github/account', json(200, account))
    .on('GET', '/api/github/repos', json(200, { repos: [], next_page: 0, prev_page: 0, last_page: 0 }))
    .on('POST', '/api/github/publish', ({ body }) => {
      const b = body as { dry_run: boolean; repo: string };
      if (b.dry_run) return json(200, preview(b.repo));
      return json(201, {
        ...preview(b.repo),
        dry_run: false,
        created_count: 1,
        issues: [
          { ...preview(b.repo).issues[0], number: 7, url: 'https://github.com/alice/app/issues/7', created: true },
        ],
      });
    })
    .on('GET', '/api/github/repos/alice/app/runs', json(200, { runs: [] }));
  api.install();
  return api;
}

describe('PublishDialog', () => {
  it('with the development sign-in, says GitHub sign-in is needed and still previews', async () => {
    githubApi({ connected: false, revoked: false, scopes: [], can_publish: false, can_dispatch: false });
    render(<PublishDialog artifactId="a1" version={1} onClose={() => {}} />);
    expect(await screen.findByText(/GitHub sign-in is needed to publish/)).toBeTruthy();
    expect(await screen.findByText('Set Up the Database')).toBeTruthy();
    expect(screen.getByText('priority: high')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('publishes and shows the created issues as links', async () => {
    const api = githubApi({
      connected: true,
      revoked: false,
      scopes: ['public_repo'],
      can_publish: true,
      can_dispatch: false,
    });
    render(<PublishDialog artifactId="a1" version={1} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Repository'), 'alice/app');
    await userEvent.type(screen.getByLabelText('Labels (comma-separated)'), 'roadmap');
    const publish = screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement;
    await waitFor(() => expect(publish.disabled).toBe(false));
    await userEvent.click(publish);
    const link = await screen.findByRole('link', { name: '#7 Set Up the Database' });
    expect(link.getAttribute('href')).toBe('https://github.com/alice/app/issues/7');
    const sent = api.calls
      .filter((c) => c.method === 'POST')
      .map((c) => c.body as { dry_run: boolean; labels: string[] });
    expect(sent.at(-1)).toMatchObject({ dry_run: false, labels: ['roadmap'], mention_claude: true, repo: 'alice/app' });
  });

  it('offers the scope upgrade when GitHub needs a scope', async () => {
    const api = githubApi({
      connected: true,
      revoked: false,
      scopes: ['public_repo'],
      can_publish: true,
      can_dispatch: false,
    });
    api.on('POST', '/api/github/publish', ({ body }) =>
      (body as { dry_run: boolean }).dry_run
        ? json(200, preview('alice/secret'))
        : apiError(403, 'github_scope_required', 'GitHub needs the repo scope', { scope: 'repo' }),
    );
    render(<PublishDialog artifactId="a1" version={1} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Repository'), 'alice/secret');
    const publish = screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement;
    await waitFor(() => expect(publish.disabled).toBe(false));
    await userEvent.click(publish);
    const upgrade = await screen.findByRole('link', { name: 'Allow public and private repositories' });
    expect(upgrade.getAttribute('href')).toMatch(/^\/api\/auth\/github\?scope=repo&scope=workflow&return_to=/);
  });
});
