import { useMemo } from 'react';
import { withPreviewCsp } from './previewCsp';

/**
 * HTML runs in a sandboxed iframe with scripts but WITHOUT allow-same-origin:
 * the document gets an opaque origin, so it can read neither the studio's
 * DOM, storage or cookies nor call the API with the user's session; its
 * own CSP (previewCsp.ts) also denies it any network access.
 */
export function HtmlPreview({ html, title }: { html: string; title: string }) {
  const srcdoc = useMemo(() => withPreviewCsp(html), [html]);
  return (
    <iframe
      className="preview-frame"
      title={`Preview: ${title || 'HTML'}`}
      sandbox="allow-scripts"
      srcDoc={srcdoc}
      referrerPolicy="no-referrer"
    />
  );
}
