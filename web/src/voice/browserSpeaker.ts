// Speaks a streaming reply with the browser's speechSynthesis, sentence by
// sentence as the text arrives (the server's splitter does the same for
// server speech; this one is a lighter cut of it).
import { announcement, SentenceSplitter } from './sentences';

export class BrowserSpeaker {
  private split = new SentenceSplitter();
  private pending = 0;
  onPlayingChange?: (playing: boolean) => void;

  constructor(
    private voiceName = '',
    private rate = 1,
  ) {}

  get playing(): boolean {
    return this.pending > 0;
  }

  configure(voiceName: string, rate: number) {
    this.voiceName = voiceName;
    this.rate = rate;
  }

  write(text: string) {
    this.say(this.split.write(text));
  }

  artifact(type: string) {
    this.say([...this.split.flush(), announcement(type)]);
  }

  end() {
    this.say(this.split.flush());
  }

  stop() {
    this.split = new SentenceSplitter();
    const had = this.pending > 0;
    this.pending = 0;
    if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
    if (had) this.onPlayingChange?.(false);
  }

  private say(sentences: string[]) {
    const voice = this.voiceName ? speechSynthesis.getVoices().find((v) => v.name === this.voiceName) : undefined;
    for (const s of sentences) {
      const u = new SpeechSynthesisUtterance(s);
      if (voice) u.voice = voice;
      u.rate = this.rate;
      const done = () => {
        if (this.pending === 0) return;
        this.pending--;
        if (this.pending === 0) this.onPlayingChange?.(false);
      };
      u.onend = done;
      u.onerror = done;
      if (this.pending++ === 0) this.onPlayingChange?.(true);
      speechSynthesis.speak(u);
    }
  }
}
