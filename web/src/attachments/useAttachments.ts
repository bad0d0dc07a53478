// The composer's attachments: files picked, dropped or pasted are uploaded
// at once (with progress) to the chat, which getChat creates when the
// composer has none yet; the ids of those uploaded go with the message.
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import type { Attachment, AttachmentLimits } from '../api/types';
import { attachmentsApi, uploadAttachment } from './upload';

export interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** An object URL of the local file, for image previews. */
  preview: string | null;
  progress: number;
  status: 'uploading' | 'ready' | 'failed';
  error?: string;
  attachment?: Attachment;
}

export interface AttachmentsController {
  files: PendingFile[];
  add: (files: FileList | File[]) => void;
  remove: (key: string) => void;
  /** Ids of the uploaded files, in order. */
  readyIds: () => string[];
  busy: boolean;
  clear: () => void;
  accept: string;
}

let seq = 0;

export function formatSize(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KB`;
  return `${n} B`;
}

export function useAttachments(getChat: () => Promise<string>): AttachmentsController {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [limits, setLimits] = useState<AttachmentLimits | null>(null);
  const aborts = useRef(new Map<string, AbortController>());
  const latest = useRef(files);
  useEffect(() => {
    latest.current = files;
  }, [files]);

  useEffect(() => {
    const ctrl = new AbortController();
    attachmentsApi.limits(ctrl.signal).then(setLimits, () => undefined);
    const pending = aborts.current;
    return () => {
      ctrl.abort();
      for (const a of pending.values()) a.abort();
    };
  }, []);

  const patch = (key: string, p: Partial<PendingFile>) =>
    setFiles((cur) => cur.map((f) => (f.key === key ? { ...f, ...p } : f)));

  const add = useCallback(
    (list: FileList | File[]) => {
      for (const file of Array.from(list)) {
        const key = `f${++seq}`;
        const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
        const entry: PendingFile = { key, name: file.name, size: file.size, preview, progress: 0, status: 'uploading' };
        if (limits && file.size > limits.max_file_bytes) {
          entry.status = 'failed';
          entry.error = `${file.name} is larger than ${formatSize(limits.max_file_bytes)}, the limit for files`;
          setFiles((cur) => [...cur, entry]);
          continue;
        }
        setFiles((cur) => [...cur, entry]);
        const ctrl = new AbortController();
        aborts.current.set(key, ctrl);
        getChat()
          .then((chatId) =>
            uploadAttachment(
              chatId,
              file,
              limits?.presigned_uploads ?? false,
              (p) => patch(key, { progress: p }),
              ctrl.signal,
            ),
          )
          .then(
            (attachment) => patch(key, { status: 'ready', progress: 1, attachment }),
            (e: unknown) => {
              if (e instanceof DOMException && e.name === 'AbortError') return;
              patch(key, { status: 'failed', error: describeError(e) });
            },
          )
          .finally(() => aborts.current.delete(key));
      }
    },
    [getChat, limits],
  );

  const remove = useCallback((key: string) => {
    const f = latest.current.find((x) => x.key === key);
    aborts.current.get(key)?.abort();
    if (f?.preview) URL.revokeObjectURL(f.preview);
    if (f?.attachment) void attachmentsApi.remove(f.attachment.id).catch(() => undefined);
    setFiles((cur) => cur.filter((x) => x.key !== key));
  }, []);

  const clear = useCallback(() => {
    for (const f of latest.current) if (f.preview) URL.revokeObjectURL(f.preview);
    setFiles([]);
  }, []);

  const readyIds = useCallback(
    () => latest.current.flatMap((f) => (f.status === 'ready' && f.attachment ? [f.attachment.id] : [])),
    [],
  );

  return {
    files,
    add,
    remove,
    readyIds,
    clear,
    busy: files.some((f) => f.status === 'uploading'),
    accept: (limits?.accept ?? ['image/*', 'application/pdf', 'text/*']).join(','),
  };
}
