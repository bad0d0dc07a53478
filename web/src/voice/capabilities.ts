// What the server offers for voice (GET /api/voice) and what this browser
// can do, and the providers a user's preferences resolve to.
import { api } from '../api/client';
import type { Preferences, VoiceProvider } from '../api/types';

export interface VoiceCapabilities {
  /** Server speech-to-text is configured. */
  stt: boolean;
  /** Server speech: a real service, the local espeak-ng (robotic), or none. */
  tts: '' | 'service' | 'local';
  voices: string[];
  max_seconds: number;
  max_bytes: number;
  accepted_formats: string[];
}

export const noServerVoice: VoiceCapabilities = {
  stt: false,
  tts: '',
  voices: [],
  max_seconds: 60,
  max_bytes: 2 << 20,
  accepted_formats: [],
};

let cached: Promise<VoiceCapabilities> | null = null;

/** The server's voice capabilities, fetched once per page. */
export function fetchVoiceCapabilities(): Promise<VoiceCapabilities> {
  cached ??= api<VoiceCapabilities>('/api/voice').catch(() => {
    cached = null;
    return noServerVoice;
  });
  return cached;
}

interface SpeechRecognitionCtor {
  new (): unknown;
}

/** The Web Speech API's recognizer, where the browser has one. */
export function speechRecognitionCtor(): SpeechRecognitionCtor | null {
  const w = globalThis as unknown as Record<string, SpeechRecognitionCtor | undefined>;
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export function canRecord(): boolean {
  return typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

export function canSynthesize(): boolean {
  return typeof speechSynthesis !== 'undefined';
}

export type Resolved = 'server' | 'browser' | null;

/** Who listens: the user's choice where it is available, else the other. */
export function resolveInput(pref: VoiceProvider | undefined, caps: VoiceCapabilities): Resolved {
  const server = caps.stt && canRecord();
  const browser = !!speechRecognitionCtor();
  if (pref === 'browser') return browser ? 'browser' : server ? 'server' : null;
  return server ? 'server' : browser ? 'browser' : null;
}

/** Who speaks: "auto" prefers a real server voice, then the browser's, then espeak-ng. */
export function resolveOutput(pref: VoiceProvider | undefined, caps: VoiceCapabilities): Resolved {
  const server = caps.tts !== '';
  const browser = canSynthesize();
  if (pref === 'server') return server ? 'server' : browser ? 'browser' : null;
  if (pref === 'browser') return browser ? 'browser' : server ? 'server' : null;
  if (caps.tts === 'service') return 'server';
  return browser ? 'browser' : server ? 'server' : null;
}

export function voicePrefs(p: Preferences | null) {
  return {
    inputMode: p?.voice.input_mode ?? 'keyboard',
    inputProvider: p?.voice.input_provider ?? 'auto',
    outputProvider: p?.voice.output_provider ?? 'auto',
    voice: p?.voice.voice ?? '',
    rate: p?.voice.speaking_rate ?? 1,
    autoSpeak: p?.voice.auto_speak ?? false,
  };
}
