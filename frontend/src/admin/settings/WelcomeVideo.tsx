/**
 * The hiring team's welcome video, recorded here with the candidates' recorder (the same camera
 * and in-browser WebM recorder as an answer, the same playback to review it), then saved to the
 * server, which checks and stores it for the candidates' first page. Admins replace or remove it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../../api/client";
import { PlaybackVideo } from "../../candidate/PlaybackVideo";
import { Camera } from "../../media/camera";
import { FallbackRecorder } from "../../media/upload";
import { Alert, formatDuration } from "../../ui/components";

type Brand = Schemas["BrandingOut"];
const MAX_SECONDS = 180;

type Phase =
  | { name: "idle" }
  | { name: "starting" }
  | { name: "recording"; startedAt: number }
  | { name: "review"; blob: Blob; url: string }
  | { name: "saving" };

export function WelcomeVideo(props: { brand: Brand; onChange: (b: Brand, message: string) => void; busy: boolean }) {
  const { brand } = props;
  const [phase, setPhase] = useState<Phase>({ name: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const camera = useRef(new Camera());
  const recorder = useRef<FallbackRecorder | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const focus = useRef<HTMLButtonElement>(null);

  useEffect(() => () => camera.current.stop(), []);
  useEffect(() => {
    const url = phase.name === "review" ? phase.url : null;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [phase]);
  // Focus follows the flow: Stop while recording, Save in review.
  useEffect(() => {
    if (phase.name === "recording" || phase.name === "review") focus.current?.focus({ preventScroll: true });
  }, [phase.name]);
  useEffect(() => {
    if (phase.name !== "recording") return;
    const id = window.setInterval(() => {
      const s = (performance.now() - phase.startedAt) / 1000;
      setElapsed(Math.min(s, MAX_SECONDS));
      if (s >= MAX_SECONDS) void stop();
    }, 250);
    return () => clearInterval(id);
  }, [phase]);

  async function start() {
    setError(null);
    setPhase({ name: "starting" });
    try {
      const stream = await camera.current.ensure();
      if (preview.current) preview.current.srcObject = stream;
      recorder.current = new FallbackRecorder(stream);
      setElapsed(0);
      setPhase({ name: "recording", startedAt: performance.now() });
    } catch (err) {
      camera.current.stop();
      setError(errorMessage(err));
      setPhase({ name: "idle" });
    }
  }

  async function stop() {
    const rec = recorder.current;
    if (!rec) return;
    recorder.current = null;
    const blob = await rec.stop();
    camera.current.stop();
    setPhase({ name: "review", blob, url: URL.createObjectURL(blob) });
  }

  async function save(blob: Blob) {
    setError(null);
    setPhase({ name: "saving" });
    try {
      const b = await call(
        api.PUT("/api/organization/branding/welcome-video", {
          body: blob as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { "content-type": "video/webm" },
        }),
      );
      setPhase({ name: "idle" });
      props.onChange(b, "Welcome video saved: candidates see it on the first page.");
    } catch (err) {
      setError(errorMessage(err));
      setPhase({ name: "review", blob, url: URL.createObjectURL(blob) });
    }
  }

  async function remove() {
    setError(null);
    try {
      const b = await call(api.DELETE("/api/organization/branding/welcome-video"));
      props.onChange(b, "Welcome video removed.");
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const live = phase.name === "starting" || phase.name === "recording";
  const hasVideo = brand.welcome_video_version !== null && brand.welcome_video_version !== undefined;
  return (
    <div class="field welcome-video-field" role="group" aria-labelledby="welcome-video-h">
      <h3 id="welcome-video-h">Welcome video (optional)</h3>
      <p class="small muted">
        Record a short hello (at most {formatDuration(MAX_SECONDS)}) in the same recorder candidates use. Candidates see it
        on the first page of their interview.
      </p>
      {error && <Alert>{error}</Alert>}
      {phase.name === "idle" && hasVideo && (
        <PlaybackVideo
          src={`/api/organization/branding/welcome-video?v=${brand.welcome_video_version}`}
          label="Play the current welcome video"
        />
      )}
      <div class="preview-wrap" hidden={!live}>
        <video ref={preview} class="preview" autoplay muted playsInline aria-label="Your camera" />
      </div>
      {phase.name === "recording" && (
        <p class="rec-line">
          <span class="rec-dot" aria-hidden="true" />
          <span>Recording</span>
          <span class="countdown" role="timer" aria-live="off">
            {formatDuration(elapsed)} / {formatDuration(MAX_SECONDS)}
          </span>
        </p>
      )}
      {phase.name === "review" && <PlaybackVideo src={phase.url} label="Play back the welcome video you recorded" />}
      <div class="actions-row">
        {phase.name === "idle" && (
          <>
            <button type="button" class="btn" disabled={props.busy} onClick={start}>
              {hasVideo ? "Record a new welcome video" : "Record a welcome video"}
            </button>
            {hasVideo && (
              <button type="button" class="btn btn-small" disabled={props.busy} onClick={remove}>
                Remove welcome video
              </button>
            )}
          </>
        )}
        {phase.name === "starting" && (
          <p role="status">
            <span class="spinner" aria-hidden="true" /> Starting the camera…
          </p>
        )}
        {phase.name === "recording" && (
          <button ref={focus} type="button" class="btn btn-danger" onClick={stop}>
            Stop recording
          </button>
        )}
        {phase.name === "review" && (
          <>
            <button ref={focus} type="button" class="btn btn-primary" onClick={() => save(phase.blob)}>
              Save this welcome video
            </button>
            <button type="button" class="btn" onClick={start}>
              Record again
            </button>
            <button type="button" class="btn btn-small" onClick={() => setPhase({ name: "idle" })}>
              Cancel
            </button>
          </>
        )}
        {phase.name === "saving" && (
          <p role="status">
            <span class="spinner" aria-hidden="true" /> Saving the welcome video…
          </p>
        )}
      </div>
    </div>
  );
}
