/**
 * The recording fallback: when WebRTC cannot connect (no UDP, no TURN) or drops for good, the
 * answer is recorded in the browser (MediaRecorder, WebM VP8/Opus) and uploaded in chunks with
 * tus (tus-js-client): each chunk acknowledged, retried with backoff, resumed from the offset
 * the server holds after a network loss. The upload's URL is kept in localStorage per take
 * (tus-js-client's URL storage, fingerprint = take id), so a second try resumes, not restarts.
 */
import * as tus from "tus-js-client";

export const CHUNK_BYTES = 2 * 1024 * 1024;

const TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];

/** Records the whole answer in the browser; `stop()` returns the recording. */
export class FallbackRecorder {
  private recorder: MediaRecorder;
  private chunks: Blob[] = [];

  constructor(stream: MediaStream) {
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    this.recorder = new MediaRecorder(stream, mimeType ? { mimeType, videoBitsPerSecond: 1_000_000 } : undefined);
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    this.recorder.start(1000);
  }

  stop(): Promise<Blob> {
    const rec = this.recorder;
    const done = () => new Blob(this.chunks, { type: rec.mimeType || "video/webm" });
    if (rec.state === "inactive") return Promise.resolve(done());
    return new Promise((resolve) => {
      rec.onstop = () => resolve(done());
      rec.stop();
    });
  }
}

/** Upload `blob` as take `takeId` of `questionId`; resolves when the server has kept it. */
export function uploadTake(
  token: string,
  questionId: string,
  takeId: string,
  blob: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(blob, {
      endpoint: `/api/candidate/${encodeURIComponent(token)}/uploads`,
      chunkSize: CHUNK_BYTES,
      // Network loss: keep trying for about two minutes, then say so (the candidate may retry).
      retryDelays: [0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 15000, 20000, 30000],
      metadata: { question_id: questionId, take_id: takeId, filetype: blob.type },
      fingerprint: async () => `viva-take-${takeId}`,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => onProgress(sent, total),
      onChunkComplete: (_size, acked, total) => onProgress(acked, total),
      onSuccess: () => resolve(),
      onError: (err) => reject(uploadError(err)),
      onShouldRetry: (err) => {
        const status = (err as tus.DetailedError).originalResponse?.getStatus() ?? 0;
        return status === 0 || status === 409 || status === 423 || status >= 500;
      },
    });
    void upload.findPreviousUploads().then((previous) => {
      const last = previous[0];
      if (last) upload.resumeFromPreviousUpload(last);
      upload.start();
    });
  });
}

function uploadError(err: Error): Error {
  const res = (err as tus.DetailedError).originalResponse;
  const body = res?.getBody();
  if (body) {
    try {
      const problem = JSON.parse(body) as { detail?: string };
      if (problem.detail) return new Error(problem.detail);
    } catch {
      /* not a problem body */
    }
  }
  return new Error(UPLOAD_LOST);
}

/** The message when the connection stayed away too long (shown translated on candidate pages). */
export const UPLOAD_LOST =
  "Your answer could not be uploaded: the connection to the server was lost for too long. " +
  "Check your internet connection, then press Try again; what was sent is kept.";
