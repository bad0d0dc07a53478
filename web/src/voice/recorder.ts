// Records one utterance with MediaRecorder (Opus in WebM where the browser
// makes it) and streams it to the server over the voice socket as it is
// recorded, within the server's limits.
import type { VoiceSocket } from './socket';

export function recordingType(): string {
  for (const t of ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4']) {
    if (MediaRecorder.isTypeSupported(t)) return t;
  }
  return '';
}

export class ServerRecorder {
  private rec: MediaRecorder | null = null;
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelled = false;

  constructor(
    private readonly socket: VoiceSocket,
    private readonly limits: { maxSeconds: number; maxBytes: number },
    private readonly onLimit: (message: string) => void,
  ) {}

  get recording(): boolean {
    return this.rec !== null;
  }

  start(stream: MediaStream): void {
    if (this.rec) return;
    const mimeType = recordingType();
    const rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    this.rec = rec;
    this.bytes = 0;
    this.cancelled = false;
    this.socket.send({ type: 'audio_start', mime: rec.mimeType || mimeType || 'audio/webm' });
    rec.ondataavailable = (e) => {
      if (this.cancelled || !e.data.size) return;
      this.bytes += e.data.size;
      if (this.bytes > this.limits.maxBytes) {
        this.cancel();
        this.onLimit(
          `That was too long to send (over ${this.limits.maxBytes >> 20} MB); it was dropped. Speak in shorter turns.`,
        );
        return;
      }
      this.socket.sendAudio(e.data);
    };
    rec.onstop = () => {
      if (!this.cancelled) this.socket.send({ type: 'audio_end' });
    };
    rec.start(250);
    this.timer = setTimeout(() => {
      this.stop();
      this.onLimit(`Recording stopped at ${this.limits.maxSeconds} seconds, the longest one turn may be.`);
    }, this.limits.maxSeconds * 1000);
  }

  /** Ends the utterance: the server transcribes it. */
  stop(): void {
    clearTimeout(this.timer);
    const rec = this.rec;
    this.rec = null;
    if (rec && rec.state !== 'inactive') rec.stop();
  }

  /** Drops the utterance. */
  cancel(): void {
    this.cancelled = true;
    this.socket.send({ type: 'audio_cancel' });
    this.stop();
  }
}
