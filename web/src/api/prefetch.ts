// Requests started before React has mounted, handed to the first apiFetch
// that asks for the same GET. Without them a page's data waits on a
// waterfall: the entry script, then the session check, then the page's
// chunk, then its render, and only then its requests; on a slow phone
// each step is a round trip.

interface Entry {
  response: Promise<Response>;
  uses: number;
}

const entries = new Map<string, Entry>();

/** Headers every JSON GET sends (the server varies nothing else on them). */
export const jsonGetHeaders = { Accept: 'application/json' } as const;

// An answer nobody asked for in this long is dropped, so a later request
// (a refresh) never gets stale data.
const unclaimedMs = 15_000;

/**
 * Starts GET path now for the next `uses` apiFetch calls of the same path.
 * Returns a copy of the response (for a caller that chains on it).
 */
export function prefetch(path: string, uses = 1): Promise<Response> {
  const existing = entries.get(path);
  if (existing) return existing.response.then((r) => r.clone());
  const response = fetch(path, { headers: jsonGetHeaders, credentials: 'same-origin' });
  const entry = { response, uses };
  entries.set(path, entry);
  const drop = () => {
    if (entries.get(path) === entry) entries.delete(path);
  };
  // A failed prefetch is dropped at once: the caller then fetches itself,
  // and reports the error as it would have.
  response.then(() => setTimeout(drop, unclaimedMs), drop);
  return response.then((r) => r.clone());
}

/**
 * The prefetched response for path, if there is one, claimed by this
 * caller; each claimant gets its own copy of the body.
 */
export function takePrefetched(path: string): Promise<Response> | null {
  const entry = entries.get(path);
  if (!entry) return null;
  entry.uses -= 1;
  if (entry.uses <= 0) entries.delete(path);
  return entry.response.then((r) => r.clone());
}

/** Forgets every prefetch (tests). */
export function clearPrefetched(): void {
  entries.clear();
}
