import { startTransition, useEffect, useState } from 'react';
import { preferencesApi } from '../api/endpoints';
import type { ModelChoices } from '../api/types';

// One request per page load: the list only changes with a deployment.
let pending: Promise<ModelChoices> | null = null;

/** The models a user may pick (null until known, or when they could not be loaded). */
export function useModelChoices(): ModelChoices | null {
  const [choices, setChoices] = useState<ModelChoices | null>(null);
  useEffect(() => {
    let live = true;
    pending ??= preferencesApi.models().catch((e: unknown) => {
      pending = null;
      throw e;
    });
    pending
      .then((c) => {
        if (live) startTransition(() => setChoices(c));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return choices;
}

/** The models to list: the allowed ones, plus the current choice if it is no longer among them. */
export function modelOptions(choices: ModelChoices | null, current: string): string[] {
  const list = choices?.models ?? [];
  return current && !list.includes(current) ? [...list, current] : list;
}
