import { startTransition, useCallback, useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import { ApiError, onUnauthenticated } from '../api/client';
import { authApi } from '../api/endpoints';
import type { User } from '../api/types';
import {
  AuthContext,
  SESSION_ENDED,
  SIGNED_OUT,
  type AuthContextValue,
  type AuthStatus,
} from '../components/AuthContext';

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [probe, setProbe] = useState(0);

  useEffect(() => {
    let cancelled = false;
    authApi
      .session()
      // As a transition: the answer mounts the whole page at once, and a
      // transition renders it in slices instead of one long blocking task.
      .then((u) => {
        if (cancelled) return;
        startTransition(() => {
          setUser(u);
          setStatus(u ? 'signedIn' : 'signedOut');
        });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        startTransition(() => {
          setUser(null);
          setStatus(e instanceof ApiError && e.status === 401 ? 'signedOut' : 'unreachable');
        });
      });
    return () => {
      cancelled = true;
    };
  }, [probe]);

  // Any 401 from any call means the session is gone (expired, or ended from
  // another device): drop the user so the protected routes send them to sign-in.
  // The notice depends on the status at that moment, read without
  // resubscribing on every change.
  const sessionGone = useEffectEvent(() => {
    if (status === 'signedIn' || status === 'loading') setNotice(SESSION_ENDED);
    setUser(null);
    setStatus('signedOut');
  });
  useEffect(() => onUnauthenticated(() => sessionGone()), []);

  const signInDev = useCallback(async (username: string) => {
    const u = await authApi.devSignIn(username);
    setUser(u);
    setNotice(null);
    setStatus('signedIn');
    return u;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setUser(null);
      setNotice(SIGNED_OUT);
      setStatus('signedOut');
    }
  }, []);

  const signOutEverywhere = useCallback(async () => {
    try {
      await authApi.logoutAll();
    } finally {
      setUser(null);
      setNotice('You have signed out on every device.');
      setStatus('signedOut');
    }
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      user,
      notice,
      signInDev,
      signOut,
      signOutEverywhere,
      retry: () => {
        setStatus('loading');
        setProbe((n) => n + 1);
      },
      clearNotice: () => setNotice(null),
    }),
    [status, user, notice, signInDev, signOut, signOutEverywhere],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
