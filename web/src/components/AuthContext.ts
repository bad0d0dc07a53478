import { createContext, useContext } from 'react';
import type { User } from '../api/types';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut' | 'unreachable';

export interface AuthContextValue {
  status: AuthStatus;
  user: User | null;
  /** Why the visitor is on the sign-in page (session ended, signed out…). */
  notice: string | null;
  signInDev: (username: string) => Promise<User>;
  signOut: () => Promise<void>;
  signOutEverywhere: () => Promise<void>;
  retry: () => void;
  clearNotice: () => void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';
export const SIGNED_OUT = 'You have signed out.';
