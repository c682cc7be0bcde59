"""How many concurrent takes one process records completely, and at what CPU cost.

N aiortc clients (in a separate process, so their encoding is not charged to the
server) send 640x480 @ 30 fps VP8 + Opus speech over loopback for ``--seconds``.
The server process records them either with Viva's ``TakeSession`` (encoding in
a worker thread per take) or with a bare aiortc ``MediaRecorder`` (encoding in
the event loop). Reported per run:

- ``cpu/rec-s``: server-process CPU seconds per recorded second of media;
- ``v lost``: video frames sent minus VP8 packets in the files (all takes);
- ``a rec/sent``: audio seconds recorded / sent (mean over takes);
- ``lag p99/max``: event-loop lateness of a 5 ms ticker while recording, in ms;
- ``complete``: every take within 0.5 s of the sent duration with >= 95 % of video;
- ``client cpu``: CPU seconds the client process spent (decode file, encode VP8/Opus);
- ``q drop``: video frames Viva's recorder dropped because its encoder fell 3 s behind;
- ``load1``: the machine's 1-minute load average after the run (other work skews all).

Run: ``.venv/bin/python bench/bench_recording.py [--seconds 10] [--max-n 8]``.
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
def _client_main(conn: Connection, media: str, n: int, seconds: float) -> None:
    cpu0 = time.process_time()
    asyncio.run(_clients(conn, Path(media), n, seconds))
    conn.send(time.process_time() - cpu0)


async def _clients(conn: Connection, media: Path, n: int, seconds: float) -> None:
    from tests.support.webrtc_client import WebRTCClient

    clients = [WebRTCClient(media) for _ in range(n)]
    conn.send([await c.offer() for c in clients])
    answers = await asyncio.to_thread(conn.recv)
    for client, (sdp, sdp_type) in zip(clients, answers, strict=True):
        await client.accept(sdp, sdp_type)
    await asyncio.gather(*(c.wait_connected(30) for c in clients))
    await asyncio.gather(*(c.send(seconds, timeout=seconds * 6, then_pause=True)
                           for c in clients))
    sent = [{"video": c.video.frames if c.video else 0,
             "audio_s": c.audio.seconds if c.audio else 0.0} for c in clients]
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


def _count(path: Path) -> tuple[int, float, float]:
    """(video packets, audio seconds, file duration) read back with ffprobe."""
    import ffmpeg

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


async def _run(mode: str, n: int, seconds: float, media: Path, workdir: Path) -> Row:
    from media.peer import SessionConfig, TakeSession

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_client_main, args=(child, str(media), n, seconds))
    proc.start()
    offers = await asyncio.to_thread(parent.recv)
    lag = _LoopLag()
    lag.start()
    cpu0 = time.process_time()
    takes: list[Any] = []
    answers = []
    for i, (sdp, sdp_type) in enumerate(offers):
        path = workdir / f"{mode}-{n}-{i}.webm"
        if mode == "viva":
            session = await TakeSession.open(take_id=f"t{i}", sdp=sdp, sdp_type=sdp_type,
                                             output=path, config=SessionConfig())
            takes.append(session)
            answers.append((session.answer_sdp, session.answer_type))
        else:
            bare = _BareTake(path)
            takes.append(bare)
            answers.append(await bare.answer(sdp, sdp_type))
    parent.send(answers)
    sent = await asyncio.to_thread(parent.recv)
    await asyncio.sleep(1.0)  # let frames in flight (jitter buffers, decoders) arrive
    paths = []
    queue_drops = 0
    for take in takes:
        if mode == "viva":
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
    video_sent = sum(s["video"] for s in sent)
    recorded_s = sum(c[2] for c in counts)
    complete = all(abs(c[2] - s["audio_s"]) <= 0.5 and c[0] >= 0.95 * s["video"]
                   for c, s in zip(counts, sent, strict=True))
    return Row(mode, n, cpu / max(recorded_s, 1e-9),
               video_sent - sum(c[0] for c in counts), video_sent,
               statistics.mean(c[1] / s["audio_s"] for c, s in zip(counts, sent, strict=True)),
               lag_p99, lag_max, complete, client_cpu, os.getloadavg()[0], queue_drops)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-n", type=int, default=8)
    parser.add_argument("--modes", default="viva,bare")
    args = parser.parse_args()
    from tests.support.webrtc_client import make_test_media

    with tempfile.TemporaryDirectory(prefix="bench-rec-") as tmp:
        workdir = Path(tmp)
        media = make_test_media(workdir / "src.webm", seconds=args.seconds + 4, width=640,
                                height=480)
        rows: list[Row] = []
        for mode in args.modes.split(","):
            n = 1
            while n <= args.max_n:
                started = time.monotonic()
                row = await _run(mode, n, args.seconds, media, workdir)
                rows.append(row)
                print(f"  {mode} N={n}: {time.monotonic() - started:.0f} s wall", flush=True)
                if not row.complete:
                    break
                n *= 2
        print(f"\n{args.seconds:.0f} s per take, 640x480@30 VP8 + Opus in, WebM out, "
              f"{mp.cpu_count()} CPUs")
        print(f"{'mode':<5} {'N':>2} {'cpu/rec-s':>9} {'v lost':>12} {'a rec/sent':>10} "
              f"{'lag p99/max ms':>15} {'complete':>8} {'client cpu':>10} {'load1':>5} "
              f"{'q drop':>6}")
        for r in rows:
            print(f"{r.mode:<5} {r.n:>2} {r.cpu_per_s:>9.2f} "
                  f"{f'{r.video_lost}/{r.video_sent}':>12} {r.audio_ratio:>10.3f} "
                  f"{f'{r.lag_p99:.1f}/{r.lag_max:.1f}':>15} {'yes' if r.complete else 'NO':>8} "
                  f"{r.client_cpu:>10.1f} {r.load:>5.1f} {r.queue_drops:>6}")
        for mode in ("viva", "bare"):
            ok = [r.n for r in rows if r.mode == mode and r.complete]
            print(f"largest N recorded completely ({mode}): {max(ok) if ok else 0}")


if __name__ == "__main__":
    asyncio.run(main())
