import { useState } from 'react';
import { describeError } from '../api/client';
import { sharesApi } from './sharesApi';

/** Shares the chat as a read-only snapshot and shows the link to copy. */
export function ShareButton({ chatId }: { chatId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const share = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await sharesApi.create(chatId);
      const link = `${window.location.origin}${s.path}`;
      setUrl(link);
      await navigator.clipboard?.writeText(link).catch(() => undefined);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="share-control">
      <button type="button" className="btn ghost small" onClick={() => void share()} disabled={busy}>
        Share
      </button>
      {url && (
        <span className="share-link small" role="status">
          Read-only link (copied):{' '}
          <input
            className="share-url"
            readOnly
            value={url}
            aria-label="Share link"
            onFocus={(e) => e.target.select()}
          />
        </span>
      )}
      {error && (
        <span className="field-error small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
