// Debian's Chromium driven by playwright-core (no browser download).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? '').replace(/\/$/, '');
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

export function requireBaseUrl() {
  if (!BASE_URL) {
    console.error(
      'E2E_BASE_URL is not set: start the stack and point E2E_BASE_URL at it (e.g. http://localhost:8080).',
    );
    process.exit(2);
  }
}

// Without the background-networking flags Chromium keeps dialling Google on
// this closed network. Playwright gives every launch its own fresh profile
// directory (it refuses --user-data-dir in args).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...ARGS, ...extraArgs],
  });
}

// A 1×1 PNG.
const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export async function newContext(browser) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 15_000));
  // GitHub's avatar CDN cannot be reached from the test machine; answer for
  // it so the page loads exactly as it would in production.
  await context.route('https://avatars.githubusercontent.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: AVATAR_PNG }),
  );
  return context;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Collects page errors and failed same-origin requests so a test can assert none happened. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of (401|404|429)/.test(m.text())
    ) {
      errors.push(`console: ${m.text()}`);
    }
  });
  return errors;
}
