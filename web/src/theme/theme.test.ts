import { afterEach, describe, expect, it, vi } from 'vitest';

// A prefers-color-scheme query whose answer the test changes.
function fakeSystem(dark: boolean) {
  const listeners: Array<() => void> = [];
  const query = {
    matches: dark,
    addEventListener: (_: string, f: () => void) => listeners.push(f),
  };
  vi.stubGlobal('matchMedia', () => query);
  return {
    set(next: boolean) {
      query.matches = next;
      listeners.forEach((f) => f());
    },
  };
}

async function load() {
  vi.resetModules();
  return import('./theme');
}

describe('applyTheme', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['light', false, 'light'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
    ['system', false, 'light'],
    ['system', true, 'dark'],
  ] as const)('%s with a dark system %s paints %s', async (theme, systemDark, want) => {
    fakeSystem(systemDark);
    const { applyTheme, isDark, storedTheme } = await load();
    applyTheme(theme);
    expect(document.documentElement.dataset.theme).toBe(want);
    expect(isDark()).toBe(want === 'dark');
    expect(storedTheme()).toBe(theme);
  });

  it('follows the system as it changes, only while the choice is system', async () => {
    const system = fakeSystem(false);
    const { applyTheme } = await load();
    applyTheme('system');
    system.set(true);
    expect(document.documentElement.dataset.theme).toBe('dark');
    applyTheme('light');
    system.set(false);
    system.set(true);
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});
