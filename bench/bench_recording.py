"""How many concurrent takes one process records completely, and at what CPU cost.

N aiortc clients (in a separate process, so their work is not charged to the server)
send 640x480 @ 30 fps VP8 + Opus speech over loopback for ``--seconds``. By default
the clients send a VP8/Opus WebM's packets as they are (``MediaPlayer(decode=False)``):
no encoder runs on the client, so the machine's cores are the server's (with
``--client-encode`` they decode the file and encode again, as before). Such clients cannot
answer keyframe requests, so the file has a keyframe every second: after an unrecovered
loss the passthrough skips video until the next one, where a browser would send one
within a round trip. The server
process records them in one of three ways, in the same run:

- ``pass``: Viva's ``TakeSession``, passthrough (received frames muxed as they came);
- ``decoded``: Viva's ``TakeSession`` forced onto the decoded path (decode, encode in a
  worker thread per take), the fallback for codecs the passthrough does not store;
- ``bare``: aiortc's example server, ``MediaRecorder`` (decode, encode in the loop).

Reported per run:

- ``cpu/rec-s``: server-process CPU seconds per recorded second of media;
- ``v lost``: video frames sent minus VP8 packets in the files (all takes);
- ``a rec/sent``: audio seconds recorded / sent (mean over takes);
- ``lag p99/max``: event-loop lateness of a 5 ms ticker while recording, in ms;
- ``complete``: every take playable (probe + a full decode with no error), within 0.5 s
  of the sent duration, and < 1 % of its video frames lost, and the server kept up with
  real time (``drain s`` at most 2 s);
- ``client cpu``: CPU seconds the client process spent;
- ``q drop``: video frames Viva's recorder dropped (encoder behind, or waiting for a keyframe);
- ``load1``: the machine's 1-minute load average after the run (other work skews all);
- ``drain s``: seconds the server waited, after the clients said they had sent everything,
  for their media to stop arriving before it stopped the takes (a starved client process
  is still sending; stopping at once counted its late packets as lost);
- ``pace``: media seconds the clients' tracks produced per wall second (1.00 = real time;
  below 1 the client process could not keep up, so the server received fewer than N
  real-time takes' worth of packets per second).

Run: ``.venv/bin/python bench/bench_recording.py [--seconds 10] [--ns 1,4,8,16,24,32]``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# ----------------------------------------------------------------- client process
def _client_main(conn: Connection, media: str, n: int, seconds: float, encode: bool) -> None:
    cpu0 = time.process_time()
    asyncio.run(_clients(conn, Path(media), n, seconds, encode))
    conn.send(time.process_time() - cpu0)


async def _clients(conn: Connection, media: Path, n: int, seconds: float, encode: bool) -> None:
    from tests.support.webrtc_client import WebRTCClient

    clients = [WebRTCClient(media, decode=encode) for _ in range(n)]
    conn.send([await c.offer() for c in clients])
    answers = await asyncio.to_thread(conn.recv)
    for client, (sdp, sdp_type) in zip(clients, answers, strict=True):
        await client.accept(sdp, sdp_type)
    await asyncio.gather(*(c.wait_connected(30) for c in clients))
    start = time.monotonic()
    await asyncio.gather(*(c.send(seconds, timeout=seconds * 6, then_pause=True) for c in clients))
    wall = time.monotonic() - start
    sent = [
        {
            "video": c.video.frames if c.video else 0,
            "audio_s": c.audio.seconds if c.audio else 0.0,
            "wall_s": wall,
        }
        for c in clients
    ]
    conn.send(sent)
    await asyncio.to_thread(conn.recv)  # server has stopped recording
    await asyncio.gather(*(c.close() for c in clients))


# ----------------------------------------------------------------- server side
class _LoopLag:
    def __init__(self, tick_s: float = 0.005) -> None:
        self.tick_s = tick_s
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.tick_s)
            self.samples.append(time.perf_counter() - start - self.tick_s)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> tuple[float, float]:
        assert self._task is not None
        self._task.cancel()
        ordered = sorted(self.samples) or [0.0]
        return ordered[int(0.99 * (len(ordered) - 1))] * 1000, ordered[-1] * 1000


class _BareTake:
    """aiortc's server example: a peer connection and a MediaRecorder, nothing else."""

    def __init__(self, path: Path) -> None:
        from aiortc import RTCConfiguration, RTCPeerConnection
        from aiortc.contrib.media import MediaRecorder

        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.recorder = MediaRecorder(str(path), format="webm")
        self.path = path
        self.pc.on("track", self.recorder.addTrack)

    async def answer(self, sdp: str, sdp_type: str) -> tuple[str, str]:
        from aiortc import RTCSessionDescription

        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=sdp_type))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.recorder.start()
        return self.pc.localDescription.sdp, self.pc.localDescription.type

    async def stop(self) -> None:
        await self.recorder.stop()
        await self.pc.close()


DRAIN_OK_S = 2.0
"""A run keeps up when the media stops arriving within this long of the clients' last frame;
longer means the server fell behind real time and its socket buffers hold the difference
(which a longer take would overflow)."""


def _udp_datagrams_in() -> int:
    """Datagrams the kernel delivered to UDP sockets, IPv4 and IPv6 (Linux)."""
    total = 0
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    total += int(rows[1][rows[0].index("InDatagrams")])
    if os.path.exists("/proc/net/snmp6"):
        with open("/proc/net/snmp6") as f:
            total += next(int(line.split()[1]) for line in f if line.startswith("Udp6InDatagrams"))
    return total


async def _wait_for_media_to_drain(n: int, window_s: float = 0.5, max_s: float = 15.0) -> float:
    """Wait until the clients' media has stopped arriving; return the seconds waited.

    The clients report "sent" when their tracks have produced every frame, but a client
    process starved of CPU (it shares the cores) still holds packets in its senders;
    stopping the takes then would count those as lost. Media is quiet when fewer than
    10 datagrams per take arrive in ``window_s`` (a take sends about 200/s; RTCP and
    STUN keep-alives, which go on, a few per second).
    """
    start = time.monotonic()
    before = _udp_datagrams_in()
    while time.monotonic() - start < max_s:
        await asyncio.sleep(window_s)
        now = _udp_datagrams_in()
        if now - before < 10 * n:
            break
        before = now
    await asyncio.sleep(0.5)  # what the jitter buffers hold
    return time.monotonic() - start


def _playable(path: Path) -> bool:
    """The take passes the pipeline's probe and decodes from start to end with no error."""
    import subprocess

    from media.probe import validate_take_file

    try:
        validate_take_file(path)
    except Exception:
        return False
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and not result.stderr.strip()


def _count(path: Path) -> tuple[int, float, float]:
    """(video packets, audio seconds, file duration) read back with ffprobe."""
    import ffmpeg

    if not path.exists():
        return 0, 0.0, 0.0
    info = ffmpeg.probe(str(path), count_packets=None)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = ffmpeg.probe(str(path), select_streams="a:0", show_entries="packet=pts_time")
    pts = [float(p["pts_time"]) for p in audio["packets"] if "pts_time" in p]
    audio_s = (max(pts) - min(pts) + 0.02) if pts else 0.0
    return int(video.get("nb_read_packets", 0)), audio_s, float(info["format"]["duration"])


@dataclass
class Row:
    mode: str
    n: int
    cpu_per_s: float
    video_lost: int
    video_sent: int
    audio_ratio: float
    lag_p99: float
    lag_max: float
    complete: bool
    client_cpu: float
    load: float
    queue_drops: int
    settle_s: float
    pace: float
    recorded_s: float = 0.0
    procs: int = 1


async def _run(mode: str, n: int, seconds: float, media: Path, workdir: Path, client_encode: bool) -> Row:
    from media.peer import SessionConfig, TakeSession
    from media.recording import RecordingMode

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_client_main, args=(child, str(media), n, seconds, client_encode))
    proc.start()
    offers = await asyncio.to_thread(parent.recv)
    lag = _LoopLag()
    lag.start()
    cpu0 = time.process_time()
    takes: list[Any] = []
    answers = []
    for i, (sdp, sdp_type) in enumerate(offers):
        path = workdir / f"{mode}-{n}-{i}.webm"
        if mode in ("pass", "decoded"):
            want = RecordingMode.PASSTHROUGH if mode == "pass" else RecordingMode.DECODED
            session = await TakeSession.open(
                take_id=f"t{i}", sdp=sdp, sdp_type=sdp_type, output=path, config=SessionConfig(recording=want)
            )
            assert session.recording_mode is want
            takes.append(session)
            answers.append((session.answer_sdp, session.answer_type))
        else:
            bare = _BareTake(path)
            takes.append(bare)
            answers.append(await bare.answer(sdp, sdp_type))
    parent.send(answers)
    sent = await asyncio.to_thread(parent.recv)
    settle_s = await _wait_for_media_to_drain(n)
    paths = []
    queue_drops = 0
    for take in takes:
        if mode in ("pass", "decoded"):
            recorded = await take.stop()
            queue_drops += recorded.stats.video_frames_dropped
            paths.append(recorded.path)
        else:
            await take.stop()
            paths.append(take.path)
    cpu = time.process_time() - cpu0
    lag_p99, lag_max = lag.stop()
    parent.send("stopped")
    client_cpu = await asyncio.to_thread(parent.recv)
    await asyncio.to_thread(proc.join, 60)
    counts = [_count(p) for p in paths]
    playable = [_playable(p) for p in paths]
    video_sent = sum(s["video"] for s in sent)
    recorded_s = sum(c[2] for c in counts)
    complete = settle_s <= DRAIN_OK_S and all(
        ok and abs(c[2] - s["audio_s"]) <= 0.5 and c[0] >= 0.99 * s["video"]
        for c, s, ok in zip(counts, sent, playable, strict=True)
    )
    return Row(
        mode,
        n,
        cpu / max(recorded_s, 1e-9),
        video_sent - sum(c[0] for c in counts),
        video_sent,
        statistics.mean(c[1] / s["audio_s"] for c, s in zip(counts, sent, strict=True)),
        lag_p99,
        lag_max,
        complete,
        client_cpu,
        os.getloadavg()[0],
        queue_drops,
        settle_s,
        seconds / max(sent[0]["wall_s"], 1e-9),
        recorded_s,
    )


def _server_main(
    conn: Connection, mode: str, n: int, seconds: float, media: str, workdir: str, encode: bool
) -> None:
    conn.send(asyncio.run(_run(mode, n, seconds, Path(media), Path(workdir), encode)))


async def _run_split(
    mode: str, n: int, procs: int, seconds: float, media: Path, workdir: Path, client_encode: bool
) -> Row:
    """N takes over ``procs`` server processes (as ``viva serve --role media`` x procs), each
    with its own client process, all at once on the same cores; one aggregated row."""
    if procs <= 1:
        return await _run(mode, n, seconds, media, workdir, client_encode)
    ctx = mp.get_context("spawn")
    parts = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    pipes, children = [], []
    for i, part in enumerate(parts):
        sub = workdir / f"proc{i}"
        sub.mkdir(exist_ok=True)
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_server_main, args=(child, mode, part, seconds, str(media), str(sub), client_encode)
        )
        proc.start()
        pipes.append(parent)
        children.append(proc)
    rows: list[Row] = list(await asyncio.gather(*(asyncio.to_thread(p.recv) for p in pipes)))
    for proc in children:
        await asyncio.to_thread(proc.join, 60)
    recorded = sum(r.recorded_s for r in rows)
    return Row(
        mode,
        n,
        sum(r.cpu_per_s * r.recorded_s for r in rows) / max(recorded, 1e-9),
        sum(r.video_lost for r in rows),
        sum(r.video_sent for r in rows),
        sum(r.audio_ratio * r.n for r in rows) / n,
        max(r.lag_p99 for r in rows),
        max(r.lag_max for r in rows),
        all(r.complete for r in rows),
        sum(r.client_cpu for r in rows),
        os.getloadavg()[0],
        sum(r.queue_drops for r in rows),
        max(r.settle_s for r in rows),
        min(r.pace for r in rows),
        recorded,
        procs,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--ns", default="1,4,8,16,24,32", help="concurrent takes, in order")
    parser.add_argument("--modes", default="pass,decoded,bare")
    parser.add_argument(
        "--client-encode",
        action="store_true",
        help="clients decode the file and encode VP8/Opus (their CPU competes)",
    )
    parser.add_argument(
        "--keep-going",
        default="pass",
        help="modes that run every N even after one was not recorded completely "
        "(the others stop at their first incomplete N)",
    )
    parser.add_argument(
        "--server-procs",
        type=int,
        default=1,
        help="record the N takes in this many server processes at once (as several "
        "`viva serve --role media` instances on one machine), each with its own clients",
    )
    args = parser.parse_args()
    ns = [int(x) for x in args.ns.split(",")]
    from tests.support.webrtc_client import make_test_media

    with tempfile.TemporaryDirectory(prefix="bench-rec-") as tmp:
        workdir = Path(tmp)
        # A keyframe every second: pre-encoded clients cannot answer a keyframe request, so
        # after a lost packet the passthrough waits for the file's next one (a browser answers
        # within a round trip); decoding clients (--client-encode) answer them.
        media = make_test_media(
            workdir / "src.webm",
            seconds=args.seconds + 4,
            width=640,
            height=480,
            keyframe_every=None if args.client_encode else 30,
        )
        rows: list[Row] = []
        modes = args.modes.split(",")
        for mode in modes:
            for n in ns:
                started = time.monotonic()
                row = await _run_split(
                    mode, n, args.server_procs, args.seconds, media, workdir, args.client_encode
                )
                rows.append(row)
                for p in workdir.rglob(f"{mode}-{n}-*.webm"):
                    p.unlink()
                print(
                    f"  {mode} N={n}: {time.monotonic() - started:.0f} s wall, cpu/rec-s "
                    f"{row.cpu_per_s:.3f}, lost {row.video_lost}/{row.video_sent}, "
                    f"complete {row.complete}, load1 {row.load:.1f}",
                    flush=True,
                )
                if not row.complete and mode not in args.keep_going.split(","):
                    break
        clients = "encode VP8/Opus" if args.client_encode else "send pre-encoded packets"
        print(
            f"\n{args.seconds:.0f} s per take, 640x480@30 VP8 + Opus in, WebM out, "
            f"{mp.cpu_count()} CPUs, clients {clients}, {args.server_procs} server process(es)"
        )
        print(
            f"{'mode':<7} {'N':>2} {'cpu/rec-s':>9} {'v lost':>12} {'a rec/sent':>10} "
            f"{'lag p99/max ms':>15} {'complete':>8} {'client cpu':>10} {'load1':>5} "
            f"{'q drop':>6} {'drain s':>7} {'pace':>5}"
        )
        for r in rows:
            print(
                f"{r.mode:<7} {r.n:>2} {r.cpu_per_s:>9.3f} "
                f"{f'{r.video_lost}/{r.video_sent}':>12} {r.audio_ratio:>10.3f} "
                f"{f'{r.lag_p99:.1f}/{r.lag_max:.1f}':>15} {'yes' if r.complete else 'NO':>8} "
                f"{r.client_cpu:>10.1f} {r.load:>5.1f} {r.queue_drops:>6} {r.settle_s:>7.1f} {r.pace:>5.2f}"
            )
        one = {r.mode: r.cpu_per_s for r in rows if r.n == 1}
        if "bare" in one:
            print(
                "cpu/rec-s at N=1 against bare aiortc MediaRecorder: "
                + ", ".join(f"{m} {v / one['bare']:.2f}x" for m, v in one.items())
            )
        for mode in modes:
            ok = [r.n for r in rows if r.mode == mode and r.complete]
            print(f"largest N recorded completely ({mode}): {max(ok) if ok else 0}")


if __name__ == "__main__":
    asyncio.run(main())
