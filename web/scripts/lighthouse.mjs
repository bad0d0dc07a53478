// Lighthouse (mobile, the default config: Moto G-class screen, simulated
// slow 4G and 4× CPU slowdown) on the four pages people land on: /login,
// /chats, a chat with a diagram and /settings. Debian's Chromium runs it
// against a running stack:
//
//   make lighthouse                                   # starts the e2e stack itself
//   E2E_BASE_URL=http://localhost:8080 node scripts/lighthouse.mjs
//
// The signed-in pages need a session: the script signs in through the
// stack's sign-in page (GitHub's, which the e2e stack fakes, or the
// development form that `make run` offers) and hands Lighthouse the session
// cookie as a header, so each audit still starts from empty storage (no
// service worker or cache left by an earlier page: a first visit).
// It prints a table of scores and fails when any score is below
// LIGHTHOUSE_MIN (default 95); the HTML reports go to
// test-results/lighthouse/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.E2E_BASE_URL ?? '').replace(/\/$/, '');
if (!BASE_URL) {
  console.error('E2E_BASE_URL is not set: run `make lighthouse`, or start the stack and point E2E_BASE_URL at it.');
  process.exit(2);
}
const MIN = Number(process.env.LIGHTHOUSE_MIN ?? 95);
const PROMPT = process.env.E2E_ARTIFACT_PROMPT ?? 'Draw a mermaid diagram of the system architecture as an artifact';
const OUT = fileURLToPath(new URL('../test-results/lighthouse', import.meta.url));
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
// LIGHTHOUSE_PAGES=chats,settings audits only those (login, chats, chat-with-diagram, settings).
const PAGES = process.env.LIGHTHOUSE_PAGES?.split(',').map((p) => p.trim());
const want = (page) => !PAGES || PAGES.includes(page);
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 3));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
  ],
});

// A 1×1 PNG: GitHub's avatar CDN cannot be reached from a test machine, and
// the failed request would count as a console error against the studio.
const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Signs in through the page a person would use; returns the id of a chat
 * holding a diagram. The connection stays open so its avatar route serves
 * the pages Lighthouse opens in the same browser.
 */
async function signInAndMakeChat() {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
  const context = browser.contexts()[0];
  await context.route('https://avatars.githubusercontent.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: AVATAR_PNG }),
  );
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await page.getByRole('heading', { name: 'Sign in to ArchStudio' }).waitFor();
  const github = page.getByRole('link', { name: 'Sign in with GitHub' });
  const dev = page.getByLabel('User name');
  await github.or(dev).first().waitFor();
  if (await dev.count()) {
    await dev.fill('lighthouse');
    await page.getByRole('button', { name: /Sign in/ }).click();
  } else {
    await github.click();
  }
  await page.waitForURL(/\/chats/);
  const chatId = await page.evaluate(async (prompt) => {
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const chat = await (await fetch('/api/chats', { method: 'POST', headers: json, body: '{}' })).json();
    const res = await fetch(`/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { ...json, Accept: 'text/event-stream' },
      body: JSON.stringify({ content: prompt }),
    });
    await res.text(); // the whole reply, so the diagram is stored
    return chat.id;
  }, PROMPT);
  const cookies = await context.cookies(BASE_URL);
  await page.close();
  return { chatId, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/**
 * Audits url LIGHTHOUSE_RUNS times (default 3) and keeps the run with the
 * median performance score, as Lighthouse's own advice on variability says:
 * one run's performance moves by several points with what else the
 * machine is doing. Every run's performance score is shown beside it.
 */
async function audit(name, url, cookie) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await auditOnce(name, url, cookie));
  runs.sort((a, b) => a.scores.performance - b.scores.performance);
  const median = runs[Math.floor((runs.length - 1) / 2)];
  writeFileSync(join(OUT, `${name}.html`), median.reports[0]);
  writeFileSync(join(OUT, `${name}.json`), median.reports[1]);
  return { ...median, runs: runs.map((r) => r.scores.performance) };
}

async function auditOnce(name, url, cookie) {
  const result = await lighthouse(
    url,
    {
      port: chrome.port,
      output: ['html', 'json'],
      onlyCategories: CATEGORIES,
      logLevel: 'error',
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    },
    undefined,
  );
  if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
  // LIGHTHOUSE_TRACE=1 keeps each page's trace too (open it in Chrome's
  // Performance panel to see what a long task runs).
  if (process.env.LIGHTHOUSE_TRACE) {
    writeFileSync(
      join(OUT, `${name}.trace.json`),
      JSON.stringify(result.artifacts.Trace ?? result.artifacts.traces?.defaultPass),
    );
  }
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
  const failed = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative')
    .filter((a) => a.scoreDisplayMode !== 'notApplicable' && a.scoreDisplayMode !== 'manual')
    .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
  // The JSON (written for the median run) is what to read for the why:
  // the LCP element, the long tasks, the critical request chain.
  return { name, url: new URL(url).pathname, scores, failed, reports: result.report };
}

const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const startLoad = loadAverage();

let exit = 0;
try {
  mkdirSync(OUT, { recursive: true });
  const rows = [];
  if (want('login')) rows.push(await audit('login', `${BASE_URL}/login`));
  const { chatId, cookie } = await signInAndMakeChat();
  if (want('chats')) rows.push(await audit('chats', `${BASE_URL}/chats`, cookie));
  if (want('chat-with-diagram')) rows.push(await audit('chat-with-diagram', `${BASE_URL}/chats/${chatId}`, cookie));
  if (want('settings')) rows.push(await audit('settings', `${BASE_URL}/settings`, cookie));

  const head = ['page', ...CATEGORIES, 'performance of each run'];
  const table = rows.map((r) => [r.name, ...CATEGORIES.map((c) => String(r.scores[c])), r.runs.join(' ')]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(
    `\nLighthouse mobile scores (minimum ${MIN}; the median of ${RUNS} runs); reports in ${OUT}` +
      `\nload average ${startLoad} at the start, ${loadAverage()} at the end (${cpus().length} CPUs)`,
  );
  console.log(line(head));
  for (const t of table) console.log(line(t));
  for (const r of rows) {
    const low = CATEGORIES.filter((c) => r.scores[c] < MIN);
    if (low.length) {
      exit = 1;
      console.log(`\n${r.name} (${r.url}) below ${MIN} in ${low.join(', ')}; audits under 90: ${r.failed.join(', ')}`);
    }
  }
} catch (e) {
  console.error(e);
  exit = 1;
} finally {
  await chrome.kill();
}
process.exit(exit);
