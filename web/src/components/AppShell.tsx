import { startTransition, useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { describeError } from '../api/client';
import { preferencesApi, usageApi } from '../api/endpoints';
import type { Preferences, Usage } from '../api/types';
import { useAuth } from './AuthContext';
import { applyTheme } from '../theme/theme';
import { DrawerContext, PreferencesContext, UsageContext } from './AppContexts';
import { AccountMenu } from './AccountMenu';
import { ShortcutsSheet } from './ShortcutsSheet';
import { useShortcuts } from './shortcuts';
import { IconMenu, Logo } from './icons';

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
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  // Tokens of replies still streaming, by message, until a refresh counts them.
  const [live, setLive] = useState<Record<string, number>>({});

  const setPreferences = useCallback((p: Preferences) => {
    setPreferencesState(p);
    applyTheme(p.theme);
  }, []);

  useEffect(() => {
    preferencesApi
      .get()
      // Data arriving renders as a transition: in slices that yield to the
      // browser, not one long task on a slow phone.
      .then((p) => startTransition(() => setPreferences(p)))
      .catch(() => undefined); // defaults stay in force; settings shows the error
  }, [setPreferences]);

  const refreshUsage = useCallback(() => {
    usageApi
      .get()
      .then((u) =>
        startTransition(() => {
          setUsage(u);
          setLive({});
          setUsageError(null);
        }),
      )
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
  const track = useCallback((messageId: string, tokens: number) => {
    setLive((cur) => (cur[messageId] === tokens ? cur : { ...cur, [messageId]: tokens }));
  }, []);
  const shownUsage = useMemo(() => {
    const ids = Object.keys(live);
    if (!usage || ids.length === 0) return usage;
    const tokens = ids.reduce((sum, id) => sum + live[id], 0);
    return {
      ...usage,
      today: {
        ...usage.today,
        api_calls: usage.today.api_calls + ids.length,
        tokens_used: usage.today.tokens_used + tokens,
      },
    };
  }, [usage, live]);
  const usageValue = useMemo(
    () => ({ usage: shownUsage, error: usageError, refresh: refreshUsage, track }),
    [shownUsage, usageError, refreshUsage, track],
  );
  const drawerValue = useMemo(() => ({ open: drawerOpen, setOpen: setDrawerOpen }), [drawerOpen]);
  const inChats = section === 'chats';

  useShortcuts({
    'new-chat': () => {
      setDrawerOpen(false);
      navigate('/chats');
    },
    search: () => {
      setDrawerOpen(true);
      const box = document.getElementById('chat-search');
      if (box) box.focus();
      else navigate('/chats', { state: { focusSearch: true } });
    },
    help: () => setHelpOpen(true),
  });

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
        <DrawerContext.Provider value={drawerValue}>
          <div className="app">
            <a className="skip-link" href="#main">
              Skip to content
            </a>
            <header className="topbar">
              {inChats && (
                <button
                  type="button"
                  className="icon-button drawer-toggle"
                  aria-label="Chat list"
                  aria-expanded={drawerOpen}
                  aria-controls="chat-drawer"
                  onClick={() => setDrawerOpen(!drawerOpen)}
                >
                  <IconMenu />
                </button>
              )}
              <NavLink to="/chats" className="brand" aria-label="ArchStudio home">
                <Logo size={26} />
                <span>ArchStudio</span>
              </NavLink>
              <nav aria-label="Main" className="topnav">
                <NavLink to="/chats">Chats</NavLink>
                <NavLink to="/settings">Settings</NavLink>
              </nav>
              <div className="topbar-end">
                {user && (
                  <AccountMenu
                    user={user}
                    signingOut={signingOut}
                    onSignOut={onSignOut}
                    onShortcuts={() => setHelpOpen(true)}
                  />
                )}
              </div>
            </header>
            <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
              <Outlet />
            </main>
            <ShortcutsSheet open={helpOpen} onClose={() => setHelpOpen(false)} />
          </div>
        </DrawerContext.Provider>
      </UsageContext.Provider>
    </PreferencesContext.Provider>
  );
}
