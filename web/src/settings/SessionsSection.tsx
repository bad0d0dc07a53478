import { startTransition, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { authApi } from '../api/endpoints';
import type { AuthSession } from '../api/types';
import { useAuth } from '../components/AuthContext';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatDateTime, formatRelative } from '../components/format';
import { Spinner } from '../components/Spinner';

/** "Chrome on macOS" out of a user-agent string; the raw string is in the title. */
export function describeUserAgent(ua: string): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /HeadlessChrome|Chrome\//.test(ua)
        ? ua.includes('HeadlessChrome')
          ? 'Headless Chrome'
          : 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /curl|Go-http-client|node/i.test(ua)
            ? 'Script'
            : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsSection() {
  const { signOutEverywhere } = useAuth();
  const navigate = useNavigate();
  const [sessions, setSessions] = useState<AuthSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmAll, setConfirmAll] = useState(false);

  const load = useCallback(() => {
    authApi
      .sessions()
      .then((r) =>
        startTransition(() => {
          setSessions(r.sessions);
          setError(null);
        }),
      )
      .catch((e: unknown) => setError(describeError(e)));
  }, []);
  useEffect(load, [load]);

  const others = sessions?.filter((s) => !s.current) ?? [];

  const endOne = async (s: AuthSession) => {
    setBusy(true);
    setStatus(null);
    try {
      await authApi.endSession(s.id);
      setSessions((prev) => prev?.filter((x) => x.id !== s.id) ?? null);
      setStatus(`Signed out ${describeUserAgent(s.user_agent)}.`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const endOthers = async () => {
    setBusy(true);
    setStatus(null);
    const results = await Promise.allSettled(others.map((s) => authApi.endSession(s.id)));
    const failed = results.filter((r) => r.status === 'rejected').length;
    setBusy(false);
    if (failed) setError(`${failed} session(s) could not be signed out.`);
    else setStatus('Signed out of every other session.');
    load();
  };

  const endAll = async () => {
    setConfirmAll(false);
    setBusy(true);
    await signOutEverywhere().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <section className="settings-section" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="h2">
        Sessions
      </h2>
      <p className="muted">Where you are signed in. Sign out anything you don’t recognise.</p>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {!sessions && !error && <Spinner label="Loading sessions…" />}
      {sessions && (
        <ul className="session-list">
          {sessions.map((s) => (
            <li key={s.id} className="session">
              <div>
                <div className="session-device" title={s.user_agent}>
                  {describeUserAgent(s.user_agent)}
                  {s.current && <span className="badge current">This device</span>}
                </div>
                <div className="muted small">
                  Signed in {formatDateTime(s.created_at)} · active {formatRelative(s.last_seen_at)}
                </div>
              </div>
              {!s.current && (
                <button
                  type="button"
                  className="btn small"
                  onClick={() => endOne(s)}
                  disabled={busy}
                  aria-label={`Sign out ${describeUserAgent(s.user_agent)}, signed in ${formatDateTime(s.created_at)}`}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="row gap wrap">
        <button type="button" className="btn" onClick={endOthers} disabled={busy || others.length === 0}>
          Sign out other sessions
        </button>
        <button type="button" className="btn danger" onClick={() => setConfirmAll(true)} disabled={busy}>
          Sign out everywhere
        </button>
        <span role="status" aria-live="polite" className="saved-status">
          {status}
        </span>
      </div>
      <ConfirmDialog
        open={confirmAll}
        title="Sign out everywhere?"
        body="Every session, including this one, will end. You will need to sign in again."
        confirmLabel="Sign out everywhere"
        danger
        onConfirm={endAll}
        onCancel={() => setConfirmAll(false)}
      />
    </section>
  );
}
