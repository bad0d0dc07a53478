import { useEffect, useMemo, useRef } from 'react';
import { renderMarkdown } from './markdown';

interface Props {
  text: string;
  /** Highlight fenced code blocks (skipped while streaming to keep it cheap). */
  highlight?: boolean;
  className?: string;
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
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
