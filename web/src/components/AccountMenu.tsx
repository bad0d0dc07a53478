import { useEffect, useId, useRef, useState } from 'react';
import type { User } from '../api/types';
import { UsageMeter } from './UsageMeter';

interface Props {
  user: User;
  signingOut: boolean;
  onSignOut: () => void;
  onShortcuts: () => void;
}

/**
 * The account button at the end of the top bar and what it discloses:
 * today's usage, the shortcuts sheet and sign-out. Folding them here keeps
 * the top bar to one row down to 320 px.
 */
export function AccountMenu({ user, signingOut, onSignOut, onShortcuts }: Props) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // Closes on a click elsewhere and on Esc (focus back on the button).
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="account" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="account-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        title={user.email || user.login}
      >
        {user.avatar_url ? (
          <img src={user.avatar_url} alt="" width="24" height="24" className="avatar" />
        ) : (
          <span className="avatar placeholder" aria-hidden="true">
            {user.login.slice(0, 1).toUpperCase()}
          </span>
        )}
        <span className="user-login">{user.login}</span>
        <span className="visually-hidden">: account and usage</span>
      </button>
      <div id={panelId} className="account-panel" hidden={!open}>
        <p className="account-name">
          <strong>{user.login}</strong>
          {user.email && <span className="muted small">{user.email}</span>}
        </p>
        <UsageMeter />
        <div className="account-actions">
          <button
            type="button"
            className="btn ghost small"
            onClick={() => {
              setOpen(false);
              onShortcuts();
            }}
          >
            Keyboard shortcuts
          </button>
          <button type="button" className="btn small" onClick={onSignOut} disabled={signingOut}>
            Sign out
          </button>
        </div>
      </div>
    </div>
  );
}
