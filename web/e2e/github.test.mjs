// End-to-end: publishing a roadmap artifact as GitHub issues through the
// dialog, against the whole stack with the fake GitHub: sign-in asks only for
// read:user user:email, the dialog previews the issues, the scope upgrade goes
// through GitHub's authorize page and back, publishing creates the issues
// (each ending with @claude), and the runs they start show in the Runs panel
// and follow GitHub's status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launch, newContext, requireBaseUrl, screenshot } from './lib/browser.mjs';

requireBaseUrl();

const FAKE_GITHUB = (process.env.E2E_FAKE_GITHUB_URL ?? '').replace(/\/$/, '');
const LOGIN = process.env.E2E_GITHUB_LOGIN ?? 'octocat';
const ROADMAP_PROMPT = process.env.E2E_ROADMAP_PROMPT ?? 'Plan a roadmap for the studio';
const REPO = `${LOGIN}/roadmap-demo`;

async function fake(method, path, body) {
  const res = await fetch(FAKE_GITHUB + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.status === 204 ? undefined : res.json();
}

describe('Publish to GitHub', { concurrency: false, skip: !FAKE_GITHUB && 'E2E_FAKE_GITHUB_URL is not set' }, () => {
  let browser;
  let page;
  const runEventStreams = [];

  before(async () => {
    await fake('POST', '/_fake/repos', { owner: LOGIN, name: 'roadmap-demo', claude_workflow: true });
    browser = await launch();
    const context = await newContext(browser);
    page = await context.newPage();
    page.on('response', (r) => {
      if (r.url().endsWith('/runs/events')) runEventStreams.push(r.status());
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('signs in asking only for read:user user:email', async () => {
    await page.goto('/chats');
    const gh = page.getByRole('link', { name: 'Sign in with GitHub' });
    await gh.waitFor();
    const [authorize] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(FAKE_GITHUB + '/login/oauth/authorize')),
      gh.click(),
    ]);
    assert.equal(new URL(authorize.url()).searchParams.get('scope'), 'read:user user:email');
    await page.getByRole('button', { name: /account and usage/ }).waitFor();
  });

  it('asks for a roadmap and previews its issues in the dialog', async () => {
    await page.getByLabel('Message').fill(ROADMAP_PROMPT);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: /Stop/ }).waitFor({ state: 'detached', timeout: 60_000 });
    const panel = page.locator('aside.artifact-panel');
    if (!(await panel.isVisible())) await page.locator('.artifact-card').first().click();
    await panel.getByRole('button', { name: 'Publish to GitHub' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish to GitHub' });
    await dialog.getByText('3 issues').waitFor();
    await dialog.getByText('Set Up the Database Schema', { exact: true }).waitFor();
    await dialog.getByText('priority: high', { exact: true }).waitFor();
    // The sign-in granted no repository scope: the upgrade is offered.
    await dialog.getByText(/Publishing needs GitHub's/).waitFor();
    await screenshot(page, 'publish-preview');
  });

  it('upgrades the scopes through GitHub and returns to the chat', async () => {
    const chatUrl = page.url();
    const dialog = page.getByRole('dialog', { name: 'Publish to GitHub' });
    const [authorize] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(FAKE_GITHUB + '/login/oauth/authorize')),
      dialog.getByRole('link', { name: 'Allow public repositories' }).click(),
    ]);
    assert.equal(new URL(authorize.url()).searchParams.get('scope'), 'read:user user:email public_repo workflow');
    await page.waitForURL(chatUrl);
    await page.getByRole('button', { name: /account and usage/ }).waitFor();
  });

  it('publishes the roadmap and shows the created issues as links', async () => {
    const panel = page.locator('aside.artifact-panel');
    if (!(await panel.isVisible())) await page.locator('.artifact-card').first().click();
    await panel.getByRole('button', { name: 'Publish to GitHub' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish to GitHub' });
    await dialog.getByText('3 issues').waitFor();
    assert.equal(await dialog.getByText(/Publishing needs GitHub's/).count(), 0);
    await dialog.getByLabel('Repository').fill(REPO);
    await dialog.getByLabel('Labels (comma-separated)').fill('roadmap');
    const publish = dialog.getByRole('button', { name: 'Publish' });
    await page.waitForFunction((el) => !el.disabled, await publish.elementHandle());
    await publish.click();
    await dialog.getByText(`Created 3 issues on ${REPO}.`).waitFor();
    const first = dialog.getByRole('link', { name: '#1 Set Up the Database Schema' });
    assert.equal(await first.getAttribute('href'), `https://github.com/${REPO}/issues/1`);

    const issues = await fake('GET', `/_fake/issues?repo=${REPO}`);
    assert.deepEqual(
      issues.map((i) => i.title),
      ['Set Up the Database Schema', 'Add the Chat API', 'Write the Deployment Guide'],
    );
    for (const is of issues) {
      assert.equal(is.body.match(/@claude/g)?.length, 1, is.body);
      assert.ok(is.body.endsWith('@claude'), is.body);
      assert.ok(is.labels.includes('roadmap') && is.labels.some((l) => l.startsWith('priority: ')), is.labels);
    }
    assert.match(issues[1].body, /\*\*Dependencies:\*\* Database schema \(#1\)/);
  });

  it('shows the runs the issues started, live', async () => {
    const dialog = page.getByRole('dialog', { name: 'Publish to GitHub' });
    const runs = dialog.getByRole('region', { name: `Workflow runs of ${REPO}` });
    await runs.locator('[data-run-status="queued"]').first().waitFor();
    assert.equal(await runs.locator('li.run').count(), 3);
    const [run] = await fake('GET', `/_fake/runs?repo=${REPO}`);
    await fake('POST', '/_fake/runs', { repo: REPO, id: run.id, status: 'completed', conclusion: 'success' });
    await runs.locator('[data-run-status="success"]').waitFor();
    // Live: the panel follows the stream function's relay, not polling.
    assert.deepEqual(runEventStreams, [200]);
    await screenshot(page, 'publish-runs');
  });

  it('publishing again creates nothing', async () => {
    const dialog = page.getByRole('dialog', { name: 'Publish to GitHub' });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('aside.artifact-panel').getByRole('button', { name: 'Publish to GitHub' }).click();
    const again = page.getByRole('dialog', { name: 'Publish to GitHub' });
    await again.getByLabel('Repository').fill(REPO);
    await again.getByText('exists as #1').waitFor();
    await again.getByRole('button', { name: 'Publish' }).click();
    await again.getByText(`Already published to ${REPO}; nothing new was created.`).waitFor();
    assert.equal((await fake('GET', `/_fake/issues?repo=${REPO}`)).length, 3);
  });
});
