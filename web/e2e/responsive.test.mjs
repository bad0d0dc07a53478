// End-to-end at phone and tablet sizes: nothing wider than the viewport,
// the chat list as a drawer, the artifact panel as a full-screen sheet with
// a back control, the usage meter in the account menu, and axe clean.
//   E2E_BASE_URL=http://localhost:8080 node --test e2e/responsive.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkA11y } from './lib/axe.mjs';
import { launch, newContext, requireBaseUrl, screenshot, watchErrors } from './lib/browser.mjs';

requireBaseUrl();

// Titled apart from studio.test.mjs's chat (same user, same stack), which
// that suite finds again by its title; the stack's fake model answers any
// prompt without a trigger word with its diagram reply.
const ARTIFACT_PROMPT = process.env.E2E_RESPONSIVE_PROMPT ?? 'Sketch the services, checked on a phone';

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'narrow', width: 320, height: 640 },
];

/**
 * What makes the page wider than the viewport: elements that stick out
 * sideways, and boxes that scroll sideways. Only boxes made to scroll wide
 * content (code, tables, source views) may; what they hold is their own
 * business, as is what a box clips. Hidden elements (the closed drawer) are
 * skipped.
 */
async function overflowing(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wideOk = 'pre, .table-scroll, .code-view, textarea';
    const out = [];
    const name = (el) => `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join('')}`;
    if (document.documentElement.scrollWidth > vw)
      out.push(`document ${document.documentElement.scrollWidth}px > ${vw}px`);
    const contained = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'hidden' || ox === 'clip' || p.matches(wideOk)) return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      const scrolls = cs.overflowX === 'auto' || cs.overflowX === 'scroll';
      if (scrolls && el.scrollWidth > el.clientWidth + 1 && !el.matches(wideOk) && !contained(el))
        out.push(`${name(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if ((r.right > vw + 1 || r.left < -1) && !contained(el))
        out.push(`${name(el)} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
    return out.slice(0, 10);
  });
}

async function assertFits(page, label) {
  assert.deepEqual(await overflowing(page), [], `${label}: elements wider than the viewport`);
  assert.equal(await page.evaluate(() => window.scrollX), 0, `${label}: scrolled sideways`);
}

describe('ArchStudio at phone and tablet sizes', { concurrency: false }, () => {
  let browser;
  let context;
  let page;
  let errors;
  let chatPath;

  before(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/login');
    await assertFits(page, 'sign-in');
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.getByRole('button', { name: /account and usage/ }).waitFor();
    // A chat whose reply holds a diagram, made through the API like the composer does.
    chatPath = await page.evaluate(async (prompt) => {
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      const chat = await (await fetch('/api/chats', { method: 'POST', headers, body: '{}' })).json();
      const res = await fetch(`/api/chats/${chat.id}/messages`, {
        method: 'POST',
        headers: { ...headers, Accept: 'text/event-stream' },
        body: JSON.stringify({ content: prompt }),
      });
      await res.text();
      return `/chats/${chat.id}`;
    }, ARTIFACT_PROMPT);
  });

  after(async () => {
    await browser?.close();
  });

  for (const size of SIZES) {
    describe(`${size.name} ${size.width}×${size.height}`, { concurrency: false }, () => {
      before(async () => {
        await page.setViewportSize({ width: size.width, height: size.height });
      });

      it('welcome screen and the chat list drawer fit (axe clean)', async () => {
        await page.goto('/chats');
        await page.getByRole('heading', { name: 'What are we designing today?' }).waitFor();
        await page.getByRole('list', { name: 'Suggestions' }).waitFor();
        await assertFits(page, 'new chat');
        await checkA11y(page, `new chat, ${size.name}`);
        await screenshot(page, `${size.name}-new-chat`);

        // The list is a drawer: hidden until the menu button opens it.
        const search = page.getByLabel('Search chats');
        assert.equal(await search.isVisible(), false, 'the chat list is closed at first');
        const toggle = page.getByRole('button', { name: 'Chat list', exact: true });
        await toggle.click();
        assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
        await search.waitFor({ state: 'visible' });
        await assertFits(page, 'drawer');
        await checkA11y(page, `chat drawer, ${size.name}`);
        await screenshot(page, `${size.name}-drawer`);
        await page.keyboard.press('Escape');
        await search.waitFor({ state: 'hidden' });
      });

      it('a chat fits; its artifact opens as a full-screen sheet with a back control (axe clean)', async () => {
        await page.goto(chatPath);
        const reply = page.locator('article.message.assistant').first();
        await reply.waitFor();
        // The card stands where the artifact was in the reply: prose before and after it.
        const around = await reply.locator('.message-body > *').evaluateAll((els) => els.map((e) => e.className));
        const at = around.findIndex((c) => c.includes('artifact-cards'));
        assert.ok(at > 0 && at < around.length - 1, `card between the reply's paragraphs: ${around}`);
        await assertFits(page, 'chat');
        await checkA11y(page, `chat, ${size.name}`);
        await screenshot(page, `${size.name}-chat`);

        await reply.locator('.artifact-card').click();
        const panel = page.locator('aside.artifact-panel');
        await panel.getByRole('img', { name: /^Diagram:/ }).waitFor();
        const box = await panel.boundingBox();
        assert.deepEqual(
          [box.x, box.y, Math.round(box.width), Math.round(box.height)],
          [0, 0, size.width, size.height],
          'the sheet covers the screen',
        );
        await assertFits(page, 'artifact sheet');
        await checkA11y(page, `artifact sheet, ${size.name}`);
        await screenshot(page, `${size.name}-artifact-sheet`);
        await panel.getByRole('button', { name: 'Chat', exact: true }).click();
        await panel.waitFor({ state: 'detached' });
        await assertFits(page, 'chat after the sheet closed');
      });

      it('the top bar fits, with usage and sign-out in the account menu (axe clean)', async () => {
        const account = page.getByRole('button', { name: /account and usage/ });
        assert.equal(await page.getByRole('region', { name: 'Today’s usage' }).isVisible(), false);
        await account.click();
        await page.getByRole('region', { name: 'Today’s usage' }).waitFor();
        await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
        await assertFits(page, 'account menu');
        await checkA11y(page, `account menu, ${size.name}`);
        await screenshot(page, `${size.name}-account-menu`);
        await page.keyboard.press('Escape');
        await page.getByRole('region', { name: 'Today’s usage' }).waitFor({ state: 'hidden' });
      });

      it('settings fit, each checkbox beside its label (axe clean)', async () => {
        await page.goto('/settings');
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
        await page.getByLabel('Read replies aloud automatically').waitFor();
        await assertFits(page, 'settings');
        for (const name of ['Read replies aloud automatically', 'Mention @claude in issues I create']) {
          const gap = await page.getByLabel(name).evaluate((box) => {
            const label = box.closest('label');
            const range = document.createRange();
            range.selectNodeContents(label);
            const text = [...range.getClientRects()].filter((r) => r.left > box.getBoundingClientRect().left);
            const b = box.getBoundingClientRect();
            return Math.min(...text.map((r) => r.left)) - b.right;
          });
          assert.ok(gap >= 0 && gap <= 16, `"${name}" is ${gap}px from its checkbox`);
        }
        await checkA11y(page, `settings, ${size.name}`);
        await screenshot(page, `${size.name}-settings`);
      });
    });
  }

  it('lists the keyboard shortcuts on "?" and focuses search with Ctrl+K', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/chats');
    await page.getByRole('heading', { name: 'What are we designing today?' }).waitFor();
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Shift+?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Search chats').waitFor();
    await checkA11y(page, 'shortcuts sheet');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+k');
    await page.waitForFunction(() => document.activeElement?.id === 'chat-search');
  });

  it('raised no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
