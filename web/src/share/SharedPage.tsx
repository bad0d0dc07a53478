// A shared chat, for anyone holding the link: no sign-in, no account data,
// kept out of search engines (noindex here and X-Robots-Tag from the
// server), artifacts in the same sandboxed renderers as in the studio.
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError, describeError } from '../api/client';
import type { SharedChat } from '../api/types';
import { ArtifactRenderer } from '../artifacts/ArtifactRenderer';
import { artifactTypeLabel, hasPreview, stripArtifactTags } from '../artifacts/artifactTags';
import { Markdown } from '../components/Markdown';
import { Spinner } from '../components/Spinner';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { sharesApi } from './sharesApi';
import './share.css';

function useNoIndex() {
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = 'robots';
    meta.content = 'noindex, nofollow';
    document.head.appendChild(meta);
    return () => meta.remove();
  }, []);
}

export default function SharedPage() {
  const { token = '' } = useParams();
  const [chat, setChat] = useState<SharedChat | null>(null);
  const [error, setError] = useState<string | null>(null);
  useNoIndex();
  useDocumentTitle(chat ? `${chat.title || 'Shared chat'} (shared)` : 'Shared chat');

  useEffect(() => {
    const ctrl = new AbortController();
    sharesApi.shared(token, ctrl.signal).then(setChat, (e: unknown) => {
      if (ctrl.signal.aborted) return;
      setError(e instanceof ApiError && e.status === 404 ? 'not_found' : describeError(e));
    });
    return () => ctrl.abort();
  }, [token]);

  if (error) {
    return (
      <main className="shared-page page-center">
        <h1 className="h2">{error === 'not_found' ? 'This link is not available' : 'This chat could not be loaded'}</h1>
        <p className="muted">
          {error === 'not_found' ? 'It may have been revoked by the person who shared it.' : error}
        </p>
      </main>
    );
  }
  if (!chat) {
    return (
      <main className="shared-page page-center">
        <Spinner label="Loading shared chat…" />
      </main>
    );
  }
  return (
    <main className="shared-page">
      <header className="shared-head">
        <p className="muted small">
          Shared from ArchStudio · read-only snapshot of {new Date(chat.shared_at).toLocaleString()}
        </p>
        <h1 className="h2">{chat.title || 'Untitled chat'}</h1>
      </header>
      <div className="messages" role="log" aria-label="Shared conversation">
        {chat.messages.map((m, i) => (
          <article key={i} className={`message ${m.role}`}>
            <div className="message-body">
              <Markdown text={stripArtifactTags(m.content)} />
            </div>
          </article>
        ))}
      </div>
      {chat.artifacts.length > 0 && (
        <section className="shared-artifacts" aria-label="Artifacts">
          <h2 className="h3">Artifacts</h2>
          {chat.artifacts.map((a) => (
            <article key={a.identifier} className="shared-artifact">
              <h3 className="h4">
                {a.title || a.identifier} <span className="muted small">{artifactTypeLabel(a.type, a.language)}</span>
              </h3>
              <ArtifactRenderer artifact={{ ...a, streaming: false }} mode={hasPreview(a.type) ? 'preview' : 'code'} />
            </article>
          ))}
        </section>
      )}
    </main>
  );
}
