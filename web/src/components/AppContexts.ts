import { createContext, useContext } from 'react';
import type { Preferences, Usage } from '../api/types';

export interface PreferencesContextValue {
  preferences: Preferences | null;
  setPreferences: (p: Preferences) => void;
}
export const PreferencesContext = createContext<PreferencesContextValue>({
  preferences: null,
  setPreferences: () => undefined,
});
export const usePreferences = () => useContext(PreferencesContext);

export interface UsageContextValue {
  usage: Usage | null;
  error: string | null;
  refresh: () => void;
  /** A reply's running token count (its `usage` events), shown until the next refresh settles it. */
  track: (messageId: string, tokens: number) => void;
}
export const UsageContext = createContext<UsageContextValue>({
  usage: null,
  error: null,
  refresh: () => undefined,
  track: () => undefined,
});
export const useUsage = () => useContext(UsageContext);

/** The chat list as a drawer on narrow screens: the top bar's menu button opens it. */
export interface DrawerContextValue {
  open: boolean;
  setOpen: (open: boolean) => void;
}
export const DrawerContext = createContext<DrawerContextValue>({ open: false, setOpen: () => undefined });
export const useDrawer = () => useContext(DrawerContext);
