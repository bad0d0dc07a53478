/* global AudioWorkletProcessor, sampleRate, registerProcessor */
// AudioWorklet processor: posts the microphone's loudness (RMS of the
// last ~10 ms) to the main thread, where the voice-activity detector
// decides when speech starts and ends. Runs on the audio thread, so it
// stays tiny and allocation-free.
class EnergyProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.sum = 0;
    this.count = 0;
    // ~10 ms at any sample rate.
    this.window = Math.max(128, Math.round(sampleRate / 100));
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      for (let i = 0; i < channel.length; i++) this.sum += channel[i] * channel[i];
      this.count += channel.length;
      if (this.count >= this.window) {
        this.port.postMessage(Math.sqrt(this.sum / this.count));
        this.sum = 0;
        this.count = 0;
      }
    }
    return true;
  }
}

registerProcessor('energy', EnergyProcessor);
