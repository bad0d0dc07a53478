// Client errors go to POST /api/client-errors so we hear about crashes we
// cannot reproduce. Bounded on our side too: a render loop must not flood
// the server, and nothing secret (tokens, cookies, query strings) may leave.

const MAX_MESSAGE = 1000;
const MAX_STACK = 4000;
const WINDOW_MS = 60_000;
const MAX_PER_WINDOW = 5;

export interface ClientErrorReport {
  message: string;
  stack: string;
  url: string;
  component_stack: string;
}

const secretPatterns: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{16,})/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bsk-ant-[A-Za-z0-9_-]{10,}/g, // Anthropic keys
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(__Host-session|session|token|code|state|password|secret|api[_-]?key)=([^&\s;"']+)/gi,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}/g, // JWTs
];

export function scrub(text: string): string {
  let out = text;
  for (const re of secretPatterns) {
    out = out.replace(re, (_m, ...groups) => {
      if (re.source.startsWith('(__Host')) return `${groups[0]}=[redacted]`;
      return '[redacted]';
    });
  }
  return out;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The page address without query string or fragment, which may carry codes. */
export function safeUrl(href: string): string {
  try {
    const u = new URL(href);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}

export function buildReport(error: unknown, componentStack = ''): ClientErrorReport {
  const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'Non-error thrown');
  return {
    message: truncate(scrub(`${err.name}: ${err.message}`), MAX_MESSAGE),
    stack: truncate(scrub(err.stack ?? ''), MAX_STACK),
    url: typeof location !== 'undefined' ? safeUrl(location.href) : '',
    component_stack: truncate(scrub(componentStack), MAX_STACK),
  };
}

type Sender = (report: ClientErrorReport) => void;

export class ErrorReporter {
  private sent: number[] = [];
  private recent = new Map<string, number>();

  constructor(
    private readonly send: Sender,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Returns true if the report was sent, false if throttled or a duplicate. */
  report(error: unknown, componentStack = ''): boolean {
    const r = buildReport(error, componentStack);
    const t = this.now();
    this.sent = this.sent.filter((s) => t - s < WINDOW_MS);
    for (const [k, at] of this.recent) if (t - at >= WINDOW_MS) this.recent.delete(k);
    if (this.recent.has(r.message)) return false;
    if (this.sent.length >= MAX_PER_WINDOW) return false;
    this.sent.push(t);
    this.recent.set(r.message, t);
    try {
      this.send(r);
    } catch {
      // reporting must never throw into the app
    }
    return true;
  }
}

function post(report: ClientErrorReport): void {
  // Plain fetch, not apiFetch: a 401 here must not sign anyone out, and a
  // failure to report is not worth telling the user about.
  void fetch('/api/client-errors', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(report),
    credentials: 'same-origin',
    keepalive: true,
  }).catch(() => undefined);
}

export const reporter = new ErrorReporter(post);

export function reportError(error: unknown, componentStack = ''): void {
  reporter.report(error, componentStack);
}

let installed = false;
/** Reports uncaught errors and unhandled rejections. */
export function installGlobalErrorHandlers(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener('error', (e) => {
    if (e.error) reportError(e.error);
  });
  window.addEventListener('unhandledrejection', (e) => {
    const reason = e.reason;
    // Aborted requests are how we cancel work, not errors.
    if (reason instanceof DOMException && reason.name === 'AbortError') return;
    reportError(reason);
  });
}
