// The composer's voice controls: hold the microphone to talk (or hold
// Space), a hands-free switch, and what voice is doing right now.
import type { Voice } from './useVoice';
import './voice.css';

const IconMic = () => (
  <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
  </svg>
);

const statusText: Record<string, string> = {
  listening: 'Listening…',
  transcribing: 'Transcribing…',
};

/** compact leaves out hands-free (the new-chat screen, which hands over to the chat once sent). */
export function VoiceControls({ voice, compact = false }: { voice: Voice; compact?: boolean }) {
  const status = voice.speaking
    ? 'Speaking… (talk to interrupt)'
    : (statusText[voice.state] ?? (voice.handsFree ? 'Hands-free: just talk' : ''));
  return (
    <div className="voice-controls row gap">
      <button
        type="button"
        className={
          voice.state === 'listening' && !voice.handsFree
            ? 'btn ghost small voice-mic active'
            : 'btn ghost small voice-mic'
        }
        aria-label="Hold to talk"
        title="Hold to talk (or hold Space)"
        aria-pressed={voice.state === 'listening' && !voice.handsFree}
        onPointerDown={(e) => {
          e.preventDefault();
          // Captured, the press lasts until release even if the layout
          // moves the button from under the pointer.
          e.currentTarget.setPointerCapture?.(e.pointerId);
          voice.controller.pressStart();
        }}
        onPointerUp={voice.controller.pressEnd}
        onPointerCancel={voice.controller.pressEnd}
        onKeyDown={(e) => {
          if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
            e.preventDefault();
            voice.controller.pressStart();
          }
        }}
        onKeyUp={(e) => {
          if (e.key === 'Enter' || e.key === ' ') voice.controller.pressEnd();
        }}
      >
        <IconMic />
      </button>
      {!compact && (
        <button
          type="button"
          className="btn ghost small"
          aria-pressed={voice.handsFree}
          onClick={voice.controller.toggleHandsFree}
        >
          {voice.handsFree ? 'Hands-free on' : 'Hands-free'}
        </button>
      )}
      {voice.speaking && (
        <button type="button" className="btn ghost small" onClick={voice.controller.stopSpeaking}>
          Stop speaking
        </button>
      )}
      <span
        className="voice-status muted small"
        role="status"
        data-state={voice.state}
        data-speaking={voice.speaking}
        data-barge-in-ms={voice.stats.bargeInMs ?? ''}
        data-first-audio-ms={voice.stats.firstAudioMs ?? ''}
        data-sentences={voice.stats.sentences}
      >
        {status}
        {voice.outputNote && voice.speaking ? ` ${voice.outputNote}` : ''}
      </span>
      {voice.error && (
        <p className="field-error small voice-error" role="alert">
          {voice.error}{' '}
          <button type="button" className="btn ghost small" onClick={voice.controller.dismissError}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
