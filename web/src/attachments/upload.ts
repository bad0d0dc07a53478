// Uploading one file to a chat, with progress: through the attachments
// function as multipart/form-data, or — where the studio presigns uploads
// (on AWS) — straight to the object store with a PUT, then checked by
// .../complete. fetch reports no upload progress, so both use XHR.
import { ApiError, NetworkError, api, errorFromResponse, onUnauthenticatedError } from '../api/client';
import type { Attachment, AttachmentLimits, PresignedUpload } from '../api/types';

const enc = encodeURIComponent;

export const attachmentsApi = {
  limits: (signal?: AbortSignal) => api<AttachmentLimits>('/api/attachments/limits', { signal }),
  list: (chatId: string, signal?: AbortSignal) =>
    api<{ attachments: Attachment[] }>(`/api/chats/${enc(chatId)}/attachments`, { signal }),
  remove: (id: string) => api(`/api/attachments/${enc(id)}`, { method: 'DELETE' }),
  contentUrl: (id: string) => `/api/attachments/${enc(id)}/content`,
};

export type Progress = (fraction: number) => void;

/** Sends body with XHR, reporting upload progress; resolves to the response as a fetch Response. */
function xhr(
  method: string,
  url: string,
  body: XMLHttpRequestBodyInit,
  headers: Record<string, string>,
  onProgress: Progress,
  signal: AbortSignal,
  sameOrigin: boolean,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    req.withCredentials = sameOrigin;
    for (const [k, v] of Object.entries(headers)) req.setRequestHeader(k, v);
    req.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    req.onload = () => {
      const h = new Headers();
      const type = req.getResponseHeader('Content-Type');
      if (type) h.set('Content-Type', type);
      const retry = req.getResponseHeader('Retry-After');
      if (retry) h.set('Retry-After', retry);
      resolve(new Response(req.status === 204 ? null : req.responseText, { status: req.status, headers: h }));
    };
    req.onerror = () => reject(new NetworkError(new Error('upload failed')));
    req.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', () => req.abort(), { once: true });
    req.send(body);
  });
}

async function json<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  const err = await errorFromResponse(res);
  onUnauthenticatedError(err);
  throw err;
}

/** Uploads file to chatId and resolves to the stored attachment. */
export async function uploadAttachment(
  chatId: string,
  file: File,
  presigned: boolean,
  onProgress: Progress,
  signal: AbortSignal,
): Promise<Attachment> {
  if (!presigned) {
    const form = new FormData();
    form.append('file', file, file.name);
    const res = await xhr(
      'POST',
      `/api/chats/${enc(chatId)}/attachments`,
      form,
      { Accept: 'application/json' },
      onProgress,
      signal,
      true,
    );
    return json<Attachment>(res);
  }
  const p = await api<PresignedUpload>(`/api/chats/${enc(chatId)}/attachments/presign`, {
    method: 'POST',
    body: { name: file.name, size: file.size, media_type: file.type || 'application/octet-stream' },
    signal,
  });
  const put = await xhr(p.upload.method, p.upload.url, file, p.upload.headers, onProgress, signal, false);
  if (!put.ok) throw new ApiError(put.status, 'upload_failed', `The file store refused ${file.name}.`);
  return api<Attachment>(`/api/attachments/${enc(p.attachment.id)}/complete`, { method: 'POST', signal });
}
