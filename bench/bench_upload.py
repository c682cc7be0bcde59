"""The recording fallback's upload overhead against the WebRTC path, for a 2-minute answer.

One 120 s VP8 + Opus WebM (640x480, about 1 Mbit/s, JFK's speech) is the answer. Reported:

- ``webrtc``: bytes the live path puts on the wire for the same frames (RTP packetization at
  a 1200-byte payload, per packet RTP 12 + VP8 descriptor 4 (video) + SRTP tag 10 + UDP 8 +
  IPv4 20 bytes; RTCP left out), computed from the file's packets with ffprobe. Its time is
  the answer itself: the media travel while the candidate speaks, so nothing is left to send
  at stop.
- ``tus``: the fallback measured against a real ``viva demo`` over loopback: a tus upload in
  the browser's 2 MiB chunks (creation, PATCHes, the server's remux + probe + spool on the
  last one), bytes of every request and response (HTTP headers and bodies; TCP/IP 52 bytes per
  1448-byte segment added), seconds from stop to the take kept.
- ``bare``: the same bytes in one HTTP PUT to a do-nothing server in this process (the
  transfer alone), the baseline for the seconds ratio; bytes' baseline is the file's size.
- seconds the upload would take after stop at 5 and 20 Mbit/s uplinks (bytes on the wire / rate).

Run: ``.venv/bin/python bench/bench_upload.py [--seconds 120] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import base64
import http.server
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import live_server  # noqa: E402
from tests.support.webrtc_client import make_test_media  # noqa: E402

CHUNK = 2 * 1024 * 1024
MTU_PAYLOAD = 1200
TCP_SEG, TCP_HDR = 1448, 52
_CREDS = re.compile(r"admin\s*:\s*(\S+)\s+password:\s*(\S+)")


def webrtc_wire_bytes(path: Path) -> tuple[int, int]:
    """(payload bytes, bytes on the wire) of the file's frames sent as SRTP over UDP/IPv4."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "packet=codec_type,size", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    payload = wire = 0
    for line in out.splitlines():
        fields = [f for f in line.split(",") if f]
        if len(fields) < 2:
            continue
        kind, size = fields[0], int(fields[1])
        payload += size
        if kind == "video":
            n = max(1, math.ceil(size / MTU_PAYLOAD))
            wire += size + n * (12 + 4 + 10 + 8 + 20)
        else:
            wire += size + 12 + 10 + 8 + 20
    return payload, wire


def _tcp(n: int) -> int:
    return n + math.ceil(n / TCP_SEG) * TCP_HDR


def _head_bytes(headers: httpx.Headers, first_line: str) -> int:
    return len(first_line) + 2 + sum(len(k) + len(v) + 4 for k, v in headers.raw) + 2


def tus_upload(client: httpx.Client, token: str, question_id: str, data: bytes) -> tuple[int, float]:
    """Upload ``data`` with tus in CHUNK pieces; (bytes on the wire, seconds)."""
    take_id = str(uuid.uuid4())
    meta = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"question_id": question_id, "take_id": take_id}.items()
    )
    wire = 0
    t0 = time.perf_counter()
    r = client.post(
        f"/api/candidate/{token}/uploads",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)), "Upload-Metadata": meta},
    )
    assert r.status_code == 201, r.text
    wire += _tcp(_head_bytes(r.request.headers, f"POST {r.request.url.raw_path.decode()} HTTP/1.1"))
    wire += _tcp(_head_bytes(r.headers, "HTTP/1.1 201 Created") + len(r.content))
    url = r.headers["location"]
    offset = 0
    while offset < len(data):
        body = data[offset : offset + CHUNK]
        r = client.patch(
            url,
            content=body,
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert r.status_code == 204, r.text
        wire += _tcp(_head_bytes(r.request.headers, f"PATCH {url} HTTP/1.1") + len(body))
        wire += _tcp(_head_bytes(r.headers, "HTTP/1.1 204 No Content"))
        offset = int(r.headers["upload-offset"])
    return wire, time.perf_counter() - t0


class _Sink(http.server.BaseHTTPRequestHandler):
    def do_PUT(self) -> None:
        left = int(self.headers["Content-Length"])
        while left:
            left -= len(self.rfile.read(min(left, 1 << 20)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def bare_put(data: bytes) -> float:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with httpx.Client() as c:
            t0 = time.perf_counter()
            c.put(f"http://127.0.0.1:{server.server_address[1]}/", content=data).raise_for_status()
            return time.perf_counter() - t0
    finally:
        server.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cache = Path(os.environ.get("BENCH_CACHE", tempfile.gettempdir())) / "viva-bench-upload"
    cache.mkdir(parents=True, exist_ok=True)
    media = make_test_media(
        cache / f"answer-{int(args.seconds)}s.webm", seconds=args.seconds, width=640, height=480
    )
    data = media.read_bytes()
    payload, webrtc = webrtc_wire_bytes(media)
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), {}, command="demo") as server:
        m = _CREDS.search(server.output())
        assert m, "no admin credentials in the demo's output"
        with httpx.Client(base_url=server.url, timeout=120) as staff:
            staff.get("/api/auth/me")
            staff.headers["x-csrf-token"] = staff.cookies["viva_csrf"]
            staff.post(
                "/api/auth/login", json={"email": m.group(1), "password": m.group(2)}
            ).raise_for_status()
            made = staff.post(
                "/api/assessments",
                json={
                    "title": "Upload bench",
                    "role": "Bench",
                    "dimensions": [{"name": "B", "weight": 100, "competencies": [{"key": "b", "name": "B"}]}],
                    "questions": [
                        {
                            "kind": "video",
                            "prompt": "Talk for two minutes.",
                            "competency": "b",
                            "think_time_s": 0,
                            "max_answer_s": int(args.seconds) + 30,
                            "retakes_allowed": 0,
                        }
                    ],
                },
            )
            made.raise_for_status()
            runs: list[tuple[int, float, float]] = []
            for _ in range(args.runs):
                inv = staff.post(
                    f"/api/assessments/{made.json()['id']}/invitations",
                    json={
                        "candidate_name": "Bench",
                        "candidate_email": f"b{uuid.uuid4().hex[:6]}@example.com",
                    },
                )
                inv.raise_for_status()
                token = inv.json()["token"]
                with httpx.Client(base_url=server.url, timeout=120) as cand:
                    view = cand.post(f"/api/candidate/{token}/consent", json={"accept": True}).json()
                    qid = next(
                        q["id"] for q in view["questions"] if q["kind"] == "video" and not q["is_practice"]
                    )
                    bare = bare_put(data)  # interleaved with the product's runs
                    wire, secs = tus_upload(cand, token, qid, data)
                runs.append((wire, secs, bare))
    wire = int(statistics.median(r[0] for r in runs))
    secs = statistics.median(r[1] for r in runs)
    bare = statistics.median(r[2] for r in runs)
    load1 = os.getloadavg()[0]
    mb = 1024 * 1024
    print(
        f"answer: {args.seconds:.0f} s, file {len(data) / mb:.2f} MiB "
        f"({len(data) * 8 / args.seconds / 1e6:.2f} Mbit/s)"
    )
    print(
        f"webrtc: {webrtc / mb:.2f} MiB on the wire (frames {payload / mb:.2f} MiB); 0 s left to send at stop"
    )
    print(
        f"tus:    {wire / mb:.2f} MiB on the wire ({wire / len(data):.4f}x the file, "
        f"{wire / webrtc:.3f}x webrtc); "
        f"{secs:.2f} s from stop to kept over loopback (median of {args.runs})"
    )
    print(f"bare:   one PUT of the file {bare:.3f} s over loopback; tus/bare {secs / bare:.1f}x")
    for mbit in (5, 20):
        print(f"at {mbit:>2} Mbit/s uplink: the fallback needs {wire * 8 / (mbit * 1e6):.1f} s after stop")
    print(json.dumps({"load1": round(load1, 2)}))


if __name__ == "__main__":
    main()
