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
}
export const UsageContext = createContext<UsageContextValue>({ usage: null, error: null, refresh: () => undefined });
export const useUsage = () => useContext(UsageContext);
