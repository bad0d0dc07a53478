import { startTransition, useCallback, useEffect, useLayoutEffect, useReducer, useRef } from 'react';
import { ApiError, describeError } from '../api/client';
import { artifactsApi, chatsApi } from '../api/endpoints';
import { resumeEvents, sendMessage, type SendBody, type StreamOptions, type StreamResult } from '../api/stream';
import type { Message, StreamEvent } from '../api/types';
import { branchArtifacts } from './branchArtifacts';
import { chatReducer, initialChatState, isStreaming, type Banner, type ChatState } from './chatState';

export interface ChatSession {
  state: ChatState;
  /** Resolves false when the message was not taken (so the composer keeps it). */
  send: (content: string, attachmentIds?: string[]) => Promise<boolean>;
  stop: () => Promise<void>;
  /** Another answer to the last question; the one shown is kept as a sibling. */
  regenerate: () => Promise<void>;
  /** Sends content in place of an earlier message, kept as a sibling. */
  editAndResend: (messageId: string, content: string) => Promise<void>;
  /** Shows the branch through a sibling (the ‹ 2/3 › control); stored server-side. */
  selectBranch: (messageId: string) => Promise<void>;
  openArtifact: (identifier: string) => void;
  closePanel: () => void;
  dismissBanner: () => void;
}

/** Whether the last message is a reply still being generated (after a reload mid-stream). */
function resuming(messages: Message[]): boolean {
  const last = messages[messages.length - 1];
  return last?.role === 'assistant' && last.status === 'streaming';
}

/** A new reply (or a branch switch) may begin: nothing streams or loads. */
const canStart = (s: ChatState) => !isStreaming(s) && s.phase !== 'loading';

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

  // initial: the chat's first load, rendered as a transition (every
  // message's markdown at once is the longest task of opening a chat), with
  // a reply still being generated marked as resuming in the same render.
  const sync = useCallback(async (id: string, keepPanel: boolean, signal: AbortSignal, initial = false) => {
    const [messages, latest] = await Promise.all([
      chatsApi.allMessages(id, signal),
      artifactsApi.list(id, signal).then((r) => r.artifacts),
    ]);
    const artifacts = await branchArtifacts(id, messages, latest, signal);
    // Aborted: this chat was left (or a newer stream took over) meanwhile.
    if (signal.aborted) return null;
    if (!initial) {
      dispatch({ type: 'loaded', messages, artifacts, keepPanel });
      return messages;
    }
    startTransition(() => {
      dispatch({ type: 'loaded', messages, artifacts, keepPanel });
      if (resuming(messages)) dispatch({ type: 'resume_start' });
    });
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
    sync(chatId, false, ctrl.signal, true)
      .then((messages) => {
        if (!messages || ctrl.signal.aborted) return;
        if (resuming(messages)) {
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

  // start sends body and follows the reply; the optimistic messages are
  // already in place. A refused edit or regenerate reloads the branch the
  // server still shows.
  const start = useCallback(
    async (body: SendBody, userTempId: string, assistantTempId: string): Promise<boolean> => {
      let started = false;
      try {
        await follow(chatId, (opts) =>
          sendMessage(chatId, body, {
            ...opts,
            onEvent: (ev) => {
              if (!started) latest.current.callbacks.onReplyStarted?.();
              started = true;
              opts.onEvent(ev);
            },
          }),
        );
        return true;
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') return true;
        if (!started) dispatch({ type: 'send_failed', userTempId, assistantTempId });
        else dispatch({ type: 'stream_ended', finished: false });
        if (!started && (body.edit_of || body.regenerate_of)) {
          await sync(chatId, false, new AbortController().signal).catch(() => undefined);
        }
        dispatch({ type: 'banner', banner: bannerFromError(e) });
        // Usage may have moved even though this failed (or it was the quota).
        latest.current.callbacks.onReplyFinished?.();
        return started;
      }
    },
    [chatId, follow, sync],
  );

  const send = useCallback(
    async (content: string, attachmentIds: string[] = []): Promise<boolean> => {
      const text = content.trim();
      if (!text || !canStart(latest.current.state)) return false;
      const userTempId = tempId('user');
      const assistantTempId = tempId('assistant');
      dispatch({ type: 'send_start', content: text, userTempId, assistantTempId, now: new Date().toISOString() });
      const body: SendBody = attachmentIds.length
        ? { content: text, attachment_ids: attachmentIds }
        : { content: text };
      return start(body, userTempId, assistantTempId);
    },
    [start],
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

  // Regenerate asks for another answer to the question of the last answer
  // shown; the server keeps the old one as its sibling.
  const regenerate = useCallback(async () => {
    const msgs = latest.current.state.messages;
    const answer = msgs[msgs.length - 1];
    if (!answer || answer.role !== 'assistant' || answer.local || !canStart(latest.current.state)) return;
    const assistantTempId = tempId('assistant');
    dispatch({ type: 'regenerate_start', messageId: answer.id, assistantTempId, now: new Date().toISOString() });
    await start({ regenerate_of: answer.id }, '', assistantTempId);
  }, [start]);

  const editAndResend = useCallback(
    async (messageId: string, content: string) => {
      const text = content.trim();
      if (!text || !canStart(latest.current.state)) return;
      const userTempId = tempId('user');
      const assistantTempId = tempId('assistant');
      dispatch({ type: 'truncate_from', messageId });
      dispatch({ type: 'send_start', content: text, userTempId, assistantTempId, now: new Date().toISOString() });
      await start({ content: text, edit_of: messageId }, userTempId, assistantTempId);
    },
    [start],
  );

  const selectBranch = useCallback(
    async (messageId: string) => {
      if (!canStart(latest.current.state)) return;
      try {
        await chatsApi.selectBranch(chatId, messageId);
        await sync(chatId, true, new AbortController().signal);
      } catch (e) {
        dispatch({ type: 'banner', banner: bannerFromError(e) });
      }
    },
    [chatId, sync],
  );

  return {
    state,
    send,
    stop,
    regenerate,
    editAndResend,
    selectBranch,
    openArtifact: useCallback((identifier: string) => dispatch({ type: 'open_artifact', identifier }), []),
    closePanel: useCallback(() => dispatch({ type: 'close_panel' }), []),
    dismissBanner: useCallback(() => dispatch({ type: 'banner', banner: null }), []),
  };
}
