import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { preferencesApi, usageApi } from '../api/endpoints';
import type { Preferences, Usage } from '../api/types';
import { useAuth } from './AuthContext';
import { applyTheme } from '../theme/theme';
import { PreferencesContext, UsageContext } from './AppContexts';
import { UsageMeter } from './UsageMeter';
import { Logo } from './icons';

/** The signed-in frame: header, skip link, shared preferences and usage. */
export function AppShell() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const [preferences, setPreferencesState] = useState<Preferences | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [usageError, setUsageError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);

  const setPreferences = useCallback((p: Preferences) => {
    setPreferencesState(p);
    applyTheme(p.theme);
  }, []);

  useEffect(() => {
    preferencesApi
      .get()
      .then(setPreferences)
      .catch(() => undefined); // defaults stay in force; settings shows the error
  }, [setPreferences]);

  const refreshUsage = useCallback(() => {
    usageApi
      .get()
      .then((u) => {
        setUsage(u);
        setUsageError(null);
      })
      .catch((e: unknown) => setUsageError(describeError(e)));
  }, []);
  useEffect(refreshUsage, [refreshUsage]);

  // Move focus to the new page's content on navigation between sections so
  // screen-reader and keyboard users land where the content changed.
  const section = location.pathname.split('/')[1];
  // A navigation may ask to keep focus where it is (state.keepFocus); that
  // state is read when the section changes, not a reason to move focus.
  const focusMain = useEffectEvent(() => {
    const state = location.state as { keepFocus?: boolean } | null;
    if (!state?.keepFocus) mainRef.current?.focus({ preventScroll: true });
  });
  const focusedSection = useRef(section);
  useEffect(() => {
    if (focusedSection.current === section) return; // the first load (or StrictMode's second run)
    focusedSection.current = section;
    focusMain();
  }, [section]);

  const prefsValue = useMemo(() => ({ preferences, setPreferences }), [preferences, setPreferences]);
  const usageValue = useMemo(
    () => ({ usage, error: usageError, refresh: refreshUsage }),
    [usage, usageError, refreshUsage],
  );

  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      navigate('/login', { replace: true });
    }
  };

  return (
    <PreferencesContext.Provider value={prefsValue}>
      <UsageContext.Provider value={usageValue}>
        <div className="app">
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <NavLink to="/chats" className="brand" aria-label="ArchStudio home">
              <Logo size={26} />
              <span>ArchStudio</span>
            </NavLink>
            <nav aria-label="Main" className="topnav">
              <NavLink to="/chats">Chats</NavLink>
              <NavLink to="/settings">Settings</NavLink>
            </nav>
            <div className="topbar-end">
              <UsageMeter />
              {user && (
                <span className="user-chip" title={user.email || user.login}>
                  {user.avatar_url ? (
                    <img src={user.avatar_url} alt="" width="24" height="24" className="avatar" />
                  ) : (
                    <span className="avatar placeholder" aria-hidden="true">
                      {user.login.slice(0, 1).toUpperCase()}
                    </span>
                  )}
                  <span className="user-login">{user.login}</span>
                </span>
              )}
              <button type="button" className="btn ghost small" onClick={onSignOut} disabled={signingOut}>
                Sign out
              </button>
            </div>
          </header>
          <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
            <Outlet />
          </main>
        </div>
      </UsageContext.Provider>
    </PreferencesContext.Provider>
  );
}
