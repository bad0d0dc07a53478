import type { PendingFile } from './useAttachments';
import { formatSize } from './useAttachments';
import './attachments.css';

interface Props {
  files: PendingFile[];
  onRemove: (key: string) => void;
}

function kindLabel(f: PendingFile): string {
  const kind = f.attachment?.kind;
  if (kind === 'pdf') return 'PDF';
  if (kind === 'text') return 'Text';
  if (kind === 'image') return 'Image';
  return f.name.split('.').pop()?.toUpperCase() ?? 'File';
}

/** The composer's files: a preview, the name and size, progress while uploading, a remove button. */
export function AttachmentChips({ files, onRemove }: Props) {
  if (!files.length) return null;
  return (
    <ul className="attachment-chips" aria-label="Attached files">
      {files.map((f) => (
        <li
          key={f.key}
          className={`attachment-chip ${f.status}`}
          data-status={f.status}
          title={f.error ?? f.name}
          aria-busy={f.status === 'uploading' || undefined}
        >
          {f.preview ? (
            <img className="attachment-thumb" src={f.preview} alt="" />
          ) : (
            <span className="attachment-thumb attachment-kind" aria-hidden="true">
              {kindLabel(f)}
            </span>
          )}
          <span className="attachment-meta">
            <span className="attachment-name">{f.name}</span>
            <span className="attachment-detail small muted">
              {f.status === 'failed' ? (
                <span className="field-error" role="alert">
                  {f.error}
                </span>
              ) : f.status === 'uploading' ? (
                `Uploading ${Math.round(f.progress * 100)}%`
              ) : (
                formatSize(f.size)
              )}
            </span>
            {f.status === 'uploading' && (
              <progress className="attachment-progress" max={1} value={f.progress} aria-label={`Uploading ${f.name}`} />
            )}
          </span>
          <button
            type="button"
            className="attachment-remove"
            aria-label={`Remove ${f.name}`}
            onClick={() => onRemove(f.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
