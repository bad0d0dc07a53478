import { useEffect, useRef, useState } from 'react';

/** The document previews run in (public/preview.html). */
const PREVIEW_URL = '/preview.html';

/** What public/preview.html sends the studio. */
type FrameMessage = { type: 'ready' } | { type: 'error'; message: string };

/**
 * Runs an HTML document the model wrote in a sandboxed iframe with scripts
 * but WITHOUT allow-same-origin: the document gets an opaque origin, so it
 * can read neither the studio's DOM, storage or cookies nor call the API
 * with the user's session, and the router serves the frame a policy that
 * denies it any network access. It cannot be a srcdoc: that would inherit
 * the studio's policy, which runs no inline script.
 */
export function PreviewFrame({ html, title }: { html: string; title: string }) {
  // A new document gets a fresh frame rather than being written over the
  // last one, among its globals and timers.
  return <Frame key={html} html={html} title={title} />;
}

function Frame({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let sent = false;
    const onMessage = (e: MessageEvent<FrameMessage>) => {
      const win = frame.current?.contentWindow;
      if (!win || e.source !== win) return;
      if (e.data?.type === 'ready' && !sent) {
        // Once only: a later "ready" would come from whatever the artifact
        // has since navigated its frame to. An opaque origin has no name to
        // target, hence '*'; the source check above picked our own frame.
        sent = true;
        win.postMessage({ type: 'render', html }, '*');
      } else if (e.data?.type === 'error') {
        const message = String(e.data.message).split('\n')[0];
        setError((shown) => shown ?? message);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [html]);

  return (
    <>
      {error !== null && (
        <p className="alert error preview-alert" role="alert">
          Preview error: {error}
        </p>
      )}
      <iframe
        ref={frame}
        className="preview-frame"
        title={title}
        sandbox="allow-scripts"
        src={PREVIEW_URL}
        referrerPolicy="no-referrer"
      />
    </>
  );
}
