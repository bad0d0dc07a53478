// Plays a reply's sentences back to back through Web Audio: each is
// decoded as it arrives and scheduled to start exactly when the previous
// one ends, so there is no gap between sentences; stop() silences all of
// it at once (barge-in).

export class SentencePlayer {
  private ctx: AudioContext | null = null;
  private nextAt = 0;
  private sources = new Set<AudioBufferSourceNode>();
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;
  /** performance.now() when the first sentence of the current run started. */
  startedAt = 0;
  onPlayingChange?: (playing: boolean) => void;

  get playing(): boolean {
    return this.sources.size > 0;
  }

  /** Must first run in a user gesture (browsers start audio only then). */
  unlock(): void {
    this.context();
  }

  private context(): AudioContext {
    if (!this.ctx || this.ctx.state === 'closed') this.ctx = new AudioContext();
    if (this.ctx.state === 'suspended') void this.ctx.resume();
    return this.ctx;
  }

  /** Queues encoded audio (WAV, Opus, MP3) after what is queued already. */
  enqueue(data: ArrayBuffer): void {
    const gen = this.generation;
    const ctx = this.context();
    // Decoding runs in parallel; scheduling keeps arrival order.
    const decoded = ctx.decodeAudioData(data.slice(0));
    this.chain = this.chain.then(async () => {
      let buf: AudioBuffer;
      try {
        buf = await decoded;
      } catch {
        return; // one undecodable sentence must not silence the rest
      }
      if (gen !== this.generation) return;
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      const at = Math.max(ctx.currentTime + 0.01, this.nextAt);
      this.nextAt = at + buf.duration;
      const wasPlaying = this.playing;
      this.sources.add(src);
      src.onended = () => {
        this.sources.delete(src);
        if (!this.playing) this.onPlayingChange?.(false);
      };
      src.start(at);
      if (!wasPlaying) {
        this.startedAt = performance.now();
        this.onPlayingChange?.(true);
      }
    });
  }

  /** Silences everything now and forgets what is queued. */
  stop(): void {
    this.generation++;
    const had = this.playing;
    for (const s of this.sources) {
      s.onended = null;
      try {
        s.stop();
      } catch {
        // never started
      }
      s.disconnect();
    }
    this.sources.clear();
    this.nextAt = 0;
    if (had) this.onPlayingChange?.(false);
  }
}
