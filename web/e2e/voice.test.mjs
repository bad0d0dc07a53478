// End-to-end voice: Chromium's fake microphone speaks a WAV that espeak-ng
// made from a known sentence; the studio transcribes it (fake speech
// service), streams the answer and speaks it sentence by sentence.
//   E2E_BASE_URL=… E2E_FAKE_SPEECH_URL=… npm run e2e
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { launch, newContext, requireBaseUrl, screenshot, watchErrors } from './lib/browser.mjs';

requireBaseUrl();

const SPEECH_URL = (process.env.E2E_FAKE_SPEECH_URL ?? '').replace(/\/$/, '');
// What the fake microphone says, and what the fake speech service hears
// (shared/testkit/fakespeech DefaultTranscript).
const SENTENCE = 'Sketch the architecture of a URL shortener.';
const OUT = fileURLToPath(new URL('../test-results', import.meta.url));

/** espeak-ng's WAV of text followed by seconds of silence (the fake device loops the file). */
function spokenWav(text, silenceSeconds) {
  const wav = execFileSync('espeak-ng', ['--stdout', '-v', 'en-us', text], { maxBuffer: 1 << 26 });
  // espeak-ng streams: its header sizes are placeholders. Keep the 44-byte
  // header, append silence, and write the true sizes.
  const rate = wav.readUInt32LE(24);
  const pcm = wav.subarray(44);
  const silence = Buffer.alloc(Math.round(rate * silenceSeconds) * 2);
  const out = Buffer.concat([wav.subarray(0, 44), pcm, silence]);
  out.writeUInt32LE(out.length - 8, 4);
  out.writeUInt32LE(out.length - 44, 40);
  return { buf: out, speechSeconds: pcm.length / 2 / rate };
}

async function speechRequests(since) {
  const res = await fetch(`${SPEECH_URL}/_fake/requests`);
  assert.equal(res.status, 200);
  return (await res.json()).filter((r) => Date.parse(r.at) >= since);
}

async function signIn(page) {
  await page.goto('/chats');
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await page.getByRole('button', { name: /account and usage/ }).waitFor();
}

/** Opens a chat by sending a first typed message and waiting for its reply. */
async function openChat(page) {
  await page.goto('/chats');
  await page.getByLabel('Message').fill('Hello');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
  await page.locator('article.message.assistant').first().waitFor();
  await page.locator('article.message.assistant[aria-busy="true"]').waitFor({ state: 'detached', timeout: 60_000 });
}

/** Records in the page when the current reply stops streaming (Date.now()). */
async function watchReplyEnd(page) {
  await page.evaluate(() => {
    window.__replyEndedAt = 0;
    let seenBusy = false;
    const obs = new MutationObserver(() => {
      const busy = document.querySelector('article.message.assistant[aria-busy="true"]');
      if (busy) seenBusy = true;
      else if (seenBusy && !window.__replyEndedAt) {
        window.__replyEndedAt = Date.now();
        obs.disconnect();
      }
    });
    obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-busy'] });
  });
}

describe('voice', { concurrency: false, skip: !SPEECH_URL && 'E2E_FAKE_SPEECH_URL is not set' }, () => {
  let browser;
  let page;
  let errors;
  let wav;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    const made = spokenWav(SENTENCE, 6);
    wav = join(OUT, 'fake-microphone.wav');
    writeFileSync(wav, made.buf);
    browser = await launch([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
    const context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
    if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`  page: ${m.text()}`));
    await signIn(page);
  });

  after(async () => {
    await browser?.close();
  });

  it('push-to-talk: transcript appears, the answer streams and is spoken sentence by sentence', async () => {
    await openChat(page);
    // Hold the microphone for the sentence (the file starts at capture start).
    const mic = page.getByRole('button', { name: 'Hold to talk' });
    await mic.hover();
    await page.mouse.down();
    await page.locator('.voice-status[data-state="listening"]').waitFor();
    await page.waitForTimeout(3500); // the person speaks for 3.5 s
    await page.mouse.up();

    // The transcript is in the composer, editable, before sending.
    const box = page.getByLabel('Message');
    await page.waitForFunction((s) => document.querySelector('textarea')?.value === s, SENTENCE);
    assert.equal(await box.inputValue(), SENTENCE);

    await watchReplyEnd(page);
    const sentAt = Date.now();
    await box.press('Enter');
    // The answer streams…
    await page.locator('article.message.assistant[aria-busy="true"]').waitFor();
    // …and playback starts while it does.
    await page.locator('.voice-status[data-speaking="true"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => window.__replyEndedAt > 0, null, { timeout: 60_000 });
    const endedAt = await page.evaluate(() => window.__replyEndedAt);
    await page.waitForFunction(() => Number(document.querySelector('.voice-status')?.dataset.sentences) > 0, null, {
      timeout: 30_000,
    });
    const sentences = Number(await page.locator('.voice-status').getAttribute('data-sentences'));
    const reqs = (await speechRequests(sentAt)).filter((r) => r.endpoint === 'speech');
    // One speech request per sentence, none twice.
    assert.equal(reqs.length, sentences, `speech requests ${JSON.stringify(reqs.map((r) => r.input))}`);
    assert.equal(new Set(reqs.map((r) => r.input)).size, reqs.length);
    const first = Date.parse(reqs[0].at);
    console.log(
      `  first speech request ${first - sentAt} ms after send; reply ended ${endedAt - sentAt} ms after send; ${sentences} sentences`,
    );
    assert.ok(first < endedAt, 'the first sentence was requested before the reply finished');
    const heard = (await speechRequests(sentAt - 60_000)).filter((r) => r.endpoint === 'transcriptions');
    assert.ok(heard.length >= 1 && heard.at(-1).audio_bytes > 1000, 'the recording reached the speech service');
    await screenshot(page, 'voice-push-to-talk');
  });

  it('hands-free: the utterance is sent by itself, and speaking over the reply cuts playback in under 200 ms', async () => {
    await openChat(page);
    await page.getByRole('button', { name: 'Hands-free' }).click();
    await page.getByRole('button', { name: 'Hands-free on' }).waitFor();
    // The looping microphone says the sentence; it is sent without a key press.
    await page.locator('article.message.user', { hasText: SENTENCE }).waitFor({ timeout: 30_000 });
    await page.locator('.voice-status[data-speaking="true"]').waitFor({ timeout: 30_000 });
    // The microphone speaks again (after its silence) while the studio talks: barge-in.
    await page.waitForFunction(() => document.querySelector('.voice-status')?.dataset.bargeInMs, null, {
      timeout: 30_000,
    });
    const ms = Number(await page.locator('.voice-status').getAttribute('data-barge-in-ms'));
    console.log(`  barge-in stopped playback ${ms} ms after the speech began`);
    assert.ok(ms < 200, `barge-in took ${ms} ms`);
    assert.equal(await page.locator('.voice-status').getAttribute('data-speaking'), 'false');
    await page.getByRole('button', { name: 'Hands-free on' }).click();
    assert.deepEqual(
      errors.filter((e) => !/WebSocket/.test(e)),
      [],
    );
  });
});

// A microphone the person refused, and none at all: each says so, and
// typing still works.
for (const tc of [
  {
    name: 'microphone denied',
    args: ['--use-fake-device-for-media-stream', '--deny-permission-prompts'],
    message: 'Microphone access was denied',
  },
  { name: 'no microphone', args: ['--deny-permission-prompts'], message: 'No microphone was found' },
]) {
  describe(`voice: ${tc.name}`, { concurrency: false }, () => {
    let browser;
    let page;

    before(async () => {
      browser = await launch(tc.args);
      page = await (await newContext(browser)).newPage();
      await signIn(page);
    });

    after(async () => {
      await browser?.close();
    });

    it('says why voice cannot listen, and text chat keeps working', async () => {
      await openChat(page);
      await page.getByRole('button', { name: 'Hold to talk' }).click();
      const alert = page.getByRole('alert').filter({ hasText: tc.message });
      await alert.waitFor();
      assert.match(await alert.innerText(), /typing still works/);
      await page.getByLabel('Message').fill('Still here by text');
      await page.keyboard.press('Enter');
      await page.locator('article.message.user', { hasText: 'Still here by text' }).waitFor();
      await page.locator('article.message.assistant[aria-busy="true"]').waitFor({ state: 'detached', timeout: 60_000 });
      await screenshot(page, `voice-${tc.name.replace(/ /g, '-')}`);
    });
  });
}
