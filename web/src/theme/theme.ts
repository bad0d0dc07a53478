import type { Theme } from '../api/types';

const KEY = 'archstudio.theme';

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    if (t === 'light' || t === 'dark' || t === 'system') return t;
  } catch {
    // storage may be unavailable (private mode): fall back to the system theme
  }
  return 'system';
}

const systemDark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let chosen: Theme = 'system';

// <html data-theme> always holds the resolved 'light' or 'dark', so the
// stylesheets state the dark palette once, under [data-theme='dark'],
// rather than again inside a prefers-color-scheme query for 'system'.
function paint(): void {
  const dark = chosen === 'dark' || (chosen === 'system' && Boolean(systemDark?.matches));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

systemDark?.addEventListener('change', () => {
  if (chosen === 'system') paint();
});

/** Applies and remembers the user's theme; 'system' follows the OS setting as it changes. */
export function applyTheme(theme: Theme): void {
  chosen = theme;
  paint();
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // ignore
  }
}

export function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}
