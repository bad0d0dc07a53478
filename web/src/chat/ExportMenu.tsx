import { useRef } from 'react';
import { chatsApi } from '../api/endpoints';
import './branches.css';

/**
 * Export as Markdown (the conversation shown) or JSON (every branch, for
 * tools). A disclosure, so it works with a keyboard and without script
 * tricks; it closes once a format is chosen.
 */
export function ExportMenu({ chatId }: { chatId: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const close = () => ref.current?.removeAttribute('open');
  return (
    <details className="export-menu" ref={ref}>
      <summary className="btn ghost small">Export</summary>
      <ul className="export-menu-list">
        <li>
          <a href={chatsApi.exportUrl(chatId, 'md')} download onClick={close}>
            Markdown <span className="muted small">(.md)</span>
          </a>
        </li>
        <li>
          <a href={chatsApi.exportUrl(chatId, 'json')} download onClick={close}>
            JSON, every branch <span className="muted small">(.json)</span>
          </a>
        </li>
      </ul>
    </details>
  );
}
