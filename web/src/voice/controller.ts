// The voice machinery of one chat view, outside React: the socket, the
// microphone, the detector, the recorders and the players. React reads
// its state as an external store (useVoice) and calls its methods.
import type { StreamEvent } from '../api/types';
import { BrowserSpeaker } from './browserSpeaker';
import {
  fetchVoiceCapabilities,
  noServerVoice,
  resolveInput,
  resolveOutput,
  voicePrefs,
  type Resolved,
  type VoiceCapabilities,
} from './capabilities';
import { MicrophoneError, openMicrophone } from './microphone';
import { SentencePlayer } from './player';
import { BrowserRecognizer } from './recognizer';
import { ServerRecorder } from './recorder';
import { base64ToBytes, VoiceSocket, type VoiceFrame } from './socket';
import { EnergyVad } from './vad';

export type VoiceState = 'idle' | 'listening' | 'transcribing';

export interface VoiceSnapshot {
  input: Resolved;
  output: Resolved;
  caps: VoiceCapabilities;
  state: VoiceState;
  speaking: boolean;
  handsFree: boolean;
  /** A transcript for the composer to show, editable, before sending (push-to-talk). */
  draft: { text: string; seq: number } | null;
  error: string | null;
  /** Figures the browser suite reads. */
  stats: { bargeInMs: number | null; firstAudioMs: number | null; sentences: number };
}

export interface VoiceContext {
  chatId: string;
  streaming: boolean;
  send: (text: string) => Promise<boolean>;
  stop: () => Promise<void>;
  prefs: ReturnType<typeof voicePrefs>;
}

export const NO_INPUT =
  'Voice input needs a configured speech service, and this browser has no speech recognition of its own. Typing still works.';

export class VoiceController {
  private snap: VoiceSnapshot = {
    input: null,
    output: null,
    caps: noServerVoice,
    state: 'idle',
    speaking: false,
    handsFree: false,
    draft: null,
    error: null,
    stats: { bargeInMs: null, firstAudioMs: null, sentences: 0 },
  };
  private listeners = new Set<() => void>();
  private ctx: VoiceContext = {
    chatId: '',
    streaming: false,
    send: async () => false,
    stop: async () => undefined,
    prefs: voicePrefs(null),
  };
  private socket = new VoiceSocket();
  private player = new SentencePlayer();
  private speaker = new BrowserSpeaker();
  private mic: MediaStream | null = null;
  private vad: EnergyVad | null = null;
  private recorder: ServerRecorder | null = null;
  private recognizer: BrowserRecognizer | null = null;
  private spokenInput = false;
  private speakingChat: string | null = null;
  private sentAt = 0;
  private seq = 0;
  private offSocket: () => void;
  private closed = false;

  constructor() {
    this.player.onPlayingChange = (p) => {
      if (p && this.sentAt && this.snap.stats.firstAudioMs === null) {
        this.set({ stats: { ...this.snap.stats, firstAudioMs: Math.round(performance.now() - this.sentAt) } });
      }
      this.playingChanged();
    };
    this.speaker.onPlayingChange = () => this.playingChanged();
    this.offSocket = this.socket.on(this.onFrame);
    void fetchVoiceCapabilities().then((caps) => {
      if (!this.closed) this.set({ caps }, true);
    });
  }

  // The external store (useSyncExternalStore).
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getSnapshot = () => this.snap;

  /** The chat view's latest state and actions. */
  update(ctx: VoiceContext) {
    this.ctx = ctx;
    // Only a change of provider is news to React (else every render would
    // cause another).
    const input = resolveInput(ctx.prefs.inputProvider, this.snap.caps);
    const output = resolveOutput(ctx.prefs.outputProvider, this.snap.caps);
    if (input !== this.snap.input || output !== this.snap.output) this.set({ input, output });
  }

  close() {
    this.closed = true;
    this.offSocket();
    this.player.stop();
    this.speaker.stop();
    this.vad?.stop();
    this.recorder?.cancel();
    this.recognizer?.cancel();
    this.mic?.getTracks().forEach((t) => t.stop());
    this.socket.close();
  }

  private set(patch: Partial<VoiceSnapshot>, resolve = false) {
    const next = { ...this.snap, ...patch };
    if (resolve) {
      next.input = resolveInput(this.ctx.prefs.inputProvider, next.caps);
      next.output = resolveOutput(this.ctx.prefs.outputProvider, next.caps);
    }
    this.snap = next;
    for (const l of this.listeners) l();
  }

  private playingChanged() {
    const speaking = this.player.playing || this.speaker.playing;
    if (this.vad) this.vad.strict = speaking;
    if (speaking !== this.snap.speaking) this.set({ speaking });
  }

  private onFrame = (f: VoiceFrame) => {
    switch (f.type) {
      case 'transcript':
        this.onTranscript(f.text);
        break;
      case 'voice_error':
        this.set({ state: 'idle', error: f.message });
        break;
      case 'speech':
        if (f.chat_id === this.speakingChat) this.player.enqueue(base64ToBytes(f.audio));
        break;
      case 'speech_end':
        if (f.chat_id === this.speakingChat) this.set({ stats: { ...this.snap.stats, sentences: f.sentences } });
        break;
    }
  };

  private onTranscript = (text: string) => {
    this.spokenInput = true;
    if (this.snap.handsFree) {
      this.set({ state: 'idle' });
      this.sentAt = performance.now();
      void this.ctx.send(text);
    } else {
      this.set({ state: 'idle', draft: { text, seq: ++this.seq } });
    }
  };

  stopSpeaking = () => {
    const chat = this.speakingChat;
    this.speakingChat = null;
    this.player.stop();
    this.speaker.stop();
    if (chat) this.socket.send({ type: 'speak', chat_id: chat, enabled: false });
  };

  /** Barge-in: the user speaks over the studio. */
  private bargeIn() {
    const wasPlaying = this.player.playing || this.speaker.playing;
    if (!wasPlaying && !this.speakingChat) return;
    const heardAt = this.vad?.firstLoudAt || performance.now();
    this.stopSpeaking();
    if (wasPlaying) this.set({ stats: { ...this.snap.stats, bargeInMs: Math.round(performance.now() - heardAt) } });
    if (this.snap.handsFree && this.ctx.streaming) void this.ctx.stop();
  }

  private async microphone(): Promise<MediaStream | null> {
    if (this.mic && this.mic.getAudioTracks().some((t) => t.readyState === 'live')) return this.mic;
    try {
      this.mic = await openMicrophone();
      return this.mic;
    } catch (e) {
      this.set({ state: 'idle', error: e instanceof MicrophoneError ? e.message : String(e) });
      return null;
    }
  }

  private async startUtterance() {
    this.set({ error: null });
    const { input, caps } = this.snap;
    if (!input) {
      this.set({ error: NO_INPUT });
      return;
    }
    if (input === 'browser') {
      this.recognizer ??= new BrowserRecognizer(this.onTranscript, (m) => this.set({ error: m, state: 'idle' }));
      this.recognizer.start();
      this.set({ state: 'listening' });
      return;
    }
    const stream = await this.microphone();
    if (!stream) return;
    this.recorder ??= new ServerRecorder(this.socket, { maxSeconds: caps.max_seconds, maxBytes: caps.max_bytes }, (m) =>
      this.set({ error: m }),
    );
    this.recorder.start(stream);
    this.set({ state: 'listening' });
  }

  private endUtterance = () => {
    if (this.recorder?.recording) {
      this.recorder.stop();
      this.set({ state: 'transcribing' });
    } else if (this.recognizer?.recording) {
      this.recognizer.stop();
      this.set({ state: 'transcribing' });
    }
  };

  /** Push-to-talk pressed (button or Space): stop talking, start listening. */
  pressStart = () => {
    this.player.unlock();
    this.bargeIn();
    void this.startUtterance();
  };

  pressEnd = () => {
    if (!this.snap.handsFree) this.endUtterance();
  };

  toggleHandsFree = () => {
    if (this.snap.handsFree) {
      this.vad?.stop();
      this.vad = null;
      this.recorder?.cancel();
      this.recognizer?.cancel();
      this.set({ handsFree: false, state: 'idle' });
      return;
    }
    this.player.unlock();
    if (!this.snap.input) {
      this.set({ error: NO_INPUT });
      return;
    }
    this.set({ error: null });
    void (async () => {
      const stream = await this.microphone();
      if (!stream) return;
      const v = new EnergyVad({
        onSpeechStart: () => {
          this.bargeIn();
          void this.startUtterance();
        },
        onSpeechEnd: this.endUtterance,
      });
      try {
        await v.start(stream);
      } catch {
        this.set({
          error: 'Hands-free listening could not start in this browser; hold the microphone button to talk.',
        });
        return;
      }
      this.vad = v;
      this.set({ handsFree: true });
    })();
  };

  dismissError = () => this.set({ error: null });

  /** Every event of the chat's replies as they stream. */
  onStreamEvent = (ev: StreamEvent) => {
    const { prefs, chatId } = this.ctx;
    const output = this.snap.output;
    switch (ev.type) {
      case 'message_start': {
        const speak = prefs.autoSpeak || this.snap.handsFree || this.spokenInput;
        this.spokenInput = false;
        this.speakingChat = null;
        if (!speak || !output) return;
        this.speakingChat = chatId;
        if (output === 'server') {
          this.socket.send({ type: 'speak', chat_id: chatId, enabled: true, last_event_id: ev.id });
        } else {
          this.speaker.stop();
          this.speaker.configure(prefs.voice, prefs.rate);
        }
        break;
      }
      case 'delta':
        if (output === 'browser' && this.speakingChat) this.speaker.write(ev.data.text);
        break;
      case 'artifact_start':
        if (output === 'browser' && this.speakingChat) this.speaker.artifact(ev.data.type);
        break;
      case 'done':
        if (output === 'browser' && this.speakingChat) this.speaker.end();
        break;
    }
  };
}
