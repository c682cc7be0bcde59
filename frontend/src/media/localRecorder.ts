/** Records the candidate locally, only so they can play their take back before accepting it. */

const TYPES = ["video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];

export class LocalRecorder {
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];

  start(stream: MediaStream): void {
    if (typeof MediaRecorder === "undefined") return;
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    try {
      this.recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    } catch {
      this.recorder = null;
      return;
    }
    this.chunks = [];
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    this.recorder.start(1000);
  }

  /** Stop and return a blob URL for playback (null if recording was not possible). */
  stop(): Promise<string | null> {
    const rec = this.recorder;
    this.recorder = null;
    if (!rec || rec.state === "inactive") return Promise.resolve(this.url(rec));
    return new Promise((resolve) => {
      rec.onstop = () => resolve(this.url(rec));
      rec.stop();
    });
  }

  private url(rec: MediaRecorder | null): string | null {
    if (!rec || this.chunks.length === 0) return null;
    return URL.createObjectURL(new Blob(this.chunks, { type: rec.mimeType || "video/webm" }));
  }
}
