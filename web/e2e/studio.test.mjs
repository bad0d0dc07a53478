// End-to-end: the built SPA against a running ArchStudio stack.
//   E2E_BASE_URL=http://localhost:8080 npm run e2e
// Scenarios run in order on one signed-in browser context (like a person).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkA11y } from './lib/axe.mjs';
import { BASE_URL, launch, newContext, requireBaseUrl, screenshot, watchErrors } from './lib/browser.mjs';

requireBaseUrl();

// The fake Anthropic decides what a reply contains; these prompts ask for an
// artifact and for a long reply. Override them to match the fake's triggers.
const ARTIFACT_PROMPT =
  process.env.E2E_ARTIFACT_PROMPT ?? 'Draw a mermaid diagram of the system architecture as an artifact';
const LONG_PROMPT = process.env.E2E_LONG_PROMPT ?? 'Write a long essay about distributed systems';
// An HTML artifact whose inline script writes a greeting, then tries the API
// and writes "api blocked" when it cannot reach it.
const HTML_PROMPT = process.env.E2E_HTML_PROMPT ?? 'Make an html page that greets me';
// The stack's fake GitHub approves the consent step at once as this user.
const LOGIN = process.env.E2E_GITHUB_LOGIN ?? 'octocat';

let browser;
let context;
let page;
let errors;
let chatUrl;
let chatTitle;

const assistantMessages = () => page.locator('article.message.assistant');

/** The value of a Content-Security-Policy directive ('' when absent). */
function cspDirective(csp, name) {
  const found = (csp ?? '')
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  return found ? found.slice(1).join(' ') : '';
}

// Signs in through the real OAuth round trip: the studio's /api/auth/github,
// GitHub's authorize page (the stack's fake approves at once), the callback.
async function signInWithGitHub(p) {
  await p.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
  await p.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await p.getByRole('button', { name: /account and usage/ }).waitFor();
}

describe('ArchStudio studio', { concurrency: false }, () => {
  before(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  after(async () => {
    await browser?.close();
  });

  it('shows sign-in to a signed-out visitor at any route (axe clean)', async () => {
    for (const path of ['/', '/chats', '/chats/00000000-0000-0000-0000-000000000000', '/settings', '/no-such-page']) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
    }
    const gh = page.getByRole('link', { name: 'Sign in with GitHub' });
    assert.match((await gh.getAttribute('href')) ?? '', /^\/api\/auth\/github\?return_to=/);
    await page.goto('/settings');
    await page.getByRole('link', { name: 'Sign in with GitHub' }).waitFor();
    // GitHub is configured, so the development form is not offered.
    assert.equal(await page.getByLabel('User name').count(), 0);
    await checkA11y(page, 'sign-in');
    await screenshot(page, 'sign-in');
  });

  it('signs in with GitHub and returns to the wanted page', async () => {
    await signInWithGitHub(page);
    await page.waitForURL(/\/settings$/);
    await page.getByText(LOGIN).first().waitFor();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('This device').waitFor();
  });

  it('settings: validates, saves preferences and lists sessions (axe clean)', async () => {
    const rate = page.getByLabel('Speaking rate');
    await rate.fill('5');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    assert.equal(await rate.getAttribute('aria-invalid'), 'true');
    await page.getByText('Speaking rate must be between 0.5 and 2.0.').waitFor();
    await rate.fill('1.2');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Preferences saved.').waitFor();
    await page.reload();
    await page.getByText('This device').waitFor();
    assert.equal(await page.getByLabel('Speaking rate').inputValue(), '1.2');
    await checkA11y(page, 'settings');
    await screenshot(page, 'settings');
  });

  it('starts a chat and renders the reply as it streams', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
    await page.getByRole('heading', { name: 'What are we designing today?' }).waitFor();
    await checkA11y(page, 'new chat');
    await page.getByLabel('Message').fill(ARTIFACT_PROMPT);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
    chatUrl = page.url();
    // While streaming: a busy assistant message with text growing and a Stop button.
    const streaming = page.locator('article.message.assistant[aria-busy="true"]');
    await streaming.waitFor();
    await page.getByRole('button', { name: /Stop/ }).waitFor();
    const seen = new Set();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await streaming.count()) > 0) {
      const t = (
        await streaming
          .first()
          .innerText()
          .catch(() => '')
      ).trim();
      if (t) seen.add(t.length);
      await page.waitForTimeout(50);
    }
    assert.ok(seen.size >= 2, `expected the reply to grow while streaming, saw lengths ${[...seen]}`);
    await page.getByRole('button', { name: /Stop/ }).waitFor({ state: 'detached', timeout: 60_000 });
    const text = await assistantMessages().last().innerText();
    assert.ok(text.trim().length > 0, 'the reply has text');
  });

  it('opens the artifact panel (axe clean) with copy and download', async () => {
    chatTitle = (await page.locator('#chat-title').innerText()).trim();
    const panel = page.locator('aside.artifact-panel');
    if (!(await panel.isVisible())) {
      await page.locator('.artifact-card').first().click();
    }
    await panel.waitFor();
    await panel.getByRole('button', { name: /Copy/ }).waitFor();
    const download = panel.getByRole('link', { name: /Download/ });
    assert.match((await download.getAttribute('href')) ?? '', /^\/api\/artifacts\/[0-9a-f-]{36}\/raw$/);
    const res = await page.request.get(await download.getAttribute('href'));
    assert.equal(res.status(), 200);
    // The prompt asks for a Mermaid diagram: its lazily loaded renderer must
    // turn it into an image (HTML previews have a test of their own below).
    const diagram = panel.getByRole('img', { name: /^Diagram:/ });
    await diagram.waitFor();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await diagram.elementHandle());
    await checkA11y(page, 'chat with artifact');
    await screenshot(page, 'chat-with-artifact');
    // The dark theme (system preference) must meet contrast too.
    await page.emulateMedia({ colorScheme: 'dark' });
    // Wait until the page has taken the dark palette and finished any transition.
    await page.waitForFunction(
      () =>
        document.documentElement.dataset.theme === 'dark' &&
        document.getAnimations().every((a) => !(a instanceof CSSTransition)),
    );
    await checkA11y(page, 'chat with artifact, dark theme');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('runs an HTML artifact in a document of its own, with no network', async () => {
    // The studio itself runs no inline script: previews cannot be srcdoc
    // frames inheriting its policy.
    const studio = await page.request.get(chatUrl);
    const scriptSrc = cspDirective(studio.headers()['content-security-policy'], 'script-src');
    assert.ok(scriptSrc && !scriptSrc.includes("'unsafe-inline'"), `studio script-src: ${scriptSrc}`);

    await page.getByLabel('Message').fill(HTML_PROMPT);
    await page.keyboard.press('Enter');
    const stop = page.getByRole('button', { name: /Stop/ });
    await stop.waitFor();
    await stop.waitFor({ state: 'detached', timeout: 60_000 });
    const selector = 'aside.artifact-panel iframe[title="Preview: Hello page"]';
    const frame = page.locator(selector);
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
    assert.equal(await frame.getAttribute('src'), '/preview.html');
    const doc = page.frameLocator(selector);
    await doc.getByText('Hello from the page script').waitFor();
    await doc.getByText('api blocked').waitFor();
    // The preview's own policy stopped the call (not merely CORS): Chromium
    // logs the violation. Expected here, so it is no page error.
    const violation = (e) => e.includes('/api/auth/me') && e.includes('Content Security Policy');
    const logged = () => errors.some((e) => violation(e) && e.includes("connect-src 'none'"));
    for (const deadline = Date.now() + 5_000; !logged() && Date.now() < deadline;) await page.waitForTimeout(50);
    assert.ok(logged(), `no connect-src violation logged: ${errors}`);
    for (let i = errors.length - 1; i >= 0; i--) if (violation(errors[i])) errors.splice(i, 1);
  });

  it('stops a reply', async () => {
    await page.getByLabel('Message').fill(LONG_PROMPT);
    await page.keyboard.press('Enter');
    const stop = page.getByRole('button', { name: /Stop/ });
    await stop.waitFor();
    await page.locator('article.message.assistant[aria-busy="true"] .markdown').waitFor();
    await stop.click();
    await stop.waitFor({ state: 'detached', timeout: 30_000 });
    const last = assistantMessages().last();
    await last.locator('.badge.stopped').waitFor();
  });

  it('finds the chat again after a reload', async () => {
    await page.reload();
    await page.waitForURL(chatUrl);
    const list = page.getByRole('navigation', { name: 'Chat list' });
    await list
      .getByRole('link', { name: new RegExp(chatTitle.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
      .waitFor();
    // The messages load after the list: wait for them, not just count.
    await assistantMessages().nth(1).waitFor();
    // The stopped reply was saved as stopped.
    await assistantMessages().last().locator('.badge.stopped').waitFor();
    await page.locator('.artifact-card').first().waitFor();
    // Search narrows the list.
    await page.getByLabel('Search chats').fill('zzz-no-such-chat');
    await list.getByText('No chats match your search.').waitFor();
    await page.getByLabel('Search chats').fill('');
  });

  it('service worker caches the app shell and assets, never /api', async () => {
    const active = await page.evaluate(async () => {
      const reg = await Promise.race([
        navigator.serviceWorker.ready,
        new Promise((r) => setTimeout(() => r(null), 10_000)),
      ]);
      return Boolean(reg && reg.active);
    });
    assert.ok(active, 'a service worker is active');
    // One more navigation so the worker sees asset requests.
    await page.reload();
    await page.locator('article.message').first().waitFor();
    const cached = await page.evaluate(async () => {
      const out = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) out.push(new URL(req.url).pathname);
      }
      return out;
    });
    assert.ok(cached.includes('/'), `shell cached: ${cached}`);
    assert.ok(
      cached.some((p) => p.startsWith('/assets/')),
      'hashed assets cached',
    );
    assert.deepEqual(
      cached.filter((p) => p.startsWith('/api')),
      [],
      'no /api response is cached',
    );
  });

  it('shows a not-found page for unknown routes (axe clean)', async () => {
    await page.goto('/no-such-page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await checkA11y(page, 'not found');
    await page.goto(chatUrl);
    await page.locator('article.message').first().waitFor();
  });

  it('returns to sign-in with a message when the session ends elsewhere', async () => {
    const other = await newContext(browser);
    const p2 = await other.newPage();
    await p2.goto('/settings');
    await signInWithGitHub(p2);
    await p2.getByText('This device').waitFor();
    await p2.getByRole('button', { name: 'Sign out everywhere' }).click();
    await p2.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await p2.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
    await other.close();

    // The first browser's next call gets 401.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
  });

  it('signs out', async () => {
    await signInWithGitHub(page);
    // Sign-out is in the account menu, with today's usage.
    await page.getByRole('button', { name: /account and usage/ }).click();
    await page.getByRole('region', { name: 'Today’s usage' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    await page.goto('/chats');
    await page.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
  });

  it('raised no page errors', () => {
    assert.deepEqual(errors, [], `errors in the page against ${BASE_URL}`);
  });
});
