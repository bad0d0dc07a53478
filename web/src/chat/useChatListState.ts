import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import { chatsApi } from '../api/endpoints';
import type { Chat } from '../api/types';
import type { ChatListValue } from './ChatListContext';

const byActivity = (a: Chat, b: Chat) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0);

export function useChatListState(): ChatListValue {
  const [chats, setChats] = useState<Chat[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  // The first page is loading until the list for the current query (and
  // reload generation) has answered; "more" pages load on request.
  const [answered, setAnswered] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [query, setQueryState] = useState('');
  const [debounced, setDebounced] = useState('');
  const [generation, setGeneration] = useState(0);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 250);
    return () => clearTimeout(t);
  }, [query]);

  const listKey = `${generation}:${debounced}`;
  useEffect(() => {
    abortRef.current?.abort();
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    chatsApi
      .list({ q: debounced || undefined }, ctrl.signal)
      .then((page) => {
        // A slower answer to an older query must not replace a newer one.
        if (ctrl.signal.aborted) return;
        startTransition(() => {
          setChats(page.chats);
          setCursor(page.next_cursor);
          setError(null);
        });
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(describeError(e));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setAnswered(listKey);
      });
    return () => ctrl.abort();
  }, [debounced, listKey]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    setLoadingMore(true);
    chatsApi
      .list({ q: debounced || undefined, cursor }, ctrl.signal)
      .then((page) => {
        if (ctrl.signal.aborted) return;
        setChats((prev) => {
          const seen = new Set(prev.map((c) => c.id));
          return [...prev, ...page.chats.filter((c) => !seen.has(c.id))];
        });
        setCursor(page.next_cursor);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(describeError(e));
      })
      .finally(() => setLoadingMore(false));
  }, [cursor, debounced]);

  const upsert = useCallback((chat: Chat) => {
    setChats((prev) => {
      const rest = prev.filter((c) => c.id !== chat.id);
      return [chat, ...rest].sort(byActivity);
    });
  }, []);

  const remove = useCallback((id: string) => setChats((prev) => prev.filter((c) => c.id !== id)), []);

  return {
    chats,
    loading: answered !== listKey || loadingMore,
    error,
    query,
    setQuery: setQueryState,
    hasMore: cursor !== null,
    loadMore,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
    upsert,
    remove,
  };
}
