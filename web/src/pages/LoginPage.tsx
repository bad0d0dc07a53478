import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { authApi } from '../api/endpoints';
import type { Providers } from '../api/types';
import { useAuth } from '../components/AuthContext';
import { safeNext } from '../auth/RequireAuth';
import { Spinner } from '../components/Spinner';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { Logo } from '../components/icons';

const callbackErrors: Record<string, string> = {
  access_denied: 'GitHub sign-in was cancelled.',
  invalid_state: 'The sign-in link expired. Please try again.',
  rate_limited: 'Too many sign-in attempts. Please wait a minute and try again.',
  upstream_error: 'GitHub could not be reached. Please try again.',
};

export const USERNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export default function LoginPage() {
  useDocumentTitle('Sign in');
  const { status, notice, signInDev, clearNotice } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const callbackError = params.get('error');
  const [providers, setProviders] = useState<Providers | null>(null);
  const [providersError, setProvidersError] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const usernameId = useId();
  const errorId = useId();

  useEffect(() => {
    authApi
      .providers()
      .then(setProviders)
      .catch((e: unknown) => setProvidersError(describeError(e)));
  }, []);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  if (status === 'signedIn' && !busy) return <Navigate to={next} replace />;

  const onDevSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const name = username.trim();
    if (!USERNAME_PATTERN.test(name)) {
      setFormError('Use 1–39 letters, digits or hyphens, starting with a letter or digit.');
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await signInDev(name);
      clearNotice();
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'rate_limited') {
        const after = err.details.retry_after;
        setFormError(`Too many sign-in attempts.${after ? ` Try again in ${after} s.` : ''}`);
      } else {
        setFormError(describeError(err));
      }
      setBusy(false);
    }
  };

  const message = callbackError ? (callbackErrors[callbackError] ?? 'Sign-in failed. Please try again.') : notice;

  return (
    <main id="main" className="login-page">
      <div className="login-card card">
        <div className="login-brand">
          <Logo size={40} />
        </div>
        <h1 ref={headingRef} tabIndex={-1} className="login-title">
          Sign in to ArchStudio
        </h1>
        <p className="muted center">Design systems with Claude: diagrams, code and documents, live.</p>
        {message && (
          <p className={callbackError ? 'alert error' : 'alert info'} role={callbackError ? 'alert' : 'status'}>
            {message}
          </p>
        )}
        {providersError && (
          <p className="alert error" role="alert">
            {providersError}
          </p>
        )}
        {/* The options' place is held while they load, so the card does not jump. */}
        {providers === null && !providersError && (
          <div className="login-options-loading">
            <Spinner inline label="Loading sign-in options…" />
          </div>
        )}
        {providers?.github && (
          <a className="btn github block" href={authApi.githubUrl(next)}>
            <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true" fill="currentColor">
              <path d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z" />
            </svg>
            Sign in with GitHub
          </a>
        )}
        {providers && !providers.github && !providers.dev && (
          <p className="muted small center">GitHub sign-in is not configured on this server.</p>
        )}
        {providers?.dev && (
          <form className="dev-form" onSubmit={onDevSubmit} noValidate aria-labelledby="dev-heading">
            <div className="divider" role="presentation">
              <span>development</span>
            </div>
            <h2 id="dev-heading" className="h3">
              Development sign-in
            </h2>
            <p className="muted small">This server has no GitHub app configured. Pick any user name.</p>
            <label htmlFor={usernameId}>User name</label>
            <input
              id={usernameId}
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={formError ? true : undefined}
              aria-describedby={formError ? errorId : undefined}
              required
              maxLength={39}
            />
            {formError && (
              <p id={errorId} className="field-error" role="alert">
                {formError}
              </p>
            )}
            <button type="submit" className="btn primary block" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
