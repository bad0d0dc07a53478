// End-to-end: context for the conversation. Files attached in the composer
// (picked, with a chip, progress and a remove control) reach the fake
// Anthropic as an image block and a PDF document block; the chat shared as
// a read-only link opens signed out and is 404 once revoked.
//   E2E_BASE_URL=… E2E_FAKE_ANTHROPIC_URL=… npm run e2e
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE_URL, launch, newContext, requireBaseUrl, screenshot, watchErrors } from './lib/browser.mjs';

requireBaseUrl();

const ANTHROPIC_URL = (process.env.E2E_FAKE_ANTHROPIC_URL ?? '').replace(/\/$/, '');

// A 2×2 PNG and a one-page PDF, as a person would have on disk.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4YWQERAwQCgAjNgSxRnwWMwAAAABJRU5ErkJggg==',
  'base64',
);
function onePagePdf(text) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function anthropicRequests(since) {
  const res = await fetch(`${ANTHROPIC_URL}/_fake/requests`);
  assert.equal(res.status, 200);
  return (await res.json()).filter((r) => Date.parse(r.at) >= since);
}

let browser;
let page;
let errors;

describe('context for the conversation', { concurrency: false }, () => {
  before(async () => {
    browser = await launch();
    const context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto('/chats');
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.getByRole('button', { name: /account and usage/ }).waitFor();
  });

  after(async () => {
    await browser?.close();
  });

  it('attaches an image and a PDF and sends them to Claude as image and document blocks', async () => {
    assert.ok(ANTHROPIC_URL, 'E2E_FAKE_ANTHROPIC_URL is set by e2estack');
    await page.goto('/chats');
    const input = page.getByTestId('attach-input');
    await input.setInputFiles([
      { name: 'whiteboard.png', mimeType: 'image/png', buffer: PNG },
      { name: 'design.pdf', mimeType: 'application/pdf', buffer: onePagePdf('Current design') },
      { name: 'stray.txt', mimeType: 'text/plain', buffer: Buffer.from('not needed') },
    ]);
    const chips = page.getByRole('list', { name: 'Attached files' });
    for (const name of ['whiteboard.png', 'design.pdf', 'stray.txt']) {
      await chips.getByText(name).waitFor();
    }
    await page.locator('.attachment-chip[data-status="ready"]').nth(2).waitFor();
    // The image chip previews the picture itself.
    assert.equal(await chips.locator('img.attachment-thumb').count(), 1);
    await page.getByRole('button', { name: 'Remove stray.txt' }).click();
    await chips.getByText('stray.txt').waitFor({ state: 'detached' });
    await screenshot(page, 'attachments-chips');

    const since = Date.now();
    await page.getByLabel('Message').fill('What does this whiteboard show, given the design?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
    await page.locator('article.message.assistant').first().waitFor();
    await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached', timeout: 30_000 });

    let reqs = [];
    for (let i = 0; i < 60 && reqs.length === 0; i++) {
      reqs = await anthropicRequests(since);
      if (!reqs.length) await new Promise((r) => setTimeout(r, 250));
    }
    const [req] = reqs;
    assert.ok(req, 'a request reached the fake Anthropic');
    const blocks = req.messages.at(-1).blocks;
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['image', 'document', 'text'],
    );
    assert.equal(blocks[0].media_type, 'image/png');
    assert.equal(blocks[0].bytes, PNG.length);
    assert.equal(blocks[1].media_type, 'application/pdf');
    assert.equal(blocks[1].title, 'design.pdf');
    assert.equal(blocks[2].text, 'What does this whiteboard show, given the design?');
    // The removed file went nowhere.
    assert.ok(!JSON.stringify(req).includes('not needed'));
    assert.deepEqual(errors, []);
  });

  it('shares the chat as a read-only link that works signed out and is 404 after revoking', async () => {
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await page.getByLabel('Share link').inputValue();
    assert.match(link, /\/s\/[A-Za-z0-9_-]{43}$/);
    const token = link.split('/s/')[1];

    // A visitor with no account opens it.
    const visitor = await newContext(browser);
    const guest = await visitor.newPage();
    const res = await guest.goto(link);
    assert.match(res?.headers()['x-robots-tag'] ?? '', /noindex/);
    await guest.getByRole('heading', { level: 1 }).waitFor();
    await guest
      .locator('article.message.user')
      .getByText('What does this whiteboard show, given the design?')
      .waitFor();
    assert.equal(await guest.locator('meta[name="robots"][content*="noindex"]').count(), 1);
    const html = await guest.content();
    assert.ok(!html.includes('octocat'), 'the shared page shows no account data');
    assert.equal(await guest.getByRole('button', { name: 'Sign out' }).count(), 0);
    await screenshot(guest, 'shared-chat');

    // The owner revokes it in settings; the link is gone at once.
    await page.goto('/settings');
    await page
      .getByRole('button', { name: /^Revoke link to / })
      .first()
      .click();
    await page.getByText(/^Revoked the link to /).waitFor();
    const api = await fetch(`${BASE_URL}/api/shared/${token}`);
    assert.equal(api.status, 404);
    await guest.reload();
    await guest.getByRole('heading', { name: 'This link is not available' }).waitFor();
    await visitor.close();
  });

  it('refuses a disguised file with a clear message', async () => {
    await page.goto('/chats');
    const input = page.getByTestId('attach-input');
    await input.setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('<html>hi</html>') }]);
    await page.locator('.attachment-chip[data-status="failed"]').waitFor();
    await page.getByText('photo.png is named .png but its content is text/html').waitFor();
    await screenshot(page, 'attachments-refused');
  });
});
