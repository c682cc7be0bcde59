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
import { forgetUpload, markCreated, saveUpload, savedUpload } from "./savedUploads";
import { newId, pendingTake, setPendingTake } from "./storage";
import { ensureResumable, forgetResumable, serverUpload, uploadUrl, wasCreated } from "./uploadResume";

type Question = Schemas["CandidateQuestion"];
type Stored = Schemas["CandidateResponse"];

export type Phase =
  | { name: "think" }
  | { name: "restoring" }
  | { name: "ready"; late?: boolean; notice?: string }
  | { name: "connecting" }
  | { name: "recording"; takeId: string; maxSeconds: number; upload?: boolean }
  | { name: "stopping" }
  | { name: "uploading"; takeId: string; sent: number; total: number; resumed?: Recovered; unsaved?: boolean }
  | { name: "review"; takeId: string; stored: Stored | null; playback: string | null }
  | { name: "accepting"; takeId: string }
  | { name: "error"; message: string; takeId?: string; retryUpload?: boolean };

/** A recording kept from an earlier page load whose upload this load resumes. */
export interface Recovered {
  durationS: number;
}

/** A recorded answer on its way to the server (in memory; in IndexedDB too when `kept`). */
interface Outgoing {
  takeId: string;
  blob: Blob;
  durationS: number;
  playback: string | null;
  kept: boolean;
  created: boolean;
  resumed?: Recovered;
}

interface Live {
  pc: RTCPeerConnection | null;
  recorder: LocalRecorder;
  fallback?: FallbackRecorder;
  startedAt?: number;
}

/**
 * Where a question starts on (re)load: a take waiting for review, a look for a recording kept in
 * this browser (once the answer has started), think time, or ready.
 */
function initialPhase(token: string, question: Question, thinkLeft: number, restore = true): Phase {
  const pending = pendingTake(token, question.id);
  if (pending) return { name: "review", takeId: pending, stored: null, playback: null };
  if (restore && question.answer_started_at) return { name: "restoring" };
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
  const outgoing = useRef<Outgoing | null>(null);

  // A recording this browser kept from an earlier load (reload, crash, sleep): send it on.
  useEffect(() => {
    if (phase.name !== "restoring") return;
    void savedUpload(token, question.id).then((saved) => {
      if (!saved) {
        setPhase(initialPhase(token, question, props.thinkLeft, false));
        return;
      }
      outgoing.current = {
        takeId: saved.takeId,
        blob: saved.blob,
        durationS: saved.durationS,
        playback: URL.createObjectURL(saved.blob),
        kept: true,
        created: saved.uploadUrl !== undefined,
        resumed: { durationS: saved.durationS },
      };
      void resumeUpload(outgoing.current);
    });
  }, []);

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
    live.current = { pc: null, recorder, fallback: new FallbackRecorder(stream), startedAt: performance.now() };
    setPhase({ name: "recording", takeId, maxSeconds, upload: true });
  }

  async function stopUpload(takeId: string, fallback: FallbackRecorder) {
    setPhase({ name: "stopping" });
    const startedAt = live.current?.startedAt ?? performance.now();
    try {
      const blob = await fallback.stop();
      const durationS = (performance.now() - startedAt) / 1000;
      const playback = await localPlayback(live.current?.recorder);
      release();
      // Kept before the first byte leaves, so a reload from here on loses nothing.
      const kept = await saveUpload(token, { takeId, questionId: question.id, blob, durationS });
      outgoing.current = { takeId, blob, durationS, playback, kept, created: false };
      await sendUpload(outgoing.current);
    } catch (err) {
      release();
      setPhase({ name: "error", message: candidateError(err) });
    }
  }

  function uploading(up: Outgoing, sent: number, total: number): Phase {
    return { name: "uploading", takeId: up.takeId, sent, total, resumed: up.resumed, unsaved: !up.kept };
  }

  /** tus upload from where the server stands, then the take is finished as a live one is. */
  async function sendUpload(up: Outgoing) {
    setPhase((p) => (p.name === "uploading" && p.takeId === up.takeId ? p : uploading(up, 0, up.blob.size)));
    try {
      await uploadTake(token, question.id, up.takeId, up.blob, (sent, total) => {
        if (!up.created) {
          up.created = true; // bytes are moving, so the server has created the upload
          if (up.kept) void markCreated(up.takeId, uploadUrl(token, up.takeId));
        }
        setPhase(uploading(up, sent, total));
      });
      await finishUpload(up);
    } catch (err) {
      setPhase({ name: "error", message: candidateError(err), retryUpload: true });
    }
  }

  async function finishUpload(up: Outgoing) {
    setPendingTake(token, question.id, up.takeId);
    const stored = await call(
      api.POST("/api/candidate/{token}/takes/{take_id}/stop", { params: { path: { token, take_id: up.takeId } } }),
    );
    await forgetUpload(up.takeId); // the server has it
    await forgetResumable(up.takeId);
    outgoing.current = null;
    setTakesUsed((n) => Math.max(n + 1, stored.take));
    setPhase({ name: "review", takeId: up.takeId, stored, playback: up.playback });
  }

  /** Ask the server how much it holds (tus HEAD) and carry on from there. */
  async function resumeUpload(up: Outgoing) {
    setPhase(uploading(up, 0, up.blob.size));
    try {
      const state = await serverUpload(token, up.takeId);
      if (state.kind === "complete") return await finishUpload(up);
      if (state.kind === "missing") {
        if (up.created || (await wasCreated(up.takeId))) return await dropUpload(up); // the server ended it
        return await sendUpload(up); // never created: create it now
      }
      setPhase(uploading(up, state.offset, state.length));
      await ensureResumable(token, up.takeId, up.blob.size);
      await sendUpload(up);
    } catch (err) {
      setPhase({ name: "error", message: candidateError(err), retryUpload: true });
    }
  }

  /** The server will never take this recording (a newer take replaced it, or it was ended). */
  async function dropUpload(up: Outgoing) {
    await forgetUpload(up.takeId);
    await forgetResumable(up.takeId);
    setPendingTake(token, question.id, null);
    if (up.playback) URL.revokeObjectURL(up.playback);
    outgoing.current = null;
    setPhase({ name: "ready", notice: t("video.uploadGone") });
  }

  /** "Try again" after an upload failed: resume from the server's offset, never record again. */
  function retryUpload() {
    const up = outgoing.current;
    if (up) void resumeUpload(up);
    else setPhase({ name: "ready" });
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
    retryUpload,
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
