import { memo, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { artifactTypeLabel, stripArtifactTags } from '../artifacts/artifactTags';
import { Markdown } from '../components/Markdown';
import { IconCopy, IconEdit, IconFile, IconRefresh } from '../components/icons';
import { formatNumber } from '../components/format';
import type { LiveArtifact } from '../artifacts/liveArtifact';
import type { UIMessage } from './chatState';
import { SiblingSwitcher } from './SiblingSwitcher';

const statusLabels: Partial<Record<UIMessage['status'], string>> = {
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
};

interface Props {
  message: UIMessage;
  artifacts: Record<string, LiveArtifact>;
  canEdit: boolean;
  canRegenerate: boolean;
  onEdit: (id: string, content: string) => void;
  onRegenerate: () => void;
  onOpenArtifact: (identifier: string) => void;
  /** Shows another version of this message (absent: no switching, e.g. while streaming). */
  onSelectSibling?: (id: string) => void;
}

function EditForm({
  initial,
  onSubmit,
  onCancel,
}: {
  initial: string;
  onSubmit: (t: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) onSubmit(text.trim());
  };
  return (
    <form className="edit-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Edit your message
      </label>
      <textarea
        id={id}
        ref={ref}
        value={text}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit(e);
        }}
      />
      <div className="row gap end">
        <button type="button" className="btn small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn primary small" disabled={!text.trim()}>
          Save &amp; send
        </button>
      </div>
    </form>
  );
}

function MessageItemImpl({
  message,
  artifacts,
  canEdit,
  canRegenerate,
  onEdit,
  onRegenerate,
  onOpenArtifact,
  onSelectSibling,
}: Props) {
  const [editing, setEditing] = useState(false);
  const [copied, setCopied] = useState(false);
  const isUser = message.role === 'user';
  const streaming = message.status === 'streaming';
  const text = isUser ? message.content : stripArtifactTags(message.content, streaming);
  const statusLabel = statusLabels[message.status];

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  return (
    <article
      className={`message ${message.role}${streaming ? ' streaming' : ''}`}
      aria-label={isUser ? 'You said' : 'Claude replied'}
      aria-busy={streaming || undefined}
    >
      <div className="message-head">
        <span className="message-author">{isUser ? 'You' : 'Claude'}</span>
        {!isUser && message.model && <span className="message-model">{message.model}</span>}
        {statusLabel && <span className={`badge ${message.status}`}>{statusLabel}</span>}
      </div>
      {editing ? (
        <EditForm
          initial={message.content}
          onCancel={() => setEditing(false)}
          onSubmit={(t) => {
            setEditing(false);
            onEdit(message.id, t);
          }}
        />
      ) : isUser ? (
        <div className="message-body user-text">{message.content}</div>
      ) : (
        <div className="message-body">
          {text ? (
            <Markdown text={text} highlight={!streaming} />
          ) : streaming ? (
            <span className="typing" aria-label="Claude is writing">
              <span />
              <span />
              <span />
            </span>
          ) : null}
          {streaming && text && <span className="caret" aria-hidden="true" />}
        </div>
      )}
      {message.artifacts.length > 0 && (
        <ul className="artifact-cards" aria-label="Artifacts">
          {message.artifacts.map((identifier) => {
            const a = artifacts[identifier];
            if (!a) return null;
            return (
              <li key={identifier}>
                <button type="button" className="artifact-card" onClick={() => onOpenArtifact(identifier)}>
                  <IconFile />
                  <span className="artifact-card-text">
                    <span className="artifact-card-title">{a.title || identifier}</span>
                    <span className="artifact-card-meta">
                      {artifactTypeLabel(a.type, a.language)} · v{a.version}
                      {a.streaming ? ' · writing…' : ''}
                    </span>
                  </span>
                  <span className="visually-hidden">Open artifact</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {!editing && !streaming && !message.local && (
        <div className="message-actions">
          {message.sibling_ids && (
            <SiblingSwitcher
              siblingIds={message.sibling_ids}
              current={message.id}
              disabled={!onSelectSibling}
              onSelect={(id) => onSelectSibling?.(id)}
            />
          )}
          {isUser && canEdit && (
            <button type="button" className="btn ghost small" onClick={() => setEditing(true)}>
              <IconEdit /> Edit
            </button>
          )}
          {!isUser && text && (
            <button type="button" className="btn ghost small" onClick={copy}>
              <IconCopy /> {copied ? 'Copied' : 'Copy'}
            </button>
          )}
          {!isUser && canRegenerate && (
            <button type="button" className="btn ghost small" onClick={onRegenerate}>
              <IconRefresh /> Regenerate
            </button>
          )}
          {!isUser && message.output_tokens > 0 && (
            <span
              className="muted small token-count"
              title={`${formatNumber(message.input_tokens)} input tokens (the conversation sent as context) and ${formatNumber(message.output_tokens)} output tokens`}
            >
              {formatNumber(message.output_tokens)} output {message.output_tokens === 1 ? 'token' : 'tokens'}
            </span>
          )}
        </div>
      )}
    </article>
  );
}

export const MessageItem = memo(MessageItemImpl);
