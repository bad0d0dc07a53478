// The browser provider: the Web Speech API's recognizer (Chrome, Edge,
// Safari), one utterance at a time.
import { speechRecognitionCtor } from './capabilities';
import { microphoneError } from './microphone';

interface RecognitionEvent {
  resultIndex: number;
  results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }>;
}
interface Recognition {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((e: RecognitionEvent) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

export class BrowserRecognizer {
  private rec: Recognition | null = null;
  private text = '';

  constructor(
    private readonly onTranscript: (text: string) => void,
    private readonly onError: (message: string) => void,
  ) {}

  get recording(): boolean {
    return this.rec !== null;
  }

  start(): void {
    const Ctor = speechRecognitionCtor();
    if (!Ctor || this.rec) return;
    const rec = new Ctor() as Recognition;
    this.rec = rec;
    this.text = '';
    rec.lang = navigator.language || 'en-US';
    rec.interimResults = false;
    rec.continuous = true;
    rec.onresult = (e) => {
      for (let i = e.resultIndex; i < e.results.length; i++) {
        if (e.results[i].isFinal) this.text += e.results[i][0].transcript;
      }
    };
    rec.onerror = (e) => {
      if (e.error === 'no-speech' || e.error === 'aborted') return;
      this.onError(
        e.error === 'network' ? 'The browser’s speech service could not be reached.' : microphoneError(e.error).message,
      );
    };
    rec.onend = () => {
      this.rec = null;
      const t = this.text.trim();
      if (t) this.onTranscript(t);
    };
    rec.start();
  }

  stop(): void {
    this.rec?.stop();
  }

  cancel(): void {
    this.text = '';
    this.rec?.abort();
    this.rec = null;
  }
}
