// Voice-activity detection from the microphone's loudness, read on the
// audio thread by an AudioWorklet (energy-worklet.js). Speech starts after
// a short run of frames well above the room's noise floor, and ends after
// a longer run below it.
// no-inline: a data: URL would be refused by the studio's CSP (script-src 'self').
import workletUrl from './energy-worklet.js?url&no-inline';

export interface VadOptions {
  onSpeechStart: () => void;
  onSpeechEnd: () => void;
  /** ms above the threshold before speech counts as started. */
  startMs?: number;
  /** ms of quiet that end an utterance. */
  endMs?: number;
}

const FRAME_MS = 10;

export class EnergyVad {
  private ctx: AudioContext | null = null;
  private node: AudioWorkletNode | null = null;
  private floor = 0.003;
  private above = 0;
  private below = 0;
  private speaking = false;
  /** Raised while the studio talks, so its own voice (if the echo canceller misses it) is not the user's. */
  strict = false;
  /** performance.now() when the current speech's first loud frame came. */
  firstLoudAt = 0;

  constructor(private readonly opts: VadOptions) {}

  async start(stream: MediaStream): Promise<void> {
    const ctx = new AudioContext();
    this.ctx = ctx;
    await ctx.audioWorklet.addModule(workletUrl);
    const src = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, 'energy');
    node.port.onmessage = (e: MessageEvent<number>) => this.frame(e.data);
    src.connect(node);
    this.node = node;
  }

  stop(): void {
    this.node?.port.close();
    this.node?.disconnect();
    void this.ctx?.close();
    this.ctx = null;
    this.node = null;
    this.speaking = false;
  }

  private frame(rms: number): void {
    const startMs = this.opts.startMs ?? 80;
    const endMs = this.opts.endMs ?? 700;
    // The noise floor follows quiet frames slowly and never speech.
    if (!this.speaking && rms < this.floor * 3) this.floor = this.floor * 0.98 + rms * 0.02;
    const threshold = Math.max(0.01, this.floor * (this.strict ? 6 : 3));
    if (rms > threshold) {
      if (this.above === 0) this.firstLoudAt = performance.now() - FRAME_MS;
      this.above += FRAME_MS;
      this.below = 0;
      if (!this.speaking && this.above >= startMs) {
        this.speaking = true;
        this.opts.onSpeechStart();
      }
    } else {
      this.below += FRAME_MS;
      if (this.below >= 60) this.above = 0;
      if (this.speaking && this.below >= endMs) {
        this.speaking = false;
        this.opts.onSpeechEnd();
      }
    }
  }
}
