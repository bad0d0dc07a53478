import {
  useEffect,
  useId,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { IconSend, IconStop } from '../components/icons';
import { AttachmentChips } from '../attachments/AttachmentChips';
import type { AttachmentsController } from '../attachments/useAttachments';

export const MAX_MESSAGE = 32_000;

interface Props {
  onSend: (content: string, attachmentIds: string[]) => Promise<boolean>;
  onStop?: () => void;
  streaming: boolean;
  stopping?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  placeholder?: string;
  /** Extra controls beside Send (voice). */
  accessory?: ReactNode;
  /** Text to put in the box for editing (a transcript); a new seq puts it again. */
  draft?: { text: string; seq: number } | null;
  /** Files attached to the message: picked, dropped or pasted. */
  attachments?: AttachmentsController;
}

export function Composer({
  onSend,
  onStop,
  streaming,
  stopping,
  disabled,
  autoFocus,
  placeholder,
  accessory,
  draft,
  attachments,
}: Props) {
  const [text, setText] = useState('');
  const [dragging, setDragging] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  // A new transcript joins the text while rendering (not in an effect, so
  // there is no extra render); the box then takes focus for editing.
  const [draftSeq, setDraftSeq] = useState(draft?.seq ?? 0);
  if (draft && draft.seq !== draftSeq) {
    setDraftSeq(draft.seq);
    setText((cur) => (cur.trim() ? `${cur.trimEnd()} ${draft.text}` : draft.text));
  }
  useEffect(() => {
    if (draftSeq) ref.current?.focus();
  }, [draftSeq]);
  const hintId = useId();
  const inputId = useId();

  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);

  // Grow with the text up to a limit, then scroll.
  useEffect(() => {
    const el = ref.current;
    // An empty box that was never grown is already its one-row height:
    // measuring it would force a layout in the middle of the page's first render.
    if (!el || (!text && !el.style.height)) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const content = text.trim();
    if (!content || streaming || disabled || attachments?.busy) return;
    setText('');
    const ids = attachments?.readyIds() ?? [];
    const taken = await onSend(content, ids);
    if (!taken) setText((cur) => cur || content);
    else attachments?.clear();
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const tooLong = text.length > MAX_MESSAGE;

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    if (!attachments || !e.clipboardData.files.length) return;
    e.preventDefault();
    attachments.add(e.clipboardData.files);
  };
  const dropProps = attachments
    ? {
        onDragOver: (e: DragEvent<HTMLFormElement>) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        },
        onDragLeave: () => setDragging(false),
        onDrop: (e: DragEvent<HTMLFormElement>) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          setDragging(false);
          attachments.add(e.dataTransfer.files);
        },
      }
    : {};

  return (
    <form className={dragging ? 'composer dragging' : 'composer'} onSubmit={submit} {...dropProps}>
      {attachments && <AttachmentChips files={attachments.files} onRemove={attachments.remove} />}
      <label htmlFor={inputId} className="visually-hidden">
        Message
      </label>
      <textarea
        id={inputId}
        ref={ref}
        rows={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        placeholder={placeholder ?? 'Ask about your architecture…'}
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
      />
      <div className="composer-actions">
        <span id={hintId} className={tooLong ? 'field-error small' : 'muted small'}>
          {tooLong
            ? `Too long: ${text.length.toLocaleString()} of ${MAX_MESSAGE.toLocaleString()} characters.`
            : 'Enter to send, Shift+Enter for a new line'}
        </span>
        {attachments && (
          <>
            <input
              ref={fileRef}
              type="file"
              multiple
              hidden
              accept={attachments.accept}
              aria-label="Attach files"
              data-testid="attach-input"
              onChange={(e) => {
                if (e.target.files?.length) attachments.add(e.target.files);
                e.target.value = '';
              }}
            />
            <button
              type="button"
              className="btn ghost"
              onClick={() => fileRef.current?.click()}
              aria-label="Attach files"
              title="Attach images, PDFs or text files (or drop or paste them)"
            >
              Attach
            </button>
          </>
        )}
        {accessory}
        {streaming ? (
          <button type="button" className="btn danger" onClick={onStop} disabled={stopping}>
            <IconStop /> {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            type="submit"
            className="btn primary"
            disabled={disabled || !text.trim() || tooLong || attachments?.busy}
          >
            <IconSend /> Send
          </button>
        )}
      </div>
    </form>
  );
}
