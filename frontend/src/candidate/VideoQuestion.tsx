/** A video question: think time, recording with a limit, review and retake, then accept. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage, type Schemas } from "../api/client";
import type { Camera } from "../media/camera";
import { LocalRecorder } from "../media/localRecorder";
import { connected, iceServersFor, openSendingPeer } from "../media/peer";
import { Alert, formatDuration } from "../ui/components";
import { newId, pendingTake, setPendingTake } from "./storage";

type Question = Schemas["CandidateQuestion"];
type Stored = Schemas["CandidateResponse"];

type Phase =
  | { name: "think" }
  | { name: "ready" }
  | { name: "connecting" }
  | { name: "recording"; takeId: string; maxSeconds: number }
  | { name: "stopping" }
  | { name: "review"; takeId: string; stored: Stored | null; playback: string | null }
  | { name: "accepting"; takeId: string }
  | { name: "error"; message: string; takeId?: string };

interface Live {
  pc: RTCPeerConnection;
  recorder: LocalRecorder;
}

export function VideoQuestion(props: { token: string; question: Question; camera: Camera; onAnswered: () => void }) {
  const { token, question } = props;
  const totalTakes = 1 + question.retakes_allowed;
  const [takesUsed, setTakesUsed] = useState(question.takes_used);
  const [phase, setPhase] = useState<Phase>(() => {
    const pending = pendingTake(token, question.id);
    return pending ? { name: "review", takeId: pending, stored: null, playback: null } : { name: "think" };
  });
  const live = useRef<Live | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const [previewStream, setPreviewStream] = useState<MediaStream | null>(null);

  // Show the camera while thinking and recording; turn it off for review.
  const cameraOn = phase.name === "think" || phase.name === "ready" || phase.name === "connecting" || phase.name === "recording";
  useEffect(() => {
    if (!cameraOn) return;
    let cancelled = false;
    props.camera.ensure().then(
      (s) => !cancelled && setPreviewStream(s),
      (err: unknown) => !cancelled && setPhase({ name: "error", message: errorMessage(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [cameraOn]);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = cameraOn ? previewStream : null;
  }, [previewStream, cameraOn, phase.name]);

  // Leaving the page mid-take: close the connection (the server keeps what arrived).
  useEffect(
    () => () => {
      live.current?.pc.close();
      void live.current?.recorder.stop();
      props.camera.stop();
    },
    [],
  );
  // Free the previous playback blob.
  useEffect(() => {
    const url = phase.name === "review" ? phase.playback : null;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [phase]);

  async function record() {
    setPhase({ name: "connecting" });
    const takeId = newId();
    let pc: RTCPeerConnection | null = null;
    try {
      const stream = await props.camera.ensure();
      const peer = await openSendingPeer(stream, await iceServersFor(token));
      pc = peer.pc;
      const answer = await call(
        api.POST("/api/candidate/{token}/takes", {
          params: { path: { token } },
          body: { question_id: question.id, take_id: takeId, sdp: peer.sdp, type: "offer" },
        }),
      );
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      await connected(pc);
      const recorder = new LocalRecorder();
      recorder.start(stream);
      live.current = { pc, recorder };
      setPendingTake(token, question.id, takeId);
      setPhase({ name: "recording", takeId, maxSeconds: answer.max_seconds || question.max_answer_s });
    } catch (err) {
      pc?.close();
      setPhase({ name: "error", message: recordingError(err) });
    }
  }

  async function stop(takeId: string) {
    setPhase({ name: "stopping" });
    try {
      const stored = await call(
        api.POST("/api/candidate/{token}/takes/{take_id}/stop", { params: { path: { token, take_id: takeId } } }),
      );
      const playback = (await live.current?.recorder.stop()) ?? null;
      live.current?.pc.close();
      live.current = null;
      props.camera.stop();
      setTakesUsed((n) => Math.max(n + 1, stored.take));
      setPhase({ name: "review", takeId, stored, playback });
    } catch (err) {
      await live.current?.recorder.stop();
      live.current?.pc.close();
      live.current = null;
      props.camera.stop();
      setPendingTake(token, question.id, null);
      setTakesUsed((n) => n + 1);
      setPhase({ name: "error", message: errorMessage(err) });
    }
  }

  async function accept(takeId: string) {
    setPhase({ name: "accepting", takeId });
    try {
      await call(
        api.POST("/api/candidate/{token}/takes/{take_id}/accept", { params: { path: { token, take_id: takeId } } }),
      );
      setPendingTake(token, question.id, null);
      props.onAnswered();
    } catch (err) {
      setPhase({ name: "error", message: errorMessage(err), takeId });
    }
  }

  const retakesLeft = Math.max(0, totalTakes - takesUsed);

  return (
    <div class="video-q">
      {(cameraOn || phase.name === "stopping") && (
        <div class="preview-wrap">
          <video ref={preview} class="preview" autoplay muted playsInline aria-label="Your camera" />
          {phase.name === "recording" && (
            <span class="rec-badge" aria-hidden="true">
              REC
            </span>
          )}
        </div>
      )}

      {phase.name === "think" && (
        <ThinkTime seconds={question.think_time_s} onDone={record} />
      )}

      {phase.name === "ready" && (
        <div class="panel">
          <p>
            Take {takesUsed + 1} of {totalTakes}. Recording starts when you press the button and stops
            automatically after {formatDuration(question.max_answer_s)}.
          </p>
          <button type="button" class="btn btn-primary btn-large" onClick={record}>
            Start recording
          </button>
        </div>
      )}

      {(phase.name === "connecting" || phase.name === "stopping") && (
        <p class="panel" role="status">
          <span class="spinner" aria-hidden="true" />
          {phase.name === "connecting" ? "Connecting to the recording server…" : "Saving your answer…"}
        </p>
      )}

      {phase.name === "recording" && (
        <RecordingTimer maxSeconds={phase.maxSeconds} onStop={() => stop(phase.takeId)} token={token} takeId={phase.takeId} />
      )}

      {phase.name === "review" && (
        <div class="panel review">
          <h3>Review your answer</h3>
          {phase.playback ? (
            <video class="playback" src={phase.playback} controls playsInline aria-label="Play back your recording" />
          ) : (
            <p class="muted">
              Your recording was saved. Playback is only available right after recording, not after the page reloads.
            </p>
          )}
          {phase.stored && (
            <p class="small">
              Take {phase.stored.take} of {totalTakes}
              {phase.stored.duration_s !== null && <> · {formatDuration(phase.stored.duration_s)} recorded</>}
              {phase.stored.is_partial && <> · the connection dropped, so part of this take may be missing</>}
            </p>
          )}
          <div class="actions-row">
            <button type="button" class="btn btn-primary btn-large" onClick={() => accept(phase.takeId)}>
              Use this answer
            </button>
            {retakesLeft > 0 && (
              <button
                type="button"
                class="btn btn-large"
                onClick={() => {
                  setPendingTake(token, question.id, null);
                  setPhase({ name: "ready" });
                }}
              >
                Record again ({retakesLeft} {retakesLeft === 1 ? "retake" : "retakes"} left)
              </button>
            )}
          </div>
          {retakesLeft === 0 && <p class="small muted">You have used all your takes for this question.</p>}
        </div>
      )}

      {phase.name === "accepting" && (
        <p class="panel" role="status">
          <span class="spinner" aria-hidden="true" />
          Submitting your answer…
        </p>
      )}

      {phase.name === "error" && (
        <div class="panel">
          <Alert>{phase.message}</Alert>
          <div class="actions-row">
            {phase.takeId ? (
              <button type="button" class="btn btn-primary" onClick={() => accept(phase.takeId!)}>
                Try again
              </button>
            ) : retakesLeft > 0 ? (
              <button type="button" class="btn btn-primary" onClick={() => setPhase({ name: "ready" })}>
                Try recording again
              </button>
            ) : null}
          </div>
        </div>
      )}
    </div>
  );
}

function recordingError(err: unknown): string {
  if (err instanceof ApiError && (err.status === 405 || (err.status === 404 && err.detail === "Not Found"))) {
    return "Video recording is not available on this server right now. Please try again later or contact the company that invited you.";
  }
  return errorMessage(err);
}

function ThinkTime(props: { seconds: number; onDone: () => void }) {
  const [left, setLeft] = useState(props.seconds);
  useEffect(() => {
    if (props.seconds <= 0) return;
    const end = performance.now() + props.seconds * 1000;
    const id = window.setInterval(() => {
      const remaining = Math.ceil((end - performance.now()) / 1000);
      setLeft(Math.max(0, remaining));
      if (remaining <= 0) {
        clearInterval(id);
        props.onDone();
      }
    }, 250);
    return () => clearInterval(id);
  }, []);
  if (props.seconds <= 0) {
    return (
      <div class="panel">
        <button type="button" class="btn btn-primary btn-large" onClick={props.onDone}>
          Start recording
        </button>
      </div>
    );
  }
  return (
    <div class="panel think">
      <p>
        <span class="label">Think time</span>
        <span class="countdown" role="timer" aria-live="off">
          {formatDuration(left)}
        </span>
      </p>
      <p class="small muted">Recording starts automatically when the time is up.</p>
      <button type="button" class="btn btn-primary btn-large" onClick={props.onDone}>
        I’m ready — start recording
      </button>
    </div>
  );
}

function RecordingTimer(props: { maxSeconds: number; onStop: () => void; token: string; takeId: string }) {
  const [elapsed, setElapsed] = useState(0);
  const [silent, setSilent] = useState(false);
  const stopped = useRef(false);
  const stopOnce = () => {
    if (stopped.current) return;
    stopped.current = true;
    props.onStop();
  };

  useEffect(() => {
    const start = performance.now();
    const id = window.setInterval(() => {
      const s = (performance.now() - start) / 1000;
      setElapsed(Math.min(s, props.maxSeconds));
      if (s >= props.maxSeconds) {
        clearInterval(id);
        stopOnce();
      }
    }, 200);
    return () => clearInterval(id);
  }, []);

  // Warn if the server hears nothing for a while.
  useEffect(() => {
    let quietSince: number | null = null;
    let timer = 0;
    const poll = async () => {
      try {
        const lv = await call(
          api.GET("/api/candidate/{token}/takes/{take_id}/level", {
            params: { path: { token: props.token, take_id: props.takeId } },
          }),
        );
        if (lv.receiving) {
          quietSince = null;
          setSilent(false);
        } else {
          quietSince ??= performance.now();
          if (performance.now() - quietSince > 5000) setSilent(true);
        }
      } catch {
        /* advisory only */
      }
      timer = window.setTimeout(poll, 1500);
    };
    timer = window.setTimeout(poll, 1500);
    return () => clearTimeout(timer);
  }, []);

  const left = Math.max(0, props.maxSeconds - elapsed);
  const pct = (elapsed / props.maxSeconds) * 100;
  return (
    <div class="panel recording">
      <p class="rec-line">
        <span class="rec-dot" aria-hidden="true" />
        <span>Recording</span>
        <span class="countdown" role="timer" aria-live="off">
          {formatDuration(elapsed)} / {formatDuration(props.maxSeconds)}
        </span>
      </p>
      <div class="progress" aria-hidden="true">
        <span style={{ width: `${pct}%` }} />
      </div>
      <p class="sr-only" aria-live="polite">
        {left <= 30 && left > 29 ? "30 seconds left" : ""}
      </p>
      {silent && <Alert kind="warning">We are not receiving any sound. Check that your microphone is not muted.</Alert>}
      <button type="button" class="btn btn-danger btn-large" onClick={stopOnce}>
        Stop recording
      </button>
    </div>
  );
}
