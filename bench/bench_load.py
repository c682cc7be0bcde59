"""Load: N candidates recording over WebRTC at once while M reviewers browse and confirm.

Run: ``.venv/bin/python bench/bench_load.py [--levels 1x1,2x2,3x4,4x8] [--seconds 15]
[--modes single,split]``.

Each mode runs the whole ladder in the same run: ``single`` is one ``viva demo`` process;
``split`` runs media (WebRTC, recording, the takes' transcription) and the API (reviewers,
written answers) in two processes (``--role media`` / ``--role api``, see ``_deployment``).

One real ``viva demo`` process (SQLite, local object store, in-process jobs: the embedded
default, so Whisper transcribes the takes on the same two cores while they are recorded) on
loopback. For each level ``NxM``, in the same run:

* **idle baseline**: the M reviewers alone for the same time (no one recording);
* **under load**: N aiortc clients (one child process, as N browsers would be elsewhere) each
  record one take of ``--seconds`` of 320x240 test pattern with real speech (JFK), while the M
  reviewers loop: open the queue, open an item, confirm it (or override an abstention).

A level **holds** when no request failed (any 5xx, connection error or unexpected 4xx; a 409
from two reviewers deciding the same answer would count, but each reviewer takes its own
items), every take was stored (the stop returns a submitted answer holding at least what was
sent less 0.5 s, and at most 1.5 s more: a stop that arrives late adds the silence in
between), and every take's answer reached a suggestion afterwards (state ``ready``, which
needs its media in the object store). The ladder stops at the first level that does not
hold. Reviewer latencies are reported under load and as a ratio to the idle baseline of the same level.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import random
import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import live_server  # noqa: E402
from tests.support.webrtc_client import WebRTCClient, make_test_media  # noqa: E402

CREDS = re.compile(r"(admin|reviewer)\s*:\s*(\S+)\s+password:\s*(\S+)")
WRITTEN = (
    "I would start from the business metric and the latency budget, then compare a simple "
    "baseline with the candidate model offline, ship it behind a flag, watch the live metrics "
    "and the input drift, and keep a rollback ready. Monitoring covers data quality, "
    "prediction distribution and the downstream metric, with alerts that a person owns."
)


# ------------------------------------------------------------------ candidates (child process)


async def _one_take(base: str, token: str, media: Path, seconds: float, signal: str) -> dict[str, Any]:
    """One take; its signalling goes to ``signal`` (the media process in split mode)."""
    out: dict[str, Any] = {"token": token[:6], "ok": False}
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        t0 = time.perf_counter()
        view = (await http.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
        question = next(q for q in view["questions"] if q["kind"] == "video" and not q["is_practice"])
        client = WebRTCClient(media)
        try:
            sdp, sdp_type = await client.offer()
            take_id = str(uuid.uuid4())
            r = await http.post(
                f"{signal}/api/candidate/{token}/takes",
                json={"question_id": question["id"], "take_id": take_id, "sdp": sdp, "type": sdp_type},
            )
            if r.status_code != 201:
                out["error"] = f"offer {r.status_code}: {r.text[:200]}"
                return out
            await client.accept(r.json()["sdp"], r.json()["type"])
            await client.wait_connected(30)
            out["connect_s"] = time.perf_counter() - t0
            await client.send(seconds, then_pause=True, timeout=seconds + 60)
            r = await http.post(f"{signal}/api/candidate/{token}/takes/{take_id}/stop")
            if r.status_code != 200:
                out["error"] = f"stop {r.status_code}: {r.text[:200]}"
                return out
            answer = r.json()
            out.update(
                response_id=answer["id"],
                duration_s=answer["duration_s"],
                submitted=answer["submitted"],
                sent_s=seconds,
                frames=client.frames_sent,
            )
            # Lost media shows as a short take; a take may run a little long when the stop
            # request arrives late on a loaded machine (the recorder keeps the silence).
            out["ok"] = bool(answer["submitted"]) and seconds - 0.5 <= answer["duration_s"] <= seconds + 1.5
            if not out["ok"]:
                out["error"] = f"stored {answer['duration_s']:.2f} s of {seconds:.2f} s"
        except Exception as exc:  # reported as a failed take, not raised: the bench goes on
            out["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            await client.close()
    return out


def _candidates_main(
    conn: Connection, base: str, tokens: list[str], media: str, seconds: float, signal: str
) -> None:
    async def run() -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(_one_take(base, t, Path(media), seconds, signal) for t in tokens)))

    conn.send(asyncio.run(run()))
    conn.close()


# ------------------------------------------------------------------ reviewers (this process)


@dataclass
class ReviewerStats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"queue": [], "item": [], "decide": []})
    errors: list[str] = field(default_factory=list)
    decided: int = 0


async def _login(base: str, email: str, password: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=base, timeout=60)
    await http.get("/api/auth/me")
    http.headers["x-csrf-token"] = http.cookies["viva_csrf"]
    r = await http.post("/api/auth/login", json={"email": email, "password": password})
    r.raise_for_status()
    return http


async def _timed(stats: ReviewerStats, kind: str, call: Any) -> httpx.Response | None:
    t0 = time.perf_counter()
    try:
        r: httpx.Response = await call
    except httpx.HTTPError as exc:
        stats.errors.append(f"{kind}: {type(exc).__name__}")
        return None
    stats.latencies[kind].append(time.perf_counter() - t0)
    return r


async def _reviewer(
    http: httpx.AsyncClient, me: int, m: int, stop: asyncio.Event, stats: ReviewerStats, think: float
) -> None:
    """One reviewer: queue, think, open an item, think, decide, think; again until stopped."""

    async def pause() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), think * random.uniform(0.5, 1.5))

    while not stop.is_set():
        await pause()
        r = await _timed(
            stats, "queue", http.get("/api/review/queue", params={"status": "pending", "limit": 50})
        )
        if r is None or r.status_code != 200:
            stats.errors.append(f"queue {r.status_code if r else '-'}")
            continue
        items = [i for i in r.json()["items"] if int(i["id"].replace("-", ""), 16) % m == me]
        if not items:  # nothing left for this reviewer: keep browsing what is there
            items = r.json()["items"][:1]
            if not items:
                continue
            decide_now = False
        else:
            decide_now = True
        item = items[0]
        await pause()
        r = await _timed(stats, "item", http.get(f"/api/review/responses/{item['id']}"))
        if r is None or r.status_code != 200:
            stats.errors.append(f"item {r.status_code if r else '-'}")
            continue
        body = r.json()
        if not decide_now or not body["can_review"]:
            continue
        await pause()
        suggestion = body.get("suggestion") or {}
        score = suggestion.get("score")
        payload: dict[str, Any] = (
            {"decision": "confirm"}
            if score is not None
            else {
                "decision": "override",
                "score": 3,
                "reason_code": "exemplar_mismatch",
                "comment": "load test",
            }
        )
        payload["expected_version"] = body["review_version"]
        r = await _timed(
            stats, "decide", http.post(f"/api/review/responses/{item['id']}/reviews", json=payload)
        )
        if r is None or r.status_code not in (200, 201):
            stats.errors.append(f"decide {r.status_code if r else '-'}: {r.text[:120] if r else ''}")
            continue
        stats.decided += 1


async def _reviewers(
    base: str,
    creds: dict[str, tuple[str, str]],
    m: int,
    seconds: float,
    stop_when: asyncio.Future[Any] | None,
    think: float,
) -> ReviewerStats:
    stats = ReviewerStats()
    sessions = [await _login(base, *creds["reviewer"]) for _ in range(m)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_reviewer(s, i, m, stop, stats, think)) for i, s in enumerate(sessions)]
    if stop_when is not None:
        await stop_when
    else:
        await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    for s in sessions:
        await s.aclose()
    return stats


# ------------------------------------------------------------------ setup and one level


async def _invite(admin: httpx.AsyncClient, assessment_id: str, n: int, tag: str) -> list[str]:
    tokens = []
    for i in range(n):
        r = await admin.post(
            f"/api/assessments/{assessment_id}/invitations",
            json={"candidate_name": f"Load {tag}-{i}", "candidate_email": f"load-{tag}-{i}@example.com"},
        )
        r.raise_for_status()
        tokens.append(r.json()["token"])
    return tokens


async def _written_answers(base: str, tokens: list[str]) -> int:
    count = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for token in tokens:
            view = (await http.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
            for q in (q for q in view["questions"] if q["kind"] == "written"):
                r = await http.put(
                    f"/api/candidate/{token}/written/{q['id']}",
                    json={"take_id": str(uuid.uuid4()), "text": WRITTEN, "submit": True},
                )
                r.raise_for_status()
                count += 1
    return count


async def _wait_suggested(
    admin: httpx.AsyncClient, response_ids: list[str], timeout: float
) -> tuple[int, int, float]:
    """How many answers reached ``ready`` (a suggestion or an abstention) and how many failed."""
    t0 = time.perf_counter()
    ready: set[str] = set()
    failed: set[str] = set()
    while time.perf_counter() - t0 < timeout and len(ready) + len(failed) < len(response_ids):
        for rid in set(response_ids) - ready - failed:
            r = await admin.get(f"/api/responses/{rid}")
            state = r.json().get("state") if r.status_code == 200 else None
            if state == "ready":
                ready.add(rid)
            elif state == "failed":
                failed.add(rid)
        await asyncio.sleep(1.0)
    return len(ready), len(failed), time.perf_counter() - t0


async def _pending(admin: httpx.AsyncClient) -> int:
    page = await admin.get("/api/review/queue", params={"status": "pending", "limit": 1})
    page.raise_for_status()
    return int(page.json()["total"])


async def _wait_queue(admin: httpx.AsyncClient, at_least: int, timeout: float) -> int:
    """Wait until ``at_least`` answers wait for review (scored); return how many do."""
    t0 = time.perf_counter()
    while (pending := await _pending(admin)) < at_least and time.perf_counter() - t0 < timeout:
        await asyncio.sleep(1.0)
    return pending


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000


async def level(
    base: str,
    creds: dict[str, tuple[str, str]],
    admin: httpx.AsyncClient,
    assessment_id: str,
    media: Path,
    n: int,
    m: int,
    seconds: float,
    think: float,
    tag: str,
    signal: str,
) -> dict[str, Any]:
    # Answers for the reviewers to decide, scored before the level starts, enough for both
    # phases: a reviewer decides about one answer per 3 think times.
    before = await _pending(admin)
    wanted = int(2 * m * (seconds + 10) / (3 * think)) + 2
    written = await _written_answers(base, await _invite(admin, assessment_id, wanted, f"{tag}w"))
    await _wait_queue(admin, before + written, timeout=300)
    idle = await _reviewers(base, creds, m, seconds, None, think)
    tokens = await _invite(admin, assessment_id, n, tag)
    parent, child = mp.Pipe(duplex=False)
    proc = mp.get_context("spawn").Process(
        target=_candidates_main, args=(child, base, tokens, str(media), seconds, signal)
    )
    load0 = os.getloadavg()[0]
    proc.start()
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Any] = loop.run_in_executor(None, parent.recv)
    busy = await _reviewers(base, creds, m, seconds, done, think)
    takes: list[dict[str, Any]] = done.result()
    proc.join(30)
    response_ids = [t["response_id"] for t in takes if t.get("response_id")]
    suggested, failed, wait_s = await _wait_suggested(admin, response_ids, timeout=120 + 20 * n)
    ok_takes = sum(1 for t in takes if t["ok"])
    return {
        "n": n,
        "m": m,
        "takes_ok": ok_takes,
        "takes": len(takes),
        "take_errors": [t["error"] for t in takes if t.get("error")],
        "suggested": suggested,
        "failed": failed,
        "suggest_wait_s": wait_s,
        "connect_s": [t.get("connect_s", float("nan")) for t in takes],
        "idle": idle,
        "busy": busy,
        "load": (load0, os.getloadavg()[0]),
        "holds": (
            ok_takes == n
            and not busy.errors
            and not idle.errors
            and failed == 0
            and suggested == len(response_ids) == n
        ),
    }


def _fmt(r: dict[str, Any]) -> str:
    busy, idle = r["busy"], r["idle"]
    cells = [
        f"{r['n']}x{r['m']}",
        "yes" if r["holds"] else "**no**",
        f"{r['takes_ok']}/{r['takes']}",
        f"{r['suggested']}/{r['takes']}",
        f"{max(r['connect_s']):.1f}",
    ]
    for kind in ("queue", "item", "decide"):
        b50, b99 = _pct(busy.latencies[kind], 0.5), _pct(busy.latencies[kind], 0.99)
        i50 = _pct(idle.latencies[kind], 0.5)
        cells.append(f"{b50:.0f} / {b99:.0f} ({b50 / i50:.1f}x)" if i50 == i50 else "-")
    cells += [
        str(busy.decided),
        str(len(busy.errors) + len(idle.errors)),
        f"{r['load'][0]:.1f}-{r['load'][1]:.1f}",
        f"{r['suggest_wait_s']:.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="1x1,2x2,3x4,4x8")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--think", type=float, default=1.0, help="a reviewer's pause between actions, s (randomized 0.5-1.5x)"
    )
    parser.add_argument(
        "--modes",
        default="single,split",
        help="single: one process; split: media and API in separate processes (compared in one run)",
    )
    parser.add_argument(
        "--keep-going", action="store_true", help="run every level even after one does not hold"
    )
    args = parser.parse_args()
    levels = [tuple(int(x) for x in lv.split("x")) for lv in args.levels.split(",")]
    cache = Path(tempfile.gettempdir()) / "viva-bench-media"
    cache.mkdir(exist_ok=True)
    media = make_test_media(cache / f"load-{int(args.seconds) + 5}s.webm", seconds=args.seconds + 5)
    print(f"load average before {os.getloadavg()[0]:.1f} (a shared machine: other jobs run too)", flush=True)
    print(
        "| mode | N x M | holds | takes stored | suggested | connect max s | queue p50 / p99 ms "
        "(vs idle p50) | item p50 / p99 ms (vs idle) | decide p50 / p99 ms (vs idle) | "
        "decided | errors | load | suggestions after s |"
    )
    print("|" + "---|" * 12, flush=True)
    for mode in args.modes.split(","):
        await run_mode(mode, levels, media, args)


@contextlib.contextmanager
def _deployment(mode: str, tmp: Path) -> Any:
    """``single``: one ``viva demo`` process does everything (the embedded default). ``split``:
    the same demo as ``--role api`` (UI, API, written answers' jobs) and a ``viva serve --role
    media`` process on the same data dir (WebRTC, recording, its takes' jobs): what the reverse
    proxy does in a deployment, the candidates' clients do here by sending take signalling to
    the media process."""
    if mode == "single":
        with live_server(tmp, {}, command="demo") as srv:
            yield srv, srv.url
        return
    if mode != "split":
        raise SystemExit(f"unknown mode {mode!r}: single or split")
    with (
        live_server(tmp, {"VIVA_ROLE": "api"}, command="demo") as srv,
        live_server(tmp, {"VIVA_ROLE": "media", "VIVA_PUBLIC_URL": srv.url}) as media_srv,
    ):
        yield srv, media_srv.url


async def run_mode(mode: str, levels: list[tuple[int, ...]], media: Path, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, _deployment(mode, Path(tmp)) as (srv, signal):
        creds = {role: (email, pw) for role, email, pw in CREDS.findall(srv.output())}
        admin = await _login(srv.url, *creds["admin"])
        assessments = (await admin.get("/api/assessments")).json()
        items = assessments["items"] if isinstance(assessments, dict) else assessments
        assessment_id = items[0]["id"]
        for i, (n, m) in enumerate(levels):
            result = await level(
                srv.url, creds, admin, assessment_id, media, n, m, args.seconds, args.think, f"l{i}", signal
            )
            print(f"| {mode} " + _fmt(result), flush=True)
            for err in result["take_errors"] + result["busy"].errors[:5]:
                print(f"    {err}", flush=True)
            if not result["holds"] and not args.keep_going:
                break
        await admin.aclose()


if __name__ == "__main__":
    asyncio.run(main())
