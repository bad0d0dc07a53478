import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import { renderMarkdown } from './markdown';

interface Props {
  text: string;
  /** Highlight fenced code blocks (skipped while streaming to keep it cheap). */
  highlight?: boolean;
  className?: string;
}

/** The language a fenced block named ("```go"), or "" when it named none. */
function blockLanguage(code: HTMLElement): string {
  return /language-([\w+#.-]+)/.exec(code.className)?.[1] ?? '';
}

// A bar above a finished code block: its language and a copy button. Built
// in the DOM (the block itself is sanitized HTML, not React); clicks are
// handled by the one listener on the Markdown root.
function addCodeToolbar(code: HTMLElement): void {
  const pre = code.parentElement;
  if (!pre || pre.parentElement?.classList.contains('code-block')) return;
  const wrap = document.createElement('div');
  wrap.className = 'code-block';
  const bar = document.createElement('div');
  bar.className = 'code-block-bar';
  const lang = document.createElement('span');
  lang.className = 'code-lang';
  lang.textContent = blockLanguage(code) || 'code';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'btn ghost small code-copy';
  copy.dataset.copy = '';
  copy.textContent = 'Copy';
  copy.setAttribute('aria-label', `Copy ${blockLanguage(code) || 'code'} block`);
  bar.append(lang, copy);
  pre.replaceWith(wrap);
  wrap.append(bar, pre);
}

async function onCopyClick(e: MouseEvent<HTMLDivElement>) {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy]');
  const code = button?.closest('.code-block')?.querySelector('pre > code');
  if (!button || !code) return;
  try {
    await navigator.clipboard.writeText(code.textContent ?? '');
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => (button.textContent = 'Copy'), 1500);
}

export function Markdown({ text, highlight = true, className }: Props) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const root = ref.current;
    if (!highlight || !root) return;
    const blocks = root.querySelectorAll<HTMLElement>('pre > code');
    // Wide code blocks scroll; keyboard users need to be able to reach them.
    root.querySelectorAll('pre').forEach((pre) => pre.setAttribute('tabindex', '0'));
    blocks.forEach(addCodeToolbar);
    root.querySelectorAll('table').forEach((table) => {
      if (table.parentElement?.classList.contains('table-scroll')) return;
      const wrap = document.createElement('div');
      wrap.className = 'table-scroll';
      wrap.tabIndex = 0;
      table.replaceWith(wrap);
      wrap.appendChild(table);
    });
    if (blocks.length === 0) return;
    let cancelled = false;
    void import('./highlight').then(({ highlightElement }) => {
      if (!cancelled) blocks.forEach(highlightElement);
    });
    return () => {
      cancelled = true;
    };
  }, [html, highlight]);

  return (
    <div
      ref={ref}
      className={className ? `markdown ${className}` : 'markdown'}
      onClick={(e) => void onCopyClick(e)}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
