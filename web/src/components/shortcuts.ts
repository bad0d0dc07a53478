// The studio's keyboard shortcuts: one list, read by the handlers and by
// the "?" sheet, so the sheet never describes keys that do nothing.
import { useEffect, useEffectEvent } from 'react';

export type ShortcutId = 'new-chat' | 'search' | 'stop' | 'toggle-panel' | 'help';

interface Shortcut {
  id: ShortcutId;
  /** Keys as shown, "Mod" being ⌘ on a Mac and Ctrl elsewhere. */
  keys: string[];
  what: string;
  matches: (e: KeyboardEvent) => boolean;
}

const mod = (e: KeyboardEvent) => e.metaKey || e.ctrlKey;

export const shortcuts: Shortcut[] = [
  {
    id: 'new-chat',
    keys: ['Mod', 'Shift', 'O'],
    what: 'New chat',
    matches: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === 'o',
  },
  { id: 'search', keys: ['Mod', 'K'], what: 'Search chats', matches: (e) => mod(e) && !e.shiftKey && e.key === 'k' },
  {
    id: 'stop',
    keys: ['Esc'],
    what: 'Stop the reply',
    matches: (e) => e.key === 'Escape' && !mod(e) && !e.shiftKey,
  },
  {
    id: 'toggle-panel',
    keys: ['Mod', '.'],
    what: 'Show or hide the artifact panel',
    matches: (e) => mod(e) && e.key === '.',
  },
  {
    id: 'help',
    keys: ['?'],
    what: 'Show these shortcuts',
    matches: (e) => e.key === '?' && !mod(e) && !isTyping(e.target),
  },
];

export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

export function keyLabel(k: string): string {
  return k === 'Mod' ? (isMac() ? '⌘' : 'Ctrl') : k;
}

function isTyping(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLElement &&
    (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')
  );
}

/**
 * Calls handlers[id] when its shortcut is pressed; a handler returning false
 * leaves the key to the page (Esc with nothing to stop, say).
 */
export function useShortcuts(handlers: Partial<Record<ShortcutId, () => boolean | void>>): void {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (e.defaultPrevented || e.isComposing) return;
    for (const s of shortcuts) {
      const h = handlers[s.id];
      if (!h || !s.matches(e)) continue;
      if (h() === false) continue;
      e.preventDefault();
      return;
    }
  });
  useEffect(() => {
    const l = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', l);
    return () => window.removeEventListener('keydown', l);
  }, []);
}
