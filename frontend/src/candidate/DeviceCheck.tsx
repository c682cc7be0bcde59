/** Camera preview, a live microphone meter, and a check that audio really reaches the server. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call } from "../api/client";
import { t, useT } from "../i18n";
import { formatNumber, formatPercent } from "../i18n/format";
import { candidateError } from "../i18n/problems";
import type { Camera } from "../media/camera";
import { LevelMeter, levelPercent } from "../media/level";
import { connected, iceServersFor, openSendingPeer } from "../media/peer";
import { Alert, PageHeading } from "../ui/components";

type ServerCheck =
  | { state: "idle" | "connecting" | "waiting" | "ok" }
  | { state: "unavailable" | "failed"; message: string };

const HEARD_DB = -50;
/** What a recorded answer needs upstream (video ~0.5 Mbit/s + audio), and the loss it tolerates. */
const NEEDED_KBPS = 300;
const MAX_LOSS = 0.05;

interface NetworkCheck {
  kbps: number;
  loss: number | null;
}

/** Upload throughput and loss over the real WebRTC path, from the sender's stats (5 s). */
async function measurePath(pc: RTCPeerConnection, stopped: () => boolean): Promise<NetworkCheck | null> {
  const sample = async () => {
    let bytes = 0;
    let sent = 0;
    let lost = 0;
    let haveLoss = false;
    (await pc.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === "outbound-rtp") {
        bytes += Number(r.bytesSent ?? 0);
        sent += Number(r.packetsSent ?? 0);
      } else if (r.type === "remote-inbound-rtp" && r.packetsLost !== undefined) {
        lost += Math.max(0, Number(r.packetsLost));
        haveLoss = true;
      }
    });
    return { t: performance.now(), bytes, sent, lost, haveLoss };
  };
  const first = await sample();
  await new Promise((r) => setTimeout(r, 5000));
  if (stopped()) return null;
  const last = await sample();
  const seconds = (last.t - first.t) / 1000;
  const sent = last.sent - first.sent;
  return {
    kbps: ((last.bytes - first.bytes) * 8) / 1000 / seconds,
    loss: last.haveLoss && sent > 0 ? Math.min(1, (last.lost - first.lost) / sent) : null,
  };
}

export function DeviceCheck(props: {
  token: string;
  camera: Camera;
  /** When the check last passed in this browser (within the last hour), if it did. */
  passedAt?: number | null;
  onContinue: (passed: boolean) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const [level, setLevel] = useState<number | null>(null);
  const [heard, setHeard] = useState(false);
  const [server, setServer] = useState<ServerCheck>({ state: "idle" });
  const [attempt, setAttempt] = useState(0);
  const [network, setNetwork] = useState<NetworkCheck | null>(null);
  const [noLiveVideo, setNoLiveVideo] = useState(false);

  // Camera and microphone.
  useEffect(() => {
    let cancelled = false;
    setDeviceError(null);
    props.camera.ensure().then(
      (s) => !cancelled && setStream(s),
      (err: unknown) => {
        if (!cancelled) setDeviceError(candidateError(err)); // a DeviceError in the candidate's language
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // Preview and local level meter.
  useEffect(() => {
    if (!stream) return;
    if (video.current) video.current.srcObject = stream;
    let meter: LevelMeter | null = null;
    try {
      meter = new LevelMeter(stream);
      meter.start((db) => {
        setLevel(db);
        if (db > HEARD_DB) setHeard(true);
      });
    } catch {
      meter = null;
    }
    return () => meter?.stop();
  }, [stream]);

  // Server-side check: does our audio arrive?
  useEffect(() => {
    if (!stream) return;
    let stopped = false;
    let pc: RTCPeerConnection | null = null;
    let checkId: string | null = null;
    let timer = 0;
    const token = props.token;

    async function run() {
      setServer({ state: "connecting" });
      try {
        const ice = await iceServersFor(token);
        const peer = await openSendingPeer(stream!, ice);
        pc = peer.pc;
        if (stopped) return;
        const answer = await call(
          api.POST("/api/candidate/{token}/device-check", {
            params: { path: { token } },
            body: { sdp: peer.sdp, type: "offer" },
          }),
        );
        checkId = answer.check_id;
        await peer.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
        try {
          await connected(peer.pc);
        } catch (err) {
          if (!stopped) setNoLiveVideo(true);
          throw err;
        }
        if (stopped) return;
        setNoLiveVideo(false);
        setServer({ state: "waiting" });
        void measurePath(peer.pc, () => stopped).then((n) => !stopped && n && setNetwork(n));
        const poll = async () => {
          if (stopped || !checkId) return;
          try {
            const st = await call(
              api.GET("/api/candidate/{token}/device-check/{check_id}", {
                params: { path: { token, check_id: checkId } },
              }),
            );
            if (st.receiving) {
              setServer({ state: "ok" });
              return;
            }
          } catch (err) {
            setServer({ state: "failed", message: candidateError(err) });
            return;
          }
          timer = window.setTimeout(poll, 1000);
        };
        await poll();
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 405) && !isTokenProblem(err)) {
          setServer({ state: "unavailable", message: t("device.serverUnavailable") });
        } else setServer({ state: "failed", message: candidateError(err) });
      }
    }
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      pc?.close();
      if (checkId) {
        void api.DELETE("/api/candidate/{token}/device-check/{check_id}", {
          params: { path: { token, check_id: checkId } },
        });
      }
    };
  }, [stream, attempt]);

  const pct = levelPercent(level);
  useT();
  return (
    <main class="candidate-page">
      <PageHeading title={t("device.heading")}>{t("device.heading")}</PageHeading>
      <p class="lead">{t("device.lead")}</p>
      {props.passedAt && (
        <div class="card skip-check">
          <p>{t("device.passedRecently", { count: minutesAgo(props.passedAt) })}</p>
          <button type="button" class="btn" onClick={() => props.onContinue(false)}>
            {t("device.skip")}
          </button>
        </div>
      )}

      {deviceError && (
        <div class="card">
          <Alert>{deviceError}</Alert>
          <button type="button" class="btn btn-primary" onClick={() => setAttempt((a) => a + 1)}>
            {t("common.tryAgain")}
          </button>
        </div>
      )}

      {!deviceError && (
        <div class="device-grid">
          <div class="preview-wrap">
            <video ref={video} class="preview" autoplay muted playsInline aria-label={t("device.preview")} />
            {!stream && <p class="preview-overlay">{t("device.waitingCamera")}</p>}
          </div>
          <div class="card checks">
            <h2>{t("device.microphone")}</h2>
            <div
              class="meter"
              role="meter"
              aria-label={t("device.micLevel")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
            >
              <span style={{ width: `${pct}%` }} class={pct > 85 ? "hot" : ""} />
            </div>
            <p class="small" role="status">
              {!stream ? t("device.notStarted") : heard ? t("device.heard") : t("device.sayWords")}
            </p>
            <h2>{t("device.connection")}</h2>
            {/* When live video cannot connect the fallback note below says what happens; the
                "try another network" error would contradict it. */}
            {!noLiveVideo && (
              <p class="small" role="status">
                <ServerStatus check={server} />
              </p>
            )}
            {network && <NetworkLine check={network} />}
            {noLiveVideo && (
              <p class="small" role="status">
                {t("device.noLiveVideo")}
              </p>
            )}
            {server.state === "failed" && (
              <button type="button" class="btn btn-small" onClick={() => setAttempt((a) => a + 1)}>
                {t("device.checkAgain")}
              </button>
            )}
          </div>
        </div>
      )}

      <div class="actions-row">
        <button
          type="button"
          class="btn btn-primary btn-large"
          disabled={!stream}
          onClick={() => props.onContinue(server.state === "ok")}
        >
          {t("common.continue")}
        </button>
        {stream && server.state !== "ok" && <span class="small muted">{t("device.continueHint")}</span>}
      </div>
    </main>
  );
}

function NetworkLine(props: { check: NetworkCheck }) {
  const { kbps, loss } = props.check;
  const enough = kbps >= NEEDED_KBPS && (loss === null || loss <= MAX_LOSS);
  const rate = formatNumber(Math.round(kbps));
  return (
    <p class="small" role="status">
      {loss === null
        ? t("device.network", { kbps: rate })
        : t("device.networkLoss", { kbps: rate, loss: formatPercent(loss, 1) })}{" "}
      {enough ? t("device.networkEnough") : t("device.networkLow")}
    </p>
  );
}

function minutesAgo(at: number): number {
  return Math.max(1, Math.round((Date.now() - at) / 60000));
}

function ServerStatus(props: { check: ServerCheck }) {
  const c = props.check;
  switch (c.state) {
    case "idle":
      return <>{t("device.serverIdle")}</>;
    case "connecting":
      return <>{t("device.serverConnecting")}</>;
    case "waiting":
      return <>{t("device.serverWaiting")}</>;
    case "ok":
      return <>{t("device.serverOk")}</>;
    case "unavailable":
      return <>{c.message}</>;
    case "failed":
      return <span class="text-error">{c.message}</span>;
  }
}

/** A 404 about the invitation itself (not a missing endpoint). */
export function isTokenProblem(err: ApiError): boolean {
  return err.status === 404 && err.detail !== "Not Found" && err.title === "Not found" && /link/i.test(err.detail);
}
