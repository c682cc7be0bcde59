/** A live microphone level from a MediaStream, via WebAudio's AnalyserNode. */

export const SILENCE_DB = -90;

export class LevelMeter {
  private ctx: AudioContext;
  private analyser: AnalyserNode;
  private source: MediaStreamAudioSourceNode;
  private buffer: Float32Array<ArrayBuffer>;
  private frame = 0;

  constructor(stream: MediaStream) {
    this.ctx = new AudioContext();
    this.source = this.ctx.createMediaStreamSource(stream);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
  }

  /** Call `onLevel` with the RMS level in dBFS about 30 times a second. */
  start(onLevel: (db: number) => void): void {
    void this.ctx.resume();
    let last = 0;
    const tick = (now: number) => {
      this.frame = requestAnimationFrame(tick);
      if (now - last < 33) return;
      last = now;
      this.analyser.getFloatTimeDomainData(this.buffer);
      let sum = 0;
      for (const v of this.buffer) sum += v * v;
      const rms = Math.sqrt(sum / this.buffer.length);
      onLevel(rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB);
    };
    this.frame = requestAnimationFrame(tick);
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.source.disconnect();
    void this.ctx.close();
  }
}

/** 0..100 for a meter, from -60 dBFS (empty) to 0 dBFS (full). */
export function levelPercent(db: number | null): number {
  if (db === null) return 0;
  return Math.round(Math.min(100, Math.max(0, ((db + 60) / 60) * 100)));
}
