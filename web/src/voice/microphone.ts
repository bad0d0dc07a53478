// Opening the microphone, with a clear message when it cannot be had.

export class MicrophoneError extends Error {
  constructor(
    message: string,
    readonly reason: 'denied' | 'missing' | 'unavailable',
  ) {
    super(message);
  }
}

export const MIC_DENIED =
  'Microphone access was denied. Allow it in the browser’s site settings to talk — typing still works.';
export const MIC_MISSING = 'No microphone was found. Connect one to talk — typing still works.';

/** Maps getUserMedia's (and speech recognition's) failures to a message for people. */
export function microphoneError(e: unknown): MicrophoneError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
    case 'not-allowed':
    case 'service-not-allowed':
      return new MicrophoneError(MIC_DENIED, 'denied');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'audio-capture':
      return new MicrophoneError(MIC_MISSING, 'missing');
  }
  return new MicrophoneError('The microphone could not be opened. Typing still works.', 'unavailable');
}

export async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError(
      'This browser cannot use a microphone here (it needs HTTPS). Typing still works.',
      'unavailable',
    );
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (e) {
    throw microphoneError(e);
  }
}
