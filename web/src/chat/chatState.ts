// The state of one open conversation and how stream events change it. Pure,
// so the streaming behaviour is unit-tested without a network.
import type { Artifact, Message, MessageStatus, StreamEvent } from '../api/types';
import type { LiveArtifact } from '../artifacts/liveArtifact';

export interface UIMessage extends Message {
  /** Not yet acknowledged by the server (optimistic). */
  local?: boolean;
  /** Identifiers of artifacts this message produced. */
  artifacts: string[];
}

export type Banner =
  | { kind: 'quota'; message: string; limit?: number; used?: number; resetsAt?: string }
  | { kind: 'error'; code: string; message: string; retryable: boolean }
  | { kind: 'info'; message: string };

export type Phase = 'loading' | 'idle' | 'sending' | 'streaming' | 'reconnecting' | 'stopping';

export interface ChatState {
  phase: Phase;
  loadError: string | null;
  messages: UIMessage[];
  artifacts: Record<string, LiveArtifact>;
  /** Identifiers in the order they first appeared. */
  artifactOrder: string[];
  streamingMessageId: string | null;
  banner: Banner | null;
  panel: { open: boolean; identifier: string | null };
}

export const initialChatState: ChatState = {
  phase: 'loading',
  loadError: null,
  messages: [],
  artifacts: {},
  artifactOrder: [],
  streamingMessageId: null,
  banner: null,
  panel: { open: false, identifier: null },
};

export type ChatAction =
  | { type: 'load_start' }
  | { type: 'load_failed'; message: string }
  | { type: 'loaded'; messages: Message[]; artifacts: Artifact[]; keepPanel?: boolean }
  | { type: 'send_start'; content: string; userTempId: string; assistantTempId: string; now: string }
  | { type: 'regenerate_start'; messageId: string; assistantTempId: string; now: string }
  | { type: 'send_failed'; userTempId: string; assistantTempId: string }
  | { type: 'resume_start' }
  | { type: 'event'; event: StreamEvent }
  | { type: 'reconnecting' }
  | { type: 'reconnected' }
  | { type: 'stop_requested' }
  | { type: 'stream_ended'; finished: boolean }
  | { type: 'truncate_from'; messageId: string }
  | { type: 'banner'; banner: Banner | null }
  | { type: 'open_artifact'; identifier: string }
  | { type: 'close_panel' };

function artifactFromApi(a: Artifact): LiveArtifact {
  return {
    identifier: a.identifier,
    type: a.type,
    title: a.title,
    language: a.language,
    version: a.version,
    content: a.content,
    id: a.id,
    messageId: a.message_id,
    streaming: false,
  };
}

function updateMessage(messages: UIMessage[], id: string | null, f: (m: UIMessage) => UIMessage): UIMessage[] {
  if (!id) return messages;
  return messages.map((m) => (m.id === id ? f(m) : m));
}

function isActive(phase: Phase): boolean {
  return phase === 'sending' || phase === 'streaming' || phase === 'reconnecting' || phase === 'stopping';
}

function applyEvent(state: ChatState, ev: StreamEvent): ChatState {
  switch (ev.type) {
    case 'message_start': {
      const d = ev.data;
      let messages = state.messages;
      const local = messages.find((m) => m.local && m.role === 'assistant' && m.status === 'streaming');
      if (local) {
        const localUser = [...messages].reverse().find((m) => m.local && m.role === 'user');
        messages = messages.map((m) => {
          if (m === local) return { ...m, id: d.assistant_message_id, model: d.model, content: '', local: false };
          if (m === localUser) return { ...m, id: d.user_message_id, local: false };
          return m;
        });
      } else if (messages.some((m) => m.id === d.assistant_message_id)) {
        // Resuming from the start: the replay rebuilds the text from nothing.
        messages = updateMessage(messages, d.assistant_message_id, (m) => ({
          ...m,
          content: '',
          status: 'streaming',
          model: d.model,
        }));
      } else {
        messages = [
          ...messages,
          {
            id: d.assistant_message_id,
            parent_id: d.user_message_id,
            role: 'assistant',
            content: '',
            status: 'streaming',
            model: d.model,
            input_tokens: 0,
            output_tokens: 0,
            created_at: new Date().toISOString(),
            artifacts: [],
          },
        ];
      }
      return {
        ...state,
        messages,
        streamingMessageId: d.assistant_message_id,
        phase: state.phase === 'stopping' ? 'stopping' : 'streaming',
      };
    }
    case 'delta':
      return {
        ...state,
        phase: state.phase === 'sending' ? 'streaming' : state.phase,
        messages: updateMessage(state.messages, state.streamingMessageId, (m) => ({
          ...m,
          content: m.content + ev.data.text,
        })),
      };
    case 'artifact_start': {
      const d = ev.data;
      const artifact: LiveArtifact = {
        identifier: d.identifier,
        type: d.type,
        title: d.title,
        language: d.language ?? '',
        version: d.version,
        content: '',
        id: null,
        messageId: state.streamingMessageId,
        streaming: true,
      };
      const order = state.artifactOrder.includes(d.identifier)
        ? state.artifactOrder
        : [...state.artifactOrder, d.identifier];
      return {
        ...state,
        artifacts: { ...state.artifacts, [d.identifier]: artifact },
        artifactOrder: order,
        messages: updateMessage(state.messages, state.streamingMessageId, (m) =>
          m.artifacts.includes(d.identifier) ? m : { ...m, artifacts: [...m.artifacts, d.identifier] },
        ),
        // The panel opens the moment an artifact starts, so it fills in live.
        panel: { open: true, identifier: d.identifier },
      };
    }
    case 'artifact_delta': {
      const a = state.artifacts[ev.data.identifier];
      if (!a) return state;
      return {
        ...state,
        artifacts: { ...state.artifacts, [a.identifier]: { ...a, content: a.content + ev.data.text } },
      };
    }
    case 'artifact_end': {
      const a = state.artifacts[ev.data.identifier];
      if (!a) return state;
      return {
        ...state,
        artifacts: {
          ...state.artifacts,
          [a.identifier]: { ...a, id: ev.data.id, version: ev.data.version, streaming: false },
        },
      };
    }
    case 'usage':
      return {
        ...state,
        messages: updateMessage(state.messages, state.streamingMessageId, (m) => ({
          ...m,
          input_tokens: ev.data.input_tokens,
          output_tokens: ev.data.output_tokens,
        })),
      };
    case 'error':
      return {
        ...state,
        banner: { kind: 'error', code: ev.data.code, message: ev.data.message || 'The reply failed.', retryable: true },
        messages: updateMessage(state.messages, state.streamingMessageId, (m) => ({ ...m, status: 'error' })),
      };
    case 'done': {
      const status: MessageStatus = ev.data.status;
      const artifacts = { ...state.artifacts };
      // An artifact cut off by stop/error stays as far as it got.
      for (const k of Object.keys(artifacts))
        if (artifacts[k].streaming) artifacts[k] = { ...artifacts[k], streaming: false };
      return {
        ...state,
        phase: 'idle',
        artifacts,
        messages: updateMessage(state.messages, state.streamingMessageId, (m) => ({ ...m, status })),
        streamingMessageId: null,
      };
    }
  }
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'load_start':
      return { ...initialChatState };
    case 'load_failed':
      return { ...state, phase: 'idle', loadError: action.message };
    case 'loaded': {
      // A settle-up fetched after one reply must not wipe a newer reply
      // that started meanwhile; the next settle-up covers it.
      if (action.keepPanel && isActive(state.phase)) return state;
      const artifacts: Record<string, LiveArtifact> = {};
      const order: string[] = [];
      for (const a of action.artifacts) {
        artifacts[a.identifier] = artifactFromApi(a);
        order.push(a.identifier);
      }
      const byMessage = new Map<string, string[]>();
      for (const a of action.artifacts) {
        const list = byMessage.get(a.message_id) ?? [];
        list.push(a.identifier);
        byMessage.set(a.message_id, list);
      }
      const messages = action.messages.map((m) => ({ ...m, artifacts: byMessage.get(m.id) ?? [] }));
      const panel =
        action.keepPanel && state.panel.identifier && artifacts[state.panel.identifier]
          ? state.panel
          : { open: false, identifier: null };
      return {
        ...state,
        phase: 'idle',
        loadError: null,
        messages,
        artifacts,
        artifactOrder: order,
        panel,
      };
    }
    case 'send_start':
      return {
        ...state,
        phase: 'sending',
        banner: null,
        streamingMessageId: action.assistantTempId,
        messages: [
          ...state.messages,
          {
            id: action.userTempId,
            parent_id: null,
            role: 'user',
            content: action.content,
            status: 'complete',
            model: '',
            input_tokens: 0,
            output_tokens: 0,
            created_at: action.now,
            local: true,
            artifacts: [],
          },
          {
            id: action.assistantTempId,
            parent_id: action.userTempId,
            role: 'assistant',
            content: '',
            status: 'streaming',
            model: '',
            input_tokens: 0,
            output_tokens: 0,
            created_at: action.now,
            local: true,
            artifacts: [],
          },
        ],
      };
    case 'regenerate_start': {
      // The answer being replaced stays on the server as a sibling; the
      // view shows the new one in its place until the reload settles it.
      const cut = chatReducer(state, { type: 'truncate_from', messageId: action.messageId });
      return {
        ...cut,
        phase: 'sending',
        streamingMessageId: action.assistantTempId,
        messages: [
          ...cut.messages,
          {
            id: action.assistantTempId,
            parent_id: null,
            role: 'assistant',
            content: '',
            status: 'streaming',
            model: '',
            input_tokens: 0,
            output_tokens: 0,
            created_at: action.now,
            local: true,
            artifacts: [],
          },
        ],
      };
    }
    case 'send_failed':
      return {
        ...state,
        phase: 'idle',
        streamingMessageId: null,
        messages: state.messages.filter((m) => m.id !== action.userTempId && m.id !== action.assistantTempId),
      };
    case 'resume_start': {
      const last = state.messages[state.messages.length - 1];
      return {
        ...state,
        phase: 'streaming',
        streamingMessageId: last && last.role === 'assistant' ? last.id : null,
      };
    }
    case 'event':
      return applyEvent(state, action.event);
    case 'reconnecting':
      return isActive(state.phase) ? { ...state, phase: 'reconnecting' } : state;
    case 'reconnected':
      return state.phase === 'reconnecting' ? { ...state, phase: 'streaming' } : state;
    case 'stop_requested':
      return isActive(state.phase) ? { ...state, phase: 'stopping' } : state;
    case 'stream_ended': {
      if (action.finished || !isActive(state.phase)) return state;
      // Gave up reconnecting: the reply is whatever arrived.
      return {
        ...state,
        phase: 'idle',
        streamingMessageId: null,
        messages: updateMessage(state.messages, state.streamingMessageId, (m) =>
          m.status === 'streaming' ? { ...m, status: 'interrupted' } : m,
        ),
        banner: {
          kind: 'error',
          code: 'connection_lost',
          message: 'The connection was lost and the reply could not be resumed.',
          retryable: true,
        },
      };
    }
    case 'truncate_from': {
      const i = state.messages.findIndex((m) => m.id === action.messageId);
      if (i < 0) return state;
      const kept = state.messages.slice(0, i);
      const keptIds = new Set(kept.map((m) => m.id));
      const artifacts: Record<string, LiveArtifact> = {};
      for (const [k, a] of Object.entries(state.artifacts))
        if (a.messageId && keptIds.has(a.messageId)) artifacts[k] = a;
      const order = state.artifactOrder.filter((k) => artifacts[k]);
      const panel =
        state.panel.identifier && artifacts[state.panel.identifier] ? state.panel : { open: false, identifier: null };
      return { ...state, messages: kept, artifacts, artifactOrder: order, panel, banner: null };
    }
    case 'banner':
      return { ...state, banner: action.banner };
    case 'open_artifact':
      return state.artifacts[action.identifier]
        ? { ...state, panel: { open: true, identifier: action.identifier } }
        : state;
    case 'close_panel':
      return { ...state, panel: { ...state.panel, open: false } };
  }
}

export function isStreaming(state: ChatState): boolean {
  return isActive(state.phase);
}
