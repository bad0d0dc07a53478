import { useCallback, useEffect, useLayoutEffect, useReducer, useRef } from 'react';
import { ApiError, describeError } from '../api/client';
import { artifactsApi, chatsApi } from '../api/endpoints';
import { resumeEvents, sendMessage, type StreamOptions, type StreamResult } from '../api/stream';
import type { StreamEvent } from '../api/types';
import { chatReducer, initialChatState, isStreaming, type Banner, type ChatState } from './chatState';

export interface ChatSession {
  state: ChatState;
  /** Resolves false when the message was not taken (so the composer keeps it). */
  send: (content: string, attachmentIds?: string[]) => Promise<boolean>;
  stop: () => Promise<void>;
  regenerate: () => Promise<void>;
  editAndResend: (messageId: string, content: string) => Promise<void>;
  openArtifact: (identifier: string) => void;
  closePanel: () => void;
  dismissBanner: () => void;
}

let tempCounter = 0;
const tempId = (kind: string) => `local-${kind}-${Date.now()}-${++tempCounter}`;

export function bannerFromError(e: unknown): Banner {
  if (e instanceof ApiError && e.isQuotaExceeded) {
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    return {
      kind: 'quota',
      message: e.message,
      limit: num(e.details.limit),
      used: num(e.details.used),
      resetsAt: typeof e.details.resets_at === 'string' ? e.details.resets_at : undefined,
    };
  }
  if (e instanceof ApiError) {
    return { kind: 'error', code: e.code, message: e.message, retryable: e.status >= 500 || e.status === 429 };
  }
  return { kind: 'error', code: 'network', message: describeError(e), retryable: true };
}

interface Callbacks {
  /** Called after a reply finished (refresh usage and the chat list). */
  onReplyFinished?: () => void;
  /** The server accepted a message (its first event arrived): the chat may have just been titled. */
  onReplyStarted?: () => void;
  /** Sees every event of a reply as it streams (voice speaks it). */
  onStreamEvent?: (event: StreamEvent) => void;
}

export function useChatSession(chatId: string, callbacks: Callbacks = {}): ChatSession {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const streamAbort = useRef<AbortController | null>(null);
  // The handlers below check the latest state and call the latest callbacks
  // without being made anew on every streamed token (MessageItem is memoised
  // on them). The ref is written once React has committed, never in render.
  const latest = useRef({ state, callbacks });
  useLayoutEffect(() => {
    latest.current = { state, callbacks };
  });

  const sync = useCallback(async (id: string, keepPanel: boolean, signal: AbortSignal) => {
    const [messages, artifacts] = await Promise.all([
      chatsApi.allMessages(id, signal),
      artifactsApi.list(id, signal).then((r) => r.artifacts),
    ]);
    // Aborted: this chat was left (or a newer stream took over) meanwhile.
    if (signal.aborted) return null;
    dispatch({ type: 'loaded', messages, artifacts, keepPanel });
    return messages;
  }, []);

  const follow = useCallback(
    async (id: string, start: (opts: StreamOptions) => Promise<StreamResult>) => {
      streamAbort.current?.abort();
      const ctrl = new AbortController();
      streamAbort.current = ctrl;
      const result = await start({
        signal: ctrl.signal,
        onEvent: (event: StreamEvent) => {
          if (ctrl.signal.aborted) return;
          dispatch({ type: 'event', event });
          latest.current.callbacks.onStreamEvent?.(event);
        },
        onReconnecting: () => dispatch({ type: 'reconnecting' }),
        onReconnected: () => dispatch({ type: 'reconnected' }),
      });
      if (ctrl.signal.aborted) return;
      dispatch({ type: 'stream_ended', finished: result.finished });
      if (streamAbort.current === ctrl) streamAbort.current = null;
      latest.current.callbacks.onReplyFinished?.();
      // Settle on the stored truth (final ids, token counts, artifact versions).
      await sync(id, true, ctrl.signal).catch(() => undefined);
    },
    [sync],
  );

  // Load the conversation; resume a reply that is still being generated
  // (e.g. after a reload mid-stream).
  useEffect(() => {
    const ctrl = new AbortController();
    dispatch({ type: 'load_start' });
    sync(chatId, false, ctrl.signal)
      .then((messages) => {
        if (!messages || ctrl.signal.aborted) return;
        const last = messages[messages.length - 1];
        if (last?.role === 'assistant' && last.status === 'streaming') {
          dispatch({ type: 'resume_start' });
          follow(chatId, (opts) => resumeEvents(chatId, '', opts)).catch((e: unknown) => {
            if (ctrl.signal.aborted) return;
            dispatch({ type: 'stream_ended', finished: false });
            dispatch({ type: 'banner', banner: bannerFromError(e) });
          });
        }
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        dispatch({
          type: 'load_failed',
          message: e instanceof ApiError && e.status === 404 ? 'not_found' : describeError(e),
        });
      });
    return () => {
      ctrl.abort();
      streamAbort.current?.abort();
      streamAbort.current = null;
    };
  }, [chatId, sync, follow]);

  const send = useCallback(
    async (content: string, attachmentIds: string[] = []): Promise<boolean> => {
      const text = content.trim();
      const current = latest.current.state;
      if (!text || isStreaming(current) || current.phase === 'loading') return false;
      const userTempId = tempId('user');
      const assistantTempId = tempId('assistant');
      dispatch({ type: 'send_start', content: text, userTempId, assistantTempId, now: new Date().toISOString() });
      let started = false;
      try {
        await follow(chatId, (opts) =>
          sendMessage(
            chatId,
            text,
            {
              ...opts,
              onEvent: (ev) => {
                if (!started) latest.current.callbacks.onReplyStarted?.();
                started = true;
                opts.onEvent(ev);
              },
            },
            attachmentIds,
          ),
        );
        return true;
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') return true;
        if (!started) dispatch({ type: 'send_failed', userTempId, assistantTempId });
        else dispatch({ type: 'stream_ended', finished: false });
        dispatch({ type: 'banner', banner: bannerFromError(e) });
        // Usage may have moved even though this failed (or it was the quota).
        latest.current.callbacks.onReplyFinished?.();
        return started;
      }
    },
    [chatId, follow],
  );

  const stop = useCallback(async () => {
    if (!isStreaming(latest.current.state)) return;
    dispatch({ type: 'stop_requested' });
    try {
      await chatsApi.stop(chatId);
    } catch (e) {
      dispatch({ type: 'banner', banner: bannerFromError(e) });
    }
  }, [chatId]);

  const resendFrom = useCallback(
    async (messageId: string, content: string) => {
      if (isStreaming(latest.current.state)) return;
      try {
        await chatsApi.deleteFrom(chatId, messageId);
      } catch (e) {
        dispatch({ type: 'banner', banner: bannerFromError(e) });
        return;
      }
      dispatch({ type: 'truncate_from', messageId });
      await send(content);
    },
    [chatId, send],
  );

  // Regenerate deletes the last exchange from its user message (which takes
  // the last assistant reply with it) and sends the same words again, so the
  // history does not end up with the question twice.
  const regenerate = useCallback(async () => {
    const msgs = latest.current.state.messages;
    const lastUser = [...msgs].reverse().find((m) => m.role === 'user' && !m.local);
    if (!lastUser) return;
    await resendFrom(lastUser.id, lastUser.content);
  }, [resendFrom]);

  const editAndResend = useCallback(
    async (messageId: string, content: string) => {
      if (!content.trim()) return;
      await resendFrom(messageId, content);
    },
    [resendFrom],
  );

  return {
    state,
    send,
    stop,
    regenerate,
    editAndResend,
    openArtifact: useCallback((identifier: string) => dispatch({ type: 'open_artifact', identifier }), []),
    closePanel: useCallback(() => dispatch({ type: 'close_panel' }), []),
    dismissBanner: useCallback(() => dispatch({ type: 'banner', banner: null }), []),
  };
}
