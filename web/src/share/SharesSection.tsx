import { startTransition, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../api/client';
import type { Share } from '../api/types';
import { formatDateTime } from '../components/format';
import { sharesApi } from './sharesApi';

/** Settings: the user's share links, each revocable (the link is 404 at once). */
export function SharesSection() {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    sharesApi.list(signal).then(
      (r) => startTransition(() => setShares(r.shares)),
      (e: unknown) => {
        if (!signal?.aborted) setError(describeError(e));
      },
    );
  }, []);
  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  const revoke = async (s: Share) => {
    setStatus(null);
    try {
      await sharesApi.revoke(s.id);
      setShares((cur) => cur?.filter((x) => x.id !== s.id) ?? null);
      setStatus(`Revoked the link to “${s.title || 'Untitled chat'}”.`);
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="settings-section" aria-labelledby="shares-heading">
      <h2 id="shares-heading" className="h2">
        Shared links
      </h2>
      <p className="muted">Read-only snapshots anyone with the link can open. Revoke one to stop it at once.</p>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="small" role="status">
          {status}
        </p>
      )}
      {shares && shares.length === 0 && <p className="muted small">You have not shared any chat.</p>}
      {shares && shares.length > 0 && (
        <ul className="shares-list" aria-label="Shared links">
          {shares.map((s) => (
            <li key={s.id} className="row gap">
              <Link to={`/chats/${s.chat_id}`}>{s.title || 'Untitled chat'}</Link>
              <span className="muted small">shared {formatDateTime(s.created_at)}</span>
              <button
                type="button"
                className="btn danger small"
                onClick={() => void revoke(s)}
                aria-label={`Revoke link to ${s.title || 'Untitled chat'}`}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
