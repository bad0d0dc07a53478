// The voice side of the studio's WebSocket (/api/ws): recordings go up as
// binary frames between audio_start and audio_end; transcripts, spoken
// sentences and voice errors come down as JSON frames.

export interface SpeechFrame {
  type: 'speech';
  chat_id: string;
  seq: number;
  text: string;
  mime: string;
  seconds: number;
  audio: string; // base64
}
export interface SpeechEndFrame {
  type: 'speech_end';
  chat_id: string;
  sentences: number;
  failed: number;
}
export interface TranscriptFrame {
  type: 'transcript';
  text: string;
  seconds: number;
}
export interface VoiceErrorFrame {
  type: 'voice_error';
  code: string;
  message: string;
  chat_id?: string;
}
export type VoiceFrame = SpeechFrame | SpeechEndFrame | TranscriptFrame | VoiceErrorFrame;

type Listener = (f: VoiceFrame) => void;

const voiceTypes = new Set(['speech', 'speech_end', 'transcript', 'voice_error']);

export class VoiceSocket {
  private ws: WebSocket | null = null;
  private queue: (string | Blob)[] = [];
  private listeners = new Set<Listener>();

  constructor(private readonly url = VoiceSocket.defaultUrl()) {}

  static defaultUrl(): string {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Sends a command, opening the socket first when needed (frames keep their order). */
  send(cmd: Record<string, unknown>): void {
    this.push(JSON.stringify(cmd));
  }

  sendAudio(chunk: Blob): void {
    this.push(chunk);
  }

  close(): void {
    this.queue = [];
    this.ws?.close();
    this.ws = null;
  }

  private push(frame: string | Blob): void {
    const ws = this.open();
    if (ws.readyState === WebSocket.OPEN && this.queue.length === 0) ws.send(frame);
    else this.queue.push(frame);
  }

  private open(): WebSocket {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) {
      return this.ws;
    }
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const q = this.queue;
      this.queue = [];
      for (const f of q) ws.send(f);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let f: VoiceFrame;
      try {
        f = JSON.parse(ev.data) as VoiceFrame;
      } catch {
        return;
      }
      if (!voiceTypes.has(f.type)) return;
      for (const l of this.listeners) l(f);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
    };
    return ws;
  }
}

export function base64ToBytes(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}
