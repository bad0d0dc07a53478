// Settings: who listens and who speaks. Server choices are offered only
// when the server has them configured (GET /api/voice).
import { useEffect, useState } from 'react';
import type { VoiceProvider } from '../api/types';
import {
  canRecord,
  canSynthesize,
  fetchVoiceCapabilities,
  noServerVoice,
  speechRecognitionCtor,
  type VoiceCapabilities,
} from './capabilities';

interface Props {
  inputProvider: VoiceProvider;
  outputProvider: VoiceProvider;
  onInput: (v: VoiceProvider) => void;
  onOutput: (v: VoiceProvider) => void;
  inputId: string;
  outputId: string;
}

export function VoiceProviderFields({ inputProvider, outputProvider, onInput, onOutput, inputId, outputId }: Props) {
  const [caps, setCaps] = useState<VoiceCapabilities>(noServerVoice);
  useEffect(() => {
    let live = true;
    void fetchVoiceCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);
  const browserIn = !!speechRecognitionCtor();
  const serverIn = caps.stt && canRecord();
  const serverOut = caps.tts !== '';
  const inputNote =
    !browserIn && !serverIn
      ? 'Voice input needs a configured speech service; this browser has no speech recognition.'
      : !serverIn
        ? 'The server has no speech service configured: the browser listens.'
        : '';
  return (
    <>
      <div className="field">
        <label htmlFor={inputId}>Speech recognition</label>
        <select id={inputId} value={inputProvider} onChange={(e) => onInput(e.target.value as VoiceProvider)}>
          <option value="auto">Automatic</option>
          {browserIn && <option value="browser">Browser</option>}
          {serverIn && <option value="server">Studio server</option>}
        </select>
        {inputNote && <p className="muted small">{inputNote}</p>}
      </div>
      <div className="field">
        <label htmlFor={outputId}>Spoken replies</label>
        <select id={outputId} value={outputProvider} onChange={(e) => onOutput(e.target.value as VoiceProvider)}>
          <option value="auto">Automatic</option>
          {canSynthesize() && <option value="browser">Browser voice</option>}
          {serverOut && (
            <option value="server">
              {caps.tts === 'local' ? 'Studio server (espeak-ng, robotic)' : 'Studio server'}
            </option>
          )}
        </select>
        {caps.voices.length > 0 && (
          <p className="muted small">Server voices: {caps.voices.join(', ')} (enter one as the Voice).</p>
        )}
      </div>
    </>
  );
}
