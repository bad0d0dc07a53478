// End-to-end: branches instead of lost answers. A regenerated answer and an
// edited message become siblings with a ‹ 2/3 › control; the branch chosen
// is stored server-side, so it survives a reload; search finds message
// content with its matches highlighted; export offers JSON with every branch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkA11y } from './lib/axe.mjs';
import { launch, newContext, requireBaseUrl, screenshot, watchErrors } from './lib/browser.mjs';

requireBaseUrl();

const QUESTION = 'Where should the studio cache sessions?';
const EDITED = 'Where should the studio cache rate limits?';

describe('Branches', { concurrency: false }, () => {
  let browser;
  let page;
  let errors;

  const user = () => page.locator('article.message.user').first();
  const answer = () => page.locator('article.message.assistant').last();
  const versions = (article) => article.getByRole('group', { name: /^Version \d+ of \d+$/ });
  const waitForReply = async () => {
    const stop = page.getByRole('button', { name: /Stop/ });
    await stop.waitFor({ state: 'detached', timeout: 60_000 });
    await answer().getByRole('button', { name: /Copy/ }).waitFor();
  };
  const reload = async () => {
    await page.reload();
    await answer().getByRole('button', { name: /Copy/ }).waitFor();
  };

  before(async () => {
    browser = await launch();
    page = await (await newContext(browser)).newPage();
    errors = watchErrors(page);
    await page.goto('/chats');
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.getByRole('button', { name: /account and usage/ }).waitFor();
  });

  after(async () => {
    await browser?.close();
  });

  it('keeps a regenerated answer as a sibling', async () => {
    await page.getByLabel('Message').fill(QUESTION);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
    await waitForReply();
    assert.equal(await versions(answer()).count(), 0, 'a single answer has no version control');
    await answer()
      .getByRole('button', { name: /Regenerate/ })
      .click();
    await waitForReply();
    await answer().getByRole('group', { name: 'Version 2 of 2' }).waitFor();
  });

  it('keeps an edited message as a sibling', async () => {
    await user().getByRole('button', { name: /Edit/ }).click();
    await page.getByLabel('Edit your message').fill(EDITED);
    await page.getByRole('button', { name: /Save & send/ }).click();
    await waitForReply();
    await user().getByRole('group', { name: 'Version 2 of 2' }).waitFor();
    assert.equal(await user().locator('.message-body').innerText(), EDITED);
    assert.equal(await versions(answer()).count(), 0, "the edit's answer is its only one");
    await checkA11y(page, 'chat with branches');
    await screenshot(page, 'chat-branches');
  });

  it('switches branches, and the choice survives a reload', async () => {
    await reload();
    assert.equal(await user().locator('.message-body').innerText(), EDITED, 'the newest branch is shown');
    await user()
      .getByRole('group', { name: 'Version 2 of 2' })
      .getByRole('button', { name: 'Previous version' })
      .click();
    await user().getByRole('group', { name: 'Version 1 of 2' }).waitFor();
    assert.equal(await user().locator('.message-body').innerText(), QUESTION);
    // The first question's branch shows its newest answer, the regenerated one.
    await answer().getByRole('group', { name: 'Version 2 of 2' }).waitFor();

    await reload();
    await user().getByRole('group', { name: 'Version 1 of 2' }).waitFor();
    assert.equal(await user().locator('.message-body').innerText(), QUESTION);
    await answer()
      .getByRole('group', { name: 'Version 2 of 2' })
      .getByRole('button', { name: 'Previous version' })
      .click();
    await answer().getByRole('group', { name: 'Version 1 of 2' }).waitFor();

    await reload();
    await user().getByRole('group', { name: 'Version 1 of 2' }).waitFor();
    await answer().getByRole('group', { name: 'Version 1 of 2' }).waitFor();
  });

  it('finds message content, matches highlighted', async () => {
    await page.getByLabel('Search chats').fill('limits');
    const results = page.getByRole('region', { name: 'Messages matching the search' });
    const mark = results.locator('mark', { hasText: /^limits$/ });
    await mark.waitFor();
    // Opening the match shows its branch: the edited question again.
    await mark.click();
    await user().getByRole('group', { name: 'Version 2 of 2' }).waitFor();
    assert.equal(await user().locator('.message-body').innerText(), EDITED);
    await page.getByLabel('Search chats').fill('');
  });

  it('exports JSON with every branch', async () => {
    await page.getByText('Export', { exact: true }).click();
    const json = page.getByRole('link', { name: /JSON/ });
    const href = await json.getAttribute('href');
    assert.match(href ?? '', /\/export\?format=json$/);
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    const doc = await res.json();
    assert.equal(doc.format, 'archstudio.chat.v2');
    // Two questions, three answers: nothing was lost.
    assert.equal(doc.messages.length, 5);
    assert.equal(doc.messages.filter((m) => m.parent_id === null).length, 2);
    assert.ok(doc.messages.some((m) => m.id === doc.active_leaf_id));
    assert.deepEqual(errors, []);
  });
});
