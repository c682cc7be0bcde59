/** One RTCPeerConnection per take or device check: non-trickle ICE, offer in one POST. */
import { api, call } from "../api/client";

const iceCache = new Map<string, RTCIceServer[]>();

export async function iceServersFor(token: string): Promise<RTCIceServer[]> {
  const cached = iceCache.get(token);
  if (cached) return cached;
  const servers = await call(api.GET("/api/candidate/{token}/ice-servers", { params: { path: { token } } }));
  const out: RTCIceServer[] = servers.map((s) => ({
    urls: s.urls,
    ...(s.username ? { username: s.username } : {}),
    ...(s.credential ? { credential: s.credential } : {}),
  }));
  iceCache.set(token, out);
  return out;
}

/** Resolve once ICE gathering is complete (or after `timeoutMs`, with what was gathered). */
function gatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === "complete") done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

/** A peer connection sending every track of `stream`, with its complete local offer. */
export async function openSendingPeer(
  stream: MediaStream,
  iceServers: RTCIceServer[],
): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ iceServers });
  try {
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc, 5000);
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error(PREPARE_FAILED);
    return { pc, sdp };
  } catch (err) {
    pc.close();
    throw err;
  }
}

/** Resolve when the connection is up; reject if it fails or takes longer than `timeoutMs`. */
export function connected(pc: RTCPeerConnection, timeoutMs = 15000): Promise<void> {
  if (pc.connectionState === "connected") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(CONNECT_FAILED)), timeoutMs);
    const onChange = () => {
      if (pc.connectionState === "connected") finish(null);
      else if (pc.connectionState === "failed" || pc.connectionState === "closed") finish(new Error(CONNECT_FAILED));
    };
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      pc.removeEventListener("connectionstatechange", onChange);
      if (err) reject(err);
      else resolve();
    };
    pc.addEventListener("connectionstatechange", onChange);
  });
}

export const PREPARE_FAILED = "Your browser could not prepare the connection. Please reload the page.";

export const CONNECT_FAILED =
  "We could not connect to the recording server. A firewall or VPN may be blocking video calls; " +
  "try another network, then try again.";
