// Voice in the chat: push-to-talk and hands-free input, the reply spoken
// sentence by sentence as it streams, and barge-in. Providers follow the
// user's preferences and what the server and browser offer.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StreamEvent } from '../api/types';
import { usePreferences } from '../components/AppContexts';
import { BrowserSpeaker } from './browserSpeaker';
import {
  fetchVoiceCapabilities,
  noServerVoice,
  resolveInput,
  resolveOutput,
  voicePrefs,
  type VoiceCapabilities,
} from './capabilities';
import { MicrophoneError, openMicrophone } from './microphone';
import { SentencePlayer } from './player';
import { BrowserRecognizer } from './recognizer';
import { ServerRecorder } from './recorder';
import { base64ToBytes, VoiceSocket, type VoiceFrame } from './socket';
import { EnergyVad } from './vad';

export type VoiceState = 'idle' | 'listening' | 'transcribing';

export interface VoiceOptions {
  chatId: string;
  streaming: boolean;
  send: (text: string) => Promise<boolean>;
  stop: () => Promise<void>;
}

export interface Voice {
  /** Someone can listen (server or browser). */
  canListen: boolean;
  /** Why not, when not. */
  inputNote: string | null;
  /** "robotic" when replies are spoken by the local espeak-ng. */
  outputNote: string | null;
  state: VoiceState;
  speaking: boolean;
  handsFree: boolean;
  toggleHandsFree: () => void;
  pressStart: () => void;
  pressEnd: () => void;
  /** A transcript for the composer to show, editable, before sending (push-to-talk). */
  draft: { text: string; seq: number } | null;
  error: string | null;
  dismissError: () => void;
  stopSpeaking: () => void;
  onStreamEvent: (ev: StreamEvent) => void;
  /** Figures the browser suite reads. */
  stats: { bargeInMs: number | null; firstAudioMs: number | null; sentences: number };
}

const NO_INPUT =
  'Voice input needs a configured speech service, and this browser has no speech recognition of its own. Typing still works.';

export function useVoice({ chatId, streaming, send, stop }: VoiceOptions): Voice {
  const { preferences } = usePreferences();
  const prefs = voicePrefs(preferences);
  const [caps, setCaps] = useState<VoiceCapabilities>(noServerVoice);
  const [state, setState] = useState<VoiceState>('idle');
  const [speaking, setSpeaking] = useState(false);
  const [handsFree, setHandsFree] = useState(false);
  const [draft, setDraft] = useState<{ text: string; seq: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<Voice['stats']>({ bargeInMs: null, firstAudioMs: null, sentences: 0 });

  useEffect(() => {
    let live = true;
    void fetchVoiceCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);

  const input = resolveInput(prefs.inputProvider, caps);
  const output = resolveOutput(prefs.outputProvider, caps);

  // Everything below lives as long as the chat view.
  const live = useRef({ chatId, streaming, send, stop, input, output, prefs, handsFree, caps });
  live.current = { chatId, streaming, send, stop, input, output, prefs, handsFree, caps };

  const socket = useMemo(() => new VoiceSocket(), []);
  const player = useMemo(() => new SentencePlayer(), []);
  const speaker = useMemo(() => new BrowserSpeaker(), []);
  const mic = useRef<MediaStream | null>(null);
  const vad = useRef<EnergyVad | null>(null);
  const recorder = useRef<ServerRecorder | null>(null);
  const recognizer = useRef<BrowserRecognizer | null>(null);
  const spokenInput = useRef(false);
  const speakingChat = useRef<string | null>(null);
  const sentAt = useRef(0);
  const seq = useRef(0);

  const onTranscript = useCallback((text: string) => {
    setState('idle');
    if (live.current.handsFree) {
      spokenInput.current = true;
      sentAt.current = performance.now();
      void live.current.send(text);
    } else {
      spokenInput.current = true;
      setDraft({ text, seq: ++seq.current });
    }
  }, []);

  useEffect(() => {
    const setPlaying = (p: boolean) => {
      setSpeaking(player.playing || speaker.playing || p);
      if (vad.current) vad.current.strict = p;
    };
    player.onPlayingChange = (p) => {
      if (p && sentAt.current) {
        const ms = Math.round(performance.now() - sentAt.current);
        setStats((s) => (s.firstAudioMs === null ? { ...s, firstAudioMs: ms } : s));
      }
      setPlaying(p);
    };
    speaker.onPlayingChange = setPlaying;
    const off = socket.on((f: VoiceFrame) => {
      switch (f.type) {
        case 'transcript':
          onTranscript(f.text);
          break;
        case 'voice_error':
          setState('idle');
          setError(f.message);
          break;
        case 'speech':
          if (f.chat_id === speakingChat.current) player.enqueue(base64ToBytes(f.audio));
          break;
        case 'speech_end':
          if (f.chat_id === speakingChat.current) setStats((s) => ({ ...s, sentences: f.sentences }));
          break;
      }
    });
    return () => {
      off();
      player.stop();
      speaker.stop();
      vad.current?.stop();
      mic.current?.getTracks().forEach((t) => t.stop());
      socket.close();
    };
  }, [socket, player, speaker, onTranscript]);

  const stopSpeaking = useCallback(() => {
    const chat = speakingChat.current;
    speakingChat.current = null;
    player.stop();
    speaker.stop();
    if (chat) socket.send({ type: 'speak', chat_id: chat, enabled: false });
  }, [player, speaker, socket]);

  /** Barge-in: the user speaks over the studio. */
  const bargeIn = useCallback(() => {
    if (!player.playing && !speaker.playing && !speakingChat.current) return;
    const heardAt = vad.current?.firstLoudAt || performance.now();
    const wasPlaying = player.playing || speaker.playing;
    stopSpeaking();
    if (wasPlaying) setStats((s) => ({ ...s, bargeInMs: Math.round(performance.now() - heardAt) }));
    if (live.current.handsFree && live.current.streaming) void live.current.stop();
  }, [player, speaker, stopSpeaking]);

  const microphone = useCallback(async (): Promise<MediaStream | null> => {
    if (mic.current && mic.current.getAudioTracks().some((t) => t.readyState === 'live')) return mic.current;
    try {
      mic.current = await openMicrophone();
      return mic.current;
    } catch (e) {
      setError(e instanceof MicrophoneError ? e.message : String(e));
      setState('idle');
      return null;
    }
  }, []);

  const startUtterance = useCallback(async () => {
    setError(null);
    const { input, caps } = live.current;
    if (!input) {
      setError(NO_INPUT);
      return;
    }
    if (input === 'browser') {
      recognizer.current ??= new BrowserRecognizer(onTranscript, (m) => {
        setError(m);
        setState('idle');
      });
      recognizer.current.start();
      setState('listening');
      return;
    }
    const stream = await microphone();
    if (!stream) return;
    recorder.current ??= new ServerRecorder(socket, { maxSeconds: caps.max_seconds, maxBytes: caps.max_bytes }, (m) => {
      setError(m);
    });
    recorder.current.start(stream);
    setState('listening');
  }, [microphone, onTranscript, socket]);

  const endUtterance = useCallback(() => {
    if (recorder.current?.recording) {
      recorder.current.stop();
      setState('transcribing');
    } else if (recognizer.current?.recording) {
      recognizer.current.stop();
      setState('transcribing');
    }
  }, []);

  const pressStart = useCallback(() => {
    player.unlock();
    bargeIn();
    void startUtterance();
  }, [player, bargeIn, startUtterance]);

  const toggleHandsFree = useCallback(() => {
    if (live.current.handsFree) {
      vad.current?.stop();
      vad.current = null;
      recorder.current?.cancel();
      recognizer.current?.cancel();
      setHandsFree(false);
      setState('idle');
      return;
    }
    player.unlock();
    setError(null);
    if (!live.current.input) {
      setError(NO_INPUT);
      return;
    }
    void (async () => {
      const stream = await microphone();
      if (!stream) return;
      const v = new EnergyVad({
        onSpeechStart: () => {
          bargeIn();
          void startUtterance();
        },
        onSpeechEnd: endUtterance,
      });
      try {
        await v.start(stream);
      } catch {
        setError('Hands-free listening could not start in this browser; hold the microphone button to talk.');
        return;
      }
      vad.current = v;
      live.current.handsFree = true;
      setHandsFree(true);
    })();
  }, [player, microphone, bargeIn, startUtterance, endUtterance]);

  const onStreamEvent = useCallback(
    (ev: StreamEvent) => {
      const { output, prefs, handsFree, chatId } = live.current;
      switch (ev.type) {
        case 'message_start': {
          const speak = prefs.autoSpeak || handsFree || spokenInput.current;
          spokenInput.current = false;
          speakingChat.current = null;
          if (!speak || !output) return;
          speakingChat.current = chatId;
          if (output === 'server') {
            socket.send({ type: 'speak', chat_id: chatId, enabled: true, last_event_id: ev.id });
          } else {
            speaker.stop();
            speaker.configure(prefs.voice, prefs.rate);
          }
          break;
        }
        case 'delta':
          if (output === 'browser' && speakingChat.current) speaker.write(ev.data.text);
          break;
        case 'artifact_start':
          if (output === 'browser' && speakingChat.current) speaker.artifact(ev.data.type);
          break;
        case 'done':
          if (output === 'browser' && speakingChat.current) speaker.end();
          break;
      }
    },
    [socket, speaker],
  );

  // Hold Space to talk while the composer (or any field) is not focused.
  useEffect(() => {
    const typing = (t: EventTarget | null) =>
      t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(t.tagName));
    let held = false;
    const down = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat || typing(e.target)) return;
      e.preventDefault();
      held = true;
      pressStart();
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || !held) return;
      held = false;
      e.preventDefault();
      if (!live.current.handsFree) endUtterance();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [pressStart, endUtterance]);

  return {
    canListen: input !== null,
    inputNote: input ? null : NO_INPUT,
    outputNote:
      output === 'server' && caps.tts === 'local' ? 'Replies are read by the local espeak-ng voice (robotic).' : null,
    state,
    speaking,
    handsFree,
    toggleHandsFree,
    pressStart,
    pressEnd: useCallback(() => {
      if (!live.current.handsFree) endUtterance();
    }, [endUtterance]),
    draft,
    error,
    dismissError: useCallback(() => setError(null), []),
    stopSpeaking,
    onStreamEvent,
    stats,
  };
}
