/**
 * One video question's takes: start (offer → answer → connected), stop (the stored answer and a
 * local playback), accept; the phase the question is in, and how many takes are left. The
 * component shows the phase; this hook owns the connection and the server calls.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, type Schemas } from "../api/client";
import { t } from "../i18n";
import { candidateError } from "../i18n/problems";
import type { Camera } from "../media/camera";
import { LocalRecorder } from "../media/localRecorder";
import { connected, iceServersFor, openSendingPeer } from "../media/peer";
import { FallbackRecorder, uploadTake } from "../media/upload";
import { newId, pendingTake, setPendingTake } from "./storage";

type Question = Schemas["CandidateQuestion"];
type Stored = Schemas["CandidateResponse"];

export type Phase =
  | { name: "think" }
  | { name: "ready"; late?: boolean }
  | { name: "connecting" }
  | { name: "recording"; takeId: string; maxSeconds: number; upload?: boolean }
  | { name: "stopping" }
  | { name: "uploading"; takeId: string; sent: number; total: number }
  | { name: "review"; takeId: string; stored: Stored | null; playback: string | null }
  | { name: "accepting"; takeId: string }
  | { name: "error"; message: string; takeId?: string };

interface Live {
  pc: RTCPeerConnection | null;
  recorder: LocalRecorder;
  fallback?: FallbackRecorder;
}

/** Where a question starts on (re)load: a take waiting for review, think time, or ready. */
function initialPhase(token: string, question: Question, thinkLeft: number): Phase {
  const pending = pendingTake(token, question.id);
  if (pending) return { name: "review", takeId: pending, stored: null, playback: null };
  if (question.takes_used > 0 || question.answer_started_at) return { name: "ready" };
  // Think time already over (a reload after it ended): the answer must start now.
  if (question.think_time_s > 0 && thinkLeft <= 0) return { name: "ready", late: true };
  return { name: "think" };
}

export function useTake(props: { token: string; question: Question; camera: Camera; thinkLeft: number; onAnswered: () => void }) {
  const { token, question } = props;
  const totalTakes = 1 + question.retakes_allowed;
  const [takesUsed, setTakesUsed] = useState(question.takes_used);
  const [phase, setPhase] = useState<Phase>(() => initialPhase(token, question, props.thinkLeft));
  const live = useRef<Live | null>(null);

  // Leaving the page mid-take: close the connection (the server keeps what arrived).
  useEffect(
    () => () => {
      live.current?.pc?.close();
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

  function release() {
    live.current?.pc?.close();
    live.current = null;
    props.camera.stop();
  }

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
      try {
        await connected(pc);
      } catch {
        // No UDP and no TURN (or a dead path): record in the browser and upload over HTTPS.
        pc.close();
        pc = null;
        await call(
          api.POST("/api/candidate/{token}/takes/{take_id}/stop", { params: { path: { token, take_id: takeId } } }),
        ).catch(() => null); // nothing was recorded there: the server drops that take
        startFallback(stream, answer.max_seconds || question.max_answer_s);
        return;
      }
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

  function startFallback(stream: MediaStream, maxSeconds: number) {
    const takeId = newId();
    const recorder = new LocalRecorder();
    recorder.start(stream);
    live.current = { pc: null, recorder, fallback: new FallbackRecorder(stream) };
    setPhase({ name: "recording", takeId, maxSeconds, upload: true });
  }

  async function stopUpload(takeId: string, fallback: FallbackRecorder) {
    setPhase({ name: "stopping" });
    try {
      const blob = await fallback.stop();
      const playback = await localPlayback(live.current?.recorder);
      release();
      setPhase({ name: "uploading", takeId, sent: 0, total: blob.size });
      await uploadTake(token, question.id, takeId, blob, (sent, total) =>
        setPhase({ name: "uploading", takeId, sent, total }),
      );
      setPendingTake(token, question.id, takeId);
      const stored = await call(
        api.POST("/api/candidate/{token}/takes/{take_id}/stop", { params: { path: { token, take_id: takeId } } }),
      );
      setTakesUsed((n) => Math.max(n + 1, stored.take));
      setPhase({ name: "review", takeId, stored, playback });
    } catch (err) {
      release();
      setPhase({ name: "error", message: candidateError(err) });
    }
  }

  async function stop(takeId: string) {
    const fallback = live.current?.fallback;
    if (fallback) return stopUpload(takeId, fallback);
    setPhase({ name: "stopping" });
    try {
      const stored = await call(
        api.POST("/api/candidate/{token}/takes/{take_id}/stop", { params: { path: { token, take_id: takeId } } }),
      );
      const playback = await localPlayback(live.current?.recorder);
      release();
      setTakesUsed((n) => Math.max(n + 1, stored.take));
      setPhase({ name: "review", takeId, stored, playback });
    } catch (err) {
      await localPlayback(live.current?.recorder);
      release();
      setPendingTake(token, question.id, null);
      setTakesUsed((n) => n + 1);
      setPhase({ name: "error", message: candidateError(err) });
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
      setPhase({ name: "error", message: candidateError(err), takeId });
    }
  }

  function retake() {
    setPendingTake(token, question.id, null);
    setPhase({ name: "ready" });
  }

  return {
    phase,
    setPhase,
    record,
    stop,
    accept,
    retake,
    totalTakes,
    retakesLeft: Math.max(0, totalTakes - takesUsed),
  };
}

/** The local copy for playback, or null: the stored answer never waits on it for long. */
function localPlayback(recorder: LocalRecorder | undefined): Promise<string | null> {
  if (!recorder) return Promise.resolve(null);
  return Promise.race([
    recorder.stop(),
    new Promise<null>((resolve) => window.setTimeout(() => resolve(null), 3000)),
  ]);
}

function recordingError(err: unknown): string {
  if (err instanceof ApiError && (err.status === 405 || (err.status === 404 && err.detail === "Not Found"))) {
    return t("video.unavailable");
  }
  return candidateError(err);
}
