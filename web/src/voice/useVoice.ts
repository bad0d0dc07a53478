// Voice in the chat view: push-to-talk and hands-free input, the reply
// spoken sentence by sentence as it streams, and barge-in. The work is in
// VoiceController; this hook ties it to the view's life and state.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { usePreferences } from '../components/AppContexts';
import { voicePrefs } from './capabilities';
import { NO_INPUT, VoiceController, type VoiceSnapshot } from './controller';

export interface Voice extends VoiceSnapshot {
  controller: VoiceController;
  canListen: boolean;
  inputNote: string | null;
  /** Set when replies are spoken by the local espeak-ng (robotic). */
  outputNote: string | null;
}

/** One controller for the chat view's life. Its onStreamEvent is stable. */
export function useVoiceController(): VoiceController {
  const [controller] = useState(() => new VoiceController());
  useEffect(() => () => controller.close(), [controller]);
  return controller;
}

export function useVoice(
  controller: VoiceController,
  ctx: { chatId: string; streaming: boolean; send: (t: string) => Promise<boolean>; stop: () => Promise<void> },
): Voice {
  const { preferences } = usePreferences();
  const { chatId, streaming, send, stop } = ctx;
  useEffect(() => {
    controller.update({ chatId, streaming, send, stop, prefs: voicePrefs(preferences) });
  }, [controller, chatId, streaming, send, stop, preferences]);

  // Hold Space to talk while no field (the composer included) has focus.
  useEffect(() => {
    const typing = (t: EventTarget | null) =>
      t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(t.tagName));
    let held = false;
    const down = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat || typing(e.target)) return;
      e.preventDefault();
      held = true;
      controller.pressStart();
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || !held) return;
      held = false;
      e.preventDefault();
      controller.pressEnd();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [controller]);

  const snap = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  return {
    ...snap,
    controller,
    canListen: snap.input !== null,
    inputNote: snap.input ? null : NO_INPUT,
    outputNote:
      snap.output === 'server' && snap.caps.tts === 'local'
        ? 'Replies are read by the local espeak-ng voice (robotic).'
        : null,
  };
}
