/** A video question: think time on the server's clock, recording with a limit, review and retake, then accept. */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { t, useT } from "../i18n";
import { formatClock, formatDuration, formatPercent } from "../i18n/format";
import { candidateError } from "../i18n/problems";
import type { Camera } from "../media/camera";
import { Alert } from "../ui/components";
import { type ServerClock, secondsUntil, useCountdown } from "./clock";
import { PlaybackVideo } from "./PlaybackVideo";
import { type Phase, useTake } from "./useTake";

type Question = Schemas["CandidateQuestion"];

export function VideoQuestion(props: {
  token: string;
  question: Question;
  camera: Camera;
  clock: ServerClock;
  onAnswered: () => void;
}) {
  const { token, question } = props;
  useT();
  const thinkLeft = question.think_ends_at ? secondsUntil(question.think_ends_at, props.clock) : question.think_time_s;
  const { phase, setPhase, record, stop, accept, retake, retryUpload, totalTakes, retakesLeft } = useTake({
    token,
    question,
    camera: props.camera,
    thinkLeft,
    onAnswered: props.onAnswered,
  });
  const takesUsed = totalTakes - retakesLeft;
  const preview = useRef<HTMLVideoElement>(null);
  const [previewStream, setPreviewStream] = useState<MediaStream | null>(null);
  const focusTarget = useRef<HTMLButtonElement>(null);
  const busyPanel = useRef<HTMLDivElement & HTMLParagraphElement>(null);

  // Show the camera while thinking and recording; turn it off for review.
  const cameraOn = phase.name === "think" || phase.name === "ready" || phase.name === "connecting" || phase.name === "recording";
  useEffect(() => {
    if (!cameraOn) return;
    let cancelled = false;
    props.camera.ensure().then(
      (s) => !cancelled && setPreviewStream(s),
      (err: unknown) => !cancelled && setPhase({ name: "error", message: candidateError(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [cameraOn]);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = cameraOn ? previewStream : null;
  }, [previewStream, cameraOn, phase.name]);
  // Keyboard focus follows the flow: Stop while recording, "Use this answer" in review.
  // While connecting, saving or uploading, the status itself holds focus (not the page body).
  useEffect(() => {
    if (phase.name === "recording" || phase.name === "review" || phase.name === "ready" || phase.name === "error") {
      focusTarget.current?.focus({ preventScroll: true });
    } else if (["restoring", "connecting", "stopping", "uploading", "accepting"].includes(phase.name)) {
      busyPanel.current?.focus({ preventScroll: true });
    }
  }, [phase.name]);


  return (
    <div class="video-q">
      {(cameraOn || phase.name === "stopping") && (
        <div class="preview-wrap">
          <video ref={preview} class="preview" autoplay muted playsInline aria-label={t("video.camera")} />
          {phase.name === "recording" && (
            <span class="rec-badge" aria-hidden="true">
              {t("video.rec")}
            </span>
          )}
        </div>
      )}

      {phase.name === "think" && (
        <ThinkTime seconds={question.think_time_s} endsAt={question.think_ends_at ?? null} clock={props.clock} onDone={record} />
      )}

      {phase.name === "ready" && (
        <div class="panel">
          {phase.notice && <Alert kind="warning">{phase.notice}</Alert>}
          {phase.late && (
            <Alert kind="warning">{t("video.lateThink")}</Alert>
          )}
          <p>
            {t("video.takeOf", { take: takesUsed + 1, total: totalTakes, duration: formatDuration(question.max_answer_s) })}
          </p>
          <button ref={focusTarget} type="button" class="btn btn-primary btn-large" onClick={record}>
            {t("video.startRecording")}
          </button>
        </div>
      )}

      {(phase.name === "connecting" || phase.name === "stopping" || phase.name === "restoring") && (
        <p ref={busyPanel} class="panel" role="status" tabIndex={-1}>
          <span class="spinner" aria-hidden="true" />
          {phase.name === "connecting"
            ? t("video.connecting")
            : phase.name === "restoring"
              ? t("video.restoring")
              : t("video.saving")}
        </p>
      )}

      {phase.name === "uploading" && <UploadProgress question={question} phase={phase} panelRef={busyPanel} />}

      {phase.name === "recording" && (
        <RecordingTimer
          maxSeconds={phase.maxSeconds}
          onStop={() => stop(phase.takeId)}
          token={token}
          takeId={phase.takeId}
          upload={phase.upload ?? false}
          stopRef={focusTarget}
        />
      )}

      {phase.name === "review" && (
        <div class="panel review">
          <h3>{t("video.reviewHeading")}</h3>
          {phase.playback ? (
            <PlaybackVideo src={phase.playback} label={t("video.playback")} />
          ) : (
            <p class="muted">{t("video.noPlayback")}</p>
          )}
          {phase.stored && (
            <p class="small">
              {t("video.storedTake", { take: phase.stored.take, total: totalTakes })}
              {phase.stored.duration_s !== null && (
                <> · {t("video.recorded", { duration: formatDuration(phase.stored.duration_s) })}</>
              )}
              {phase.stored.is_partial && <> · {t("video.partial")}</>}
            </p>
          )}
          <div class="actions-row">
            <button ref={focusTarget} type="button" class="btn btn-primary btn-large" onClick={() => accept(phase.takeId)}>
              {t("video.useAnswer")}
            </button>
            {retakesLeft > 0 && (
              <button
                type="button"
                class="btn btn-large"
                onClick={retake}
              >
                {t("video.recordAgain", { count: retakesLeft })}
              </button>
            )}
          </div>
          {retakesLeft === 0 && <p class="small muted">{t("video.noTakesLeft")}</p>}
        </div>
      )}

      {phase.name === "accepting" && (
        <p ref={busyPanel} class="panel" role="status" tabIndex={-1}>
          <span class="spinner" aria-hidden="true" />
          {t("video.submitting")}
        </p>
      )}

      {phase.name === "error" && (
        <div class="panel">
          <Alert>{phase.message}</Alert>
          <div class="actions-row">
            {phase.retryUpload ? (
              <button ref={focusTarget} type="button" class="btn btn-primary" onClick={retryUpload}>
                {t("common.tryAgain")}
              </button>
            ) : phase.takeId ? (
              <button ref={focusTarget} type="button" class="btn btn-primary" onClick={() => accept(phase.takeId!)}>
                {t("common.tryAgain")}
              </button>
            ) : retakesLeft > 0 ? (
              <button ref={focusTarget} type="button" class="btn btn-primary" onClick={() => setPhase({ name: "ready" })}>
                {t("video.tryRecordingAgain")}
              </button>
            ) : null}
          </div>
        </div>
      )}
    </div>
  );
}

/** The upload's progress; after a reload, plainly which answer is still being sent. */
function UploadProgress(props: {
  question: Question;
  phase: Extract<Phase, { name: "uploading" }>;
  panelRef: RefObject<HTMLDivElement | null>;
}) {
  const { phase, question } = props;
  const percent = formatPercent(phase.total > 0 ? Math.floor((100 * phase.sent) / phase.total) / 100 : 0);
  const duration = phase.resumed ? formatDuration(Math.round(phase.resumed.durationS)) : "";
  return (
    <div ref={props.panelRef} class="panel" role="status" tabIndex={-1}>
      <p>
        <span class="spinner" aria-hidden="true" />
        {!phase.resumed
          ? t("video.uploading", { percent })
          : question.number
            ? t("video.resumingUpload", { number: question.number, duration, percent })
            : t("video.resumingUploadPractice", { duration, percent })}
      </p>
      <progress max={phase.total || 1} value={phase.sent} aria-label={t("video.uploadProgress")} />
      {phase.resumed && <p class="small">{t("video.resumedNote")}</p>}
      {phase.unsaved ? (
        <Alert kind="warning">{t("video.uploadUnsaved")}</Alert>
      ) : (
        <p class="small muted">{t("video.uploadKeepOpen")}</p>
      )}
    </div>
  );
}

function ThinkTime(props: { seconds: number; endsAt: string | null; clock: ServerClock; onDone: () => void }) {
  // The server's clock: a reload resumes the same think time instead of restarting it.
  const left = useCountdown(props.seconds > 0 ? props.endsAt : null, props.clock, props.onDone) ?? props.seconds;
  const ready = useRef<HTMLButtonElement>(null);
  useEffect(() => ready.current?.focus({ preventScroll: true }), []);
  if (props.seconds <= 0) {
    return (
      <div class="panel">
        <button ref={ready} type="button" class="btn btn-primary btn-large" onClick={props.onDone}>
          {t("video.startRecording")}
        </button>
      </div>
    );
  }
  return (
    <div class="panel think">
      <p>
        <span class="label">{t("video.thinkTime")}</span>
        <span class="countdown" role="timer" aria-live="off">
          {formatClock(left)}
        </span>
      </p>
      <p class="small muted">{t("video.autoStart")}</p>
      <button ref={ready} type="button" class="btn btn-primary btn-large" onClick={props.onDone}>
        {t("video.readyStart")}
      </button>
    </div>
  );
}

function RecordingTimer(props: {
  maxSeconds: number;
  onStop: () => void;
  token: string;
  takeId: string;
  upload: boolean;
  stopRef: RefObject<HTMLButtonElement | null>;
}) {
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
    if (props.upload) return; // recorded in the browser: nothing reaches the server until the end
    let quietSince: number | null = null;
    let timer = 0;
    let ended = false;
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
      if (!ended) timer = window.setTimeout(poll, 1500);
    };
    timer = window.setTimeout(poll, 1500);
    return () => {
      ended = true;
      clearTimeout(timer);
    };
  }, []);

  const left = Math.max(0, props.maxSeconds - elapsed);
  const pct = (elapsed / props.maxSeconds) * 100;
  return (
    <div class="panel recording">
      <p class="rec-line">
        <span class="rec-dot" aria-hidden="true" />
        <span>{t("video.recording")}</span>
        <span class="countdown" role="timer" aria-live="off">
          {formatClock(elapsed)} / {formatClock(props.maxSeconds)}
        </span>
      </p>
      <div class="progress" aria-hidden="true">
        <span style={{ width: `${pct}%` }} />
      </div>
      <p class="sr-only" aria-live="polite">
        {left <= 30 && left > 29 ? t("video.thirtyLeft") : ""}
      </p>
      {props.upload && (
        <p class="small muted">{t("video.uploadMode")}</p>
      )}
      {silent && <Alert kind="warning">{t("video.silent")}</Alert>}
      <button ref={props.stopRef} type="button" class="btn btn-danger btn-large" onClick={stopOnce}>
        {t("video.stopRecording")}
      </button>
    </div>
  );
}
