// Wire types of the ArchStudio HTTP API (notes/API.md).

export interface Limits {
  daily_calls: number;
  daily_tokens: number;
}

export interface User {
  id: string;
  login: string;
  avatar_url: string;
  email: string;
  scopes: string[];
  limits: Limits;
}

export interface Providers {
  github: boolean;
  dev: boolean;
}

export interface AuthSession {
  id: string;
  created_at: string;
  last_seen_at: string;
  user_agent: string;
  current: boolean;
}

export interface Chat {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'error' | 'interrupted';

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  model: string;
  input_tokens: number;
  output_tokens: number;
  created_at: string;
}

export type ArtifactType =
  | 'application/vnd.ant.code'
  | 'text/markdown'
  | 'text/html'
  | 'image/svg+xml'
  | 'application/vnd.ant.mermaid'
  | 'application/vnd.ant.react';

export interface Artifact {
  id: string;
  chat_id: string;
  message_id: string;
  identifier: string;
  type: ArtifactType | string;
  language: string;
  title: string;
  content: string;
  version: number;
  created_at: string;
}

export type Theme = 'system' | 'light' | 'dark';
export type InputMode = 'keyboard' | 'push_to_talk' | 'hands_free';
export type VoiceProvider = 'auto' | 'browser' | 'server';

export interface Preferences {
  schema_version: number;
  theme: Theme;
  model: string;
  voice: {
    input_mode: InputMode;
    voice: string;
    speaking_rate: number;
    auto_speak: boolean;
    input_provider?: VoiceProvider;
    output_provider?: VoiceProvider;
  };
  github: {
    default_repo: string;
    mention_claude: boolean;
  };
  retention_days: number;
}

export interface UsageDay {
  date: string;
  api_calls: number;
  tokens_used: number;
  /** Seconds of audio the server transcribed and spoke. */
  audio_in_seconds?: number;
  audio_out_seconds?: number;
}

export interface Usage {
  today: UsageDay;
  limits: Limits;
  resets_at: string;
  history: UsageDay[];
}

// Stream events (POST /api/chats/{id}/messages and GET /api/chats/{id}/events).
export interface StreamEventMap {
  message_start: { user_message_id: string; assistant_message_id: string; model: string };
  delta: { text: string };
  artifact_start: { identifier: string; type: string; title: string; language: string; version: number };
  artifact_delta: { identifier: string; text: string };
  artifact_end: { identifier: string; version: number; id: string };
  usage: { input_tokens: number; output_tokens: number };
  done: { status: MessageStatus };
  error: { code: string; message: string };
}

export type StreamEventType = keyof StreamEventMap;

export type StreamEvent = {
  [K in StreamEventType]: { type: K; id: string; data: StreamEventMap[K] };
}[StreamEventType];
