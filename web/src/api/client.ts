// The one way the SPA talks to /api: same-origin fetch with the session
// cookie, errors decoded into ApiError, and every 401 announced to the
// listeners (the AuthProvider) so an expired session always lands on
// sign-in instead of a half-broken page.
import { takePrefetched } from './prefetch';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly requestId?: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.field = typeof details.field === 'string' ? details.field : undefined;
    this.requestId = typeof details.request_id === 'string' ? details.request_id : undefined;
  }

  get isQuotaExceeded(): boolean {
    return this.code === 'quota_exceeded';
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server could not be reached. Check your connection and try again.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

type UnauthenticatedListener = (err: ApiError) => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/** Registers a listener called on any 401; returns the unsubscribe function. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Announces err to the 401 listeners if it is a 401 (for requests made without apiFetch). */
export function onUnauthenticatedError(err: ApiError): void {
  if (err.status !== 401) return;
  for (const l of [...unauthenticatedListeners]) l(err);
}

const fallbackMessages: Record<number, string> = {
  400: 'The request was not valid.',
  401: 'Your session has ended. Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  413: 'That is too large.',
  429: 'Too many requests. Please wait a moment.',
  502: 'The model service failed. Please try again.',
  503: 'The service is temporarily unavailable.',
};

export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy error page, say): fall back to the status
  }
  const err = (
    body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : null
  ) as Record<string, unknown> | null;
  const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
  const message =
    typeof err?.message === 'string' && err.message
      ? err.message
      : (fallbackMessages[res.status] ?? `Request failed (${res.status}).`);
  const details: Record<string, unknown> = { ...(err ?? {}) };
  const retryAfter = res.headers.get('Retry-After');
  if (retryAfter) details.retry_after = retryAfter;
  return new ApiError(res.status, code, message, details);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Don't announce a 401 (used by the session probe on start-up). */
  quiet401?: boolean;
  contentType?: string;
}

/** Performs the request and returns the Response if it is 2xx; throws ApiError otherwise. */
export async function apiFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response | null = null;
  try {
    // A request the entry module started for this page (api/prefetch) is
    // taken as it is; one that failed is asked again.
    const plainGet = (opts.method ?? 'GET') === 'GET' && body === undefined && !opts.headers;
    const prefetched = plainGet ? takePrefetched(path) : null;
    if (prefetched) res = await prefetched.catch(() => null);
    opts.signal?.throwIfAborted();
    res ??= await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body,
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (opts.signal?.aborted || (e instanceof DOMException && e.name === 'AbortError')) throw e;
    throw new NetworkError(e);
  }
  if (res.ok) return res;
  const err = await errorFromResponse(res);
  if (res.status === 401 && !opts.quiet401) {
    for (const l of [...unauthenticatedListeners]) l(err);
  }
  throw err;
}

/** JSON request; resolves to undefined for 204. */
export async function api<T = void>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiFetch(path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}
