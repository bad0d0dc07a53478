import { lazy, Suspense, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { artifactsApi } from '../api/endpoints';
import type { Artifact } from '../api/types';
import type { LiveArtifact } from './liveArtifact';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { IconBack, IconCheck, IconClose, IconCopy, IconDownload } from '../components/icons';
import { artifactTypeLabel, downloadName, hasPreview } from './artifactTags';
import { ArtifactRenderer, type ArtifactViewMode, type RenderableArtifact } from './ArtifactRenderer';
import { hasIssueSections } from '../github/roadmap';

const PublishDialog = lazy(() => import('../github/PublishDialog'));

interface Props {
  chatId: string;
  artifact: LiveArtifact;
  all: LiveArtifact[];
  onSelect: (identifier: string) => void;
  onClose: () => void;
}

function RendererCrash({ source, onRetry }: { source: string; onRetry: () => void }) {
  return (
    <div className="renderer-crash" role="alert">
      <p>
        <strong>This artifact could not be displayed.</strong> The problem was reported.
      </p>
      <button type="button" className="btn small" onClick={onRetry}>
        Try again
      </button>
      <pre className="code-view" role="region" tabIndex={0} aria-label="Artifact source">
        <code>{source}</code>
      </pre>
    </div>
  );
}

export default function ArtifactPanel({ chatId, artifact, all, onSelect, onClose }: Props) {
  const [versions, setVersions] = useState<Artifact[]>([]);
  const [pickedVersion, setPickedVersion] = useState<number | null>(null);
  const [userMode, setUserMode] = useState<ArtifactViewMode | null>(null);
  const [copied, setCopied] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const headingId = useId();
  const tabsId = useId();
  const selectId = useId();
  const versionId = useId();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  // Another artifact, or a new version streaming in, shows the newest: the
  // choices are reset in the same render that sees the change.
  const shownKey = `${artifact.identifier}@${artifact.version}`;
  const [choicesFor, setChoicesFor] = useState(shownKey);
  if (choicesFor !== shownKey) {
    setChoicesFor(shownKey);
    setPickedVersion(null);
    setUserMode(null);
  }

  useEffect(() => {
    if (!artifact.id || artifact.streaming) return;
    const ctrl = new AbortController();
    artifactsApi
      .versions(chatId, artifact.identifier, ctrl.signal)
      .then((r) => setVersions(r.versions))
      .catch(() => setVersions([]));
    return () => ctrl.abort();
  }, [chatId, artifact.identifier, artifact.id, artifact.streaming]);

  const picked = pickedVersion !== null ? versions.find((v) => v.version === pickedVersion) : undefined;
  const shown: RenderableArtifact & { id: string | null; version: number; identifier: string } = picked
    ? { ...picked, streaming: false }
    : artifact;

  const previewable = hasPreview(shown.type);
  // Preview types show their source while it streams (a half-written HTML
  // page or diagram is noise), then switch to the preview.
  const autoMode: ArtifactViewMode =
    previewable && !(shown.streaming && shown.type !== 'text/markdown') ? 'preview' : 'code';
  const mode: ArtifactViewMode = previewable ? (userMode ?? autoMode) : 'code';

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.content);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  const modes: ArtifactViewMode[] = ['preview', 'code'];
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? modes.length - 1
          : (i + (e.key === 'ArrowRight' ? 1 : -1) + modes.length) % modes.length;
    setUserMode(modes[next]);
    tabRefs.current[next]?.focus();
  };

  return (
    <aside
      className="artifact-panel"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target instanceof HTMLSelectElement)) onClose();
      }}
    >
      <header className="artifact-head">
        <div className="artifact-head-top">
          {/* On a phone the panel is a full-screen sheet: a back control leads to the chat. */}
          <button type="button" className="btn ghost small sheet-back" onClick={onClose}>
            <IconBack /> Chat
          </button>
          <div className="artifact-heading">
            <h2 id={headingId} className="h3 artifact-title" tabIndex={-1}>
              {shown.title || shown.identifier}
            </h2>
            <span className="muted small">
              {artifactTypeLabel(shown.type, shown.language)} · v{shown.version}
              {shown.streaming && (
                <span className="live-dot" role="status">
                  {' '}
                  · writing…
                </span>
              )}
            </span>
          </div>
          <button type="button" className="icon-button panel-close" aria-label="Close artifact panel" onClick={onClose}>
            <IconClose />
          </button>
        </div>
        <div className="artifact-toolbar">
          {all.length > 1 && (
            <span className="field-inline">
              <label htmlFor={selectId} className="small muted">
                Artifact
              </label>
              <select id={selectId} value={artifact.identifier} onChange={(e) => onSelect(e.target.value)}>
                {all.map((a) => (
                  <option key={a.identifier} value={a.identifier}>
                    {a.title || a.identifier}
                  </option>
                ))}
              </select>
            </span>
          )}
          {versions.length > 1 && !artifact.streaming && (
            <span className="field-inline">
              <label htmlFor={versionId} className="small muted">
                Version
              </label>
              <select
                id={versionId}
                value={shown.version}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  setPickedVersion(v === artifact.version ? null : v);
                }}
              >
                {versions.map((v) => (
                  <option key={v.id} value={v.version}>
                    v{v.version}
                    {v.version === artifact.version ? ' (latest)' : ''}
                  </option>
                ))}
              </select>
            </span>
          )}
          {previewable && (
            <div role="tablist" aria-label="View" className="tabs">
              {modes.map((m, i) => (
                <button
                  key={m}
                  ref={(el) => {
                    tabRefs.current[i] = el;
                  }}
                  type="button"
                  role="tab"
                  id={`${tabsId}-${m}`}
                  aria-selected={mode === m}
                  aria-controls={`${tabsId}-panel`}
                  tabIndex={mode === m ? 0 : -1}
                  className={mode === m ? 'tab active' : 'tab'}
                  onClick={() => setUserMode(m)}
                  onKeyDown={(e) => onTabKey(e, i)}
                >
                  {m === 'preview' ? 'Preview' : 'Code'}
                </button>
              ))}
            </div>
          )}
          <span className="toolbar-spacer" />
          {shown.id && !shown.streaming && shown.type === 'text/markdown' && hasIssueSections(shown.content) && (
            <button type="button" className="btn ghost small" onClick={() => setPublishing(true)}>
              Publish to GitHub
            </button>
          )}
          <button type="button" className="btn ghost small" onClick={copy} disabled={!shown.content}>
            {copied ? <IconCheck /> : <IconCopy />} {copied ? 'Copied' : 'Copy'}
          </button>
          {shown.id ? (
            <a className="btn ghost small" href={artifactsApi.rawUrl(shown.id)} download={downloadName(shown)}>
              <IconDownload /> Download
            </a>
          ) : (
            <button type="button" className="btn ghost small" disabled title="Available once the artifact is complete">
              <IconDownload /> Download
            </button>
          )}
        </div>
      </header>
      <div
        className="artifact-body"
        id={`${tabsId}-panel`}
        role={previewable ? 'tabpanel' : undefined}
        aria-labelledby={previewable ? `${tabsId}-${mode}` : undefined}
      >
        <ErrorBoundary
          resetKey={`${shown.identifier}:${shown.version}:${mode}`}
          fallback={(_e, reset) => <RendererCrash source={shown.content} onRetry={reset} />}
        >
          <ArtifactRenderer artifact={shown} mode={mode} />
        </ErrorBoundary>
      </div>
      {publishing && shown.id && (
        <Suspense fallback={null}>
          <PublishDialog artifactId={shown.id} version={shown.version} onClose={() => setPublishing(false)} />
        </Suspense>
      )}
    </aside>
  );
}
