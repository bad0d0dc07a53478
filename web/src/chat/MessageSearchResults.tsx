import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { chatsApi } from '../api/endpoints';
import type { MessageSearchHit } from '../api/types';
import { formatRelative } from '../components/format';
import './branches.css';

type Found = { query: string; hits: MessageSearchHit[]; error: string | null };

/**
 * Messages whose content matches the sidebar's search, matched words
 * highlighted. Opening one shows the branch it is on (it may be an older
 * version of an edited message), so the match is on screen.
 */
export function MessageSearchResults({ query }: { query: string }) {
  const navigate = useNavigate();
  const [found, setFound] = useState<Found | null>(null);
  const q = query.trim();

  useEffect(() => {
    if (!q) return;
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      chatsApi
        .search(q, ctrl.signal)
        .then((r) => setFound({ query: q, hits: r.results, error: null }))
        .catch((e: unknown) => {
          if (!ctrl.signal.aborted) setFound({ query: q, hits: [], error: describeError(e) });
        });
    }, 250);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [q]);

  if (!q) return null;
  const current = found?.query === q ? found : null;

  const open = async (hit: MessageSearchHit) => {
    try {
      await chatsApi.selectBranch(hit.chat_id, hit.message_id);
    } catch {
      // The chat still opens, on the branch it showed.
    }
    navigate(`/chats/${hit.chat_id}`, { state: { branch: hit.message_id } });
  };

  return (
    <section className="message-search" aria-label="Messages matching the search">
      <h2 className="message-search-title">In messages</h2>
      {!current ? (
        <p className="muted small">Searching…</p>
      ) : current.error ? (
        <p className="alert error small" role="alert">
          {current.error}
        </p>
      ) : current.hits.length === 0 ? (
        <p className="muted small">No message matches.</p>
      ) : (
        <ul className="message-search-list">
          {current.hits.map((hit) => (
            <li key={hit.message_id}>
              <button type="button" className="message-hit" onClick={() => void open(hit)}>
                <span className="message-hit-head">
                  <span className="message-hit-chat">{hit.chat_title || 'Untitled chat'}</span>
                  <span className="muted small">
                    {hit.role === 'user' ? 'You' : 'Claude'} · {formatRelative(hit.created_at)}
                  </span>
                </span>
                <span className="message-hit-snippet">
                  {hit.snippet.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
