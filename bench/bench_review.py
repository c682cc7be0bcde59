"""Review endpoints under load: the queue and the review page on 10,000 answers, against a bare
Litestar endpoint returning a small JSON, in the same run.

Run: ``.venv/bin/python bench/bench_review.py [--db sqlite|postgresql|both] [--responses 10000]
[--concurrency 16] [--seconds 8]``. The real app (``create_app``) and the bare app each run in
their own uvicorn process on loopback; 16 httpx clients in this process hammer one endpoint at a
time for a bounded time and request count. The load generator is one Python process, so the
bare endpoint's rate is close to what the client itself can drive: read the ratio as "how much
slower than an empty endpoint", not as the server's ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench horse battery staple"

SERVE_REAL = """
import sys, uvicorn
from server.app import create_app
from server.settings import Settings
uvicorn.run(create_app(Settings.from_env()), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", access_log=False)
"""
SERVE_BARE = """
import sys, uvicorn
from litestar import Litestar, get

@get("/bare", sync_to_thread=False)
def bare() -> dict[str, object]:
    return {"ok": True, "items": [1, 2, 3]}

uvicorn.run(Litestar([bare]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
"""


async def seed(url: str, n_responses: int) -> tuple[str, list[str]]:
    """An organization with one assessment and ``n_responses`` ready answers (60% pending,
    10% partial, 30% reviewed); returns the reviewer's email and some pending answer ids."""
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from server.db.engine import session_maker
    from server.db.models import (
        Attempt,
        Invitation,
        Organization,
        ProficiencyResult,
        Response,
        Review,
        Role,
        Suggestion,
    )
    from server.domain.accounts.services import create_user
    from server.domain.assessments.schemas import AssessmentCreate
    from server.domain.assessments.services import create_assessment
    from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT

    engine = create_async_engine(url, poolclass=NullPool)
    rng = random.Random(7)
    now = datetime.now(UTC)
    pending: list[str] = []
    async with session_maker(engine)() as db:
        org = Organization(name="Bench", slug="bench")
        db.add(org)
        await db.flush()
        await create_user(
            db,
            organization_id=org.id,
            email="reviewer@bench.test",
            name="Rita",
            password=PASSWORD,
            role=Role.REVIEWER,
        )
        other = await create_user(
            db,
            organization_id=org.id,
            email="other@bench.test",
            name="Other",
            password=PASSWORD,
            role=Role.REVIEWER,
        )
        a = await create_assessment(db, org.id, msgspec.convert(ML_ENGINEER_ASSESSMENT, AssessmentCreate))
        a.settings = msgspec.structs.replace(a.settings, reviews_per_response=2)
        questions = [q.id for q in a.questions if not q.is_practice]
        n_inv = -(-n_responses // len(questions))
        tables: tuple[list[dict[str, Any]], ...] = ([], [], [], [], [], [])
        invs, attempts, responses, suggestions, profs, reviews = tables
        for i in range(n_inv):
            inv_id, att_id = uuid.uuid4(), uuid.uuid4()
            invs.append(
                {
                    "id": inv_id,
                    "organization_id": org.id,
                    "assessment_id": a.id,
                    "candidate_name": f"Candidate {i}",
                    "candidate_email": f"c{i}@x.test",
                    "token_hash": secrets.token_hex(32),
                    "expires_at": now + timedelta(days=9),
                    "accommodations": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
            attempts.append(
                {
                    "id": att_id,
                    "invitation_id": inv_id,
                    "consented_at": now,
                    "consent_version": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for qid in questions:
                if len(responses) >= n_responses:
                    break
                rid = uuid.uuid4()
                roll = rng.random()
                status = "pending" if roll < 0.6 else "partial" if roll < 0.7 else "reviewed"
                responses.append(
                    {
                        "id": rid,
                        "attempt_id": att_id,
                        "question_id": qid,
                        "take_id": uuid.uuid4(),
                        "take": 1,
                        "kind": "written",
                        "text": "An answer " * 40,
                        "is_partial": False,
                        "is_current": True,
                        "state": "ready",
                        "review_status": status,
                        "review_version": {"pending": 0, "partial": 1, "reviewed": 2}[status],
                        "processing_tries": 0,
                        "submitted_at": now - timedelta(seconds=len(responses)),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                abstained = rng.random() < 0.08
                score = rng.uniform(1, 5)
                width = rng.uniform(0.5, 3.0)
                suggestions.append(
                    {
                        "id": uuid.uuid4(),
                        "response_id": rid,
                        "is_current": True,
                        "score": None if abstained else score,
                        "interval_low": None if abstained else max(1.0, score - width / 2),
                        "interval_high": None if abstained else min(5.0, score + width / 2),
                        "level": 0.8,
                        "abstained": abstained,
                        "abstain_reason": "Too short." if abstained else None,
                        "evidence": {
                            "levels": [],
                            "reference_similarity": None,
                            "reference_coverage": None,
                            "max_similarity": None,
                            "n_exemplars": 0,
                            "n_scored_examples": 0,
                            "example_share": 0.0,
                            "interval_method": "bench",
                            "n_calibration": 0,
                            "spread": None,
                            "regime": "bench",
                            "rounded_level": None if abstained else round(score),
                            "abstain_code": "bench" if abstained else None,
                            "scale": [1, 5],
                        },
                        "model_versions": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                profs.append(
                    {
                        "id": uuid.uuid4(),
                        "response_id": rid,
                        "band": "B2",
                        "band_low": "B1",
                        "band_high": "C1",
                        "threshold": "B2",
                        "signals": [],
                        "reliable": True,
                        "version": "bench",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                for k in range({"pending": 0, "partial": 1, "reviewed": 2}[status]):
                    reviews.append(
                        {
                            "id": uuid.uuid4(),
                            "response_id": rid,
                            "reviewer_id": other.id if k == 0 else None,
                            "score": 3,
                            "decision": "confirm",
                            "comment": "",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                if status == "pending" and len(pending) < 2000:
                    pending.append(str(rid))
        for model, rows in (
            (Invitation, invs),
            (Attempt, attempts),
            (Response, responses),
            (Suggestion, suggestions),
            (ProficiencyResult, profs),
            (Review, reviews),
        ):
            for start in range(0, len(rows), 2000):
                await db.execute(insert(model), rows[start : start + 2000])
        await db.commit()
    await engine.dispose()
    return "reviewer@bench.test", pending


async def analyze(url: str) -> None:
    """Planner statistics after the bulk seed, as autovacuum (PostgreSQL) or ``PRAGMA optimize``
    would gather them in a deployment that grew to this size."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()


@contextmanager
def serve(code: str, env: dict[str, str], log: Path) -> Iterator[str]:
    from tests.support.live_server import free_port

    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(port)], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # importing the app on a busy 2-core box is slow
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise TimeoutError(log.read_text()[-3000:]) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def load(
    client: httpx.AsyncClient,
    paths: list[str],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> dict[str, float]:
    """Hit ``paths`` (round robin) with ``concurrency`` workers; latency percentiles and rate."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = iter(range(max_requests))

    async def worker() -> None:
        nonlocal errors
        for i in counter:
            if time.perf_counter() > deadline:
                return
            t0 = time.perf_counter()
            r = await client.get(paths[i % len(paths)], headers=headers)
            latencies.append(time.perf_counter() - t0)
            errors += r.status_code != expect

    for p in paths[:3]:  # warm up
        assert (await client.get(p, headers=headers)).status_code == expect, (await client.get(p)).text
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "n": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


async def run_db(kind: str, url: str, args: argparse.Namespace, tmp: Path) -> list[tuple[Any, ...]]:
    from server.db.migrate import upgrade

    upgrade(url)
    t0 = time.perf_counter()
    email, pending = await seed(url, args.responses)
    print(f"[{kind}] seeded {args.responses} answers in {time.perf_counter() - t0:.1f}s", flush=True)
    await analyze(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    env.update(
        {
            "VIVA_DATABASE_URL": url,
            "VIVA_SECRET_KEY": "bench-" + "x" * 40,
            "VIVA_DATA_DIR": str(tmp / f"data-{kind}"),
            "VIVA_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
        }
    )
    rows = []
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    common = {"concurrency": args.concurrency, "seconds": args.seconds, "max_requests": args.max_requests}
    with (
        serve(SERVE_BARE, env, tmp / f"bare-{kind}.log") as bare_url,
        serve(SERVE_REAL, env, tmp / f"real-{kind}.log") as real_url,
    ):
        async with httpx.AsyncClient(base_url=bare_url, limits=limits, timeout=60) as c:
            bare = await load(c, ["/bare"], **common)
        async with httpx.AsyncClient(base_url=real_url, limits=limits, timeout=60) as c:
            await c.get("/api/auth/me")
            c.headers["x-csrf-token"] = c.cookies["viva_csrf"]
            r = await c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            total = (await c.get("/api/review/queue?limit=1")).json()["total"]
            # a cursor 5,000 answers deep (the page a reviewer reaches by "Show more")
            deep: str | None = None
            for _ in range(25):
                page = (
                    await c.get(
                        "/api/review/queue", params={"limit": 200, **({"cursor": deep} if deep else {})}
                    )
                ).json()
                deep = page["next_cursor"] or deep
                if page["next_cursor"] is None:
                    break
            cases = [
                ("queue (oldest, 50)", ["/api/review/queue?limit=50"]),
                ("queue (uncertain, 50)", ["/api/review/queue?order=uncertain&limit=50"]),
                ("queue (offset 5000)", ["/api/review/queue?limit=50&offset=5000"]),
                ("queue (cursor 5000)", [f"/api/review/queue?limit=50&cursor={deep}"]),
                ("candidates (50)", ["/api/review/candidates?limit=50"]),
                ("review item", [f"/api/review/responses/{rid}" for rid in pending]),
            ]
            rows.append((kind, "bare Litestar JSON", bare, 1.0, 1.0))
            for name, paths in cases:
                got = await load(c, paths, **common)
                rows.append((kind, name, got, got["p50"] / bare["p50"], got["rps"] / bare["rps"]))
            # what a reviewer's open queue costs every 15 s when nothing changed: If-None-Match -> 304
            tag = (await c.get("/api/review/queue?limit=100")).headers["etag"]
            got = await load(
                c, ["/api/review/queue?limit=100"], **common, headers={"If-None-Match": tag}, expect=304
            )
            rows.append((kind, "queue poll (304)", got, got["p50"] / bare["p50"], got["rps"] / bare["rps"]))
    print(f"[{kind}] queue total for the reviewer: {total}", flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--responses", type=int, default=10_000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--max-requests", type=int, default=5000)
    args = p.parse_args()
    rows: list[tuple[Any, ...]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if args.db in ("sqlite", "both"):
            rows += asyncio.run(run_db("sqlite", f"sqlite+aiosqlite:///{tmp / 'bench.db'}", args, tmp))
        if args.db in ("postgresql", "both"):
            from tests.support.postgres import postgres_server

            with postgres_server() as pg:
                pg.psql("CREATE DATABASE viva_bench")
                rows += asyncio.run(run_db("postgresql", pg.url("viva_bench"), args, tmp))
    print(
        f"\n{args.responses} answers, {args.concurrency} concurrent clients, "
        f"<= {args.seconds:g}s / {args.max_requests} requests per endpoint\n"
    )
    print(
        f"{'db':<11}{'endpoint':<24}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'p50 / bare':>12}{'req/s / bare':>14}"
    )
    for kind, name, m, ratio, rps_ratio in rows:
        print(
            f"{kind:<11}{name:<24}{m['n']:>9}{m['errors']:>7}{m['rps']:>9.0f}{m['p50']:>9.1f}"
            f"{m['p99']:>9.1f}{ratio:>11.1f}x{rps_ratio:>13.2f}x"
        )


if __name__ == "__main__":
    main()
