import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../components/AuthContext';
import { Spinner } from '../components/Spinner';

/** The path to come back to after sign-in: same-origin paths only. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/chats';
  if (next.startsWith('/login') || next.startsWith('/api/')) return '/chats';
  return next;
}

export function loginPath(wanted: string): string {
  return wanted && wanted !== '/' && wanted !== '/chats' ? `/login?next=${encodeURIComponent(wanted)}` : '/login';
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, retry } = useAuth();
  const location = useLocation();
  if (status === 'loading') {
    return (
      <div className="page-center">
        <Spinner label="Checking your session…" />
      </div>
    );
  }
  if (status === 'unreachable') {
    return (
      <div className="page-center">
        <div className="card narrow" role="alert">
          <h1 className="h2">ArchStudio can’t be reached</h1>
          <p>The server did not answer. Check your connection, then try again.</p>
          <button type="button" className="btn primary" onClick={retry}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (status === 'signedOut') {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  return <>{children}</>;
}
