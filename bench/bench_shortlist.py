"""The shortlist page's endpoint on 1,000 candidates (6 answers each), against a bare Litestar
endpoint returning a small JSON, in the same run.

Run: ``.venv/bin/python bench/bench_shortlist.py [--candidates 1000] [--requests 20]``. The real
app and the bare app each run in their own uvicorn process on loopback (SQLite database seeded
by ``bench_review.seed``: suggestions with intervals, English bands, 30% of answers reviewed);
one client asks one request at a time, so the figures are per-request latencies of a page load.
Each shortlist request ranks every candidate (scores with intervals, "where to probe"); the
candidates' built scores are cached per process and checked against their rows on every request
(``server/domain/reports/built_cache.py``), so the first request after a start builds them all
and the next ones only what changed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_review import SERVE_BARE, SERVE_REAL, serve  # noqa: E402
from tests.support.world import PASSWORD as WORLD_PASSWORD  # noqa: E402

QUESTIONS = 6  # scored questions of the ML-engineer assessment


def _clone(row: Any, **changes: Any) -> dict[str, Any]:
    """A row's column values as a dict for a bulk insert, with a new id and ``changes``."""
    out = {c.key: getattr(row, c.key) for c in sa.inspect(row).mapper.column_attrs}
    out.pop("sa_orm_sentinel", None)
    return {**out, "id": uuid.uuid4(), **changes}


async def seed(url: str, n: int) -> str:
    """Alpha of the test world, plus ``n`` candidates with every scored question answered: an
    answer as the pipeline leaves it (suggestion with interval, English band) cloned with random
    scores; 30% of candidates reviewed by hand. Returns alpha's admin email."""
    from sqlalchemy import insert, select
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from server.db.engine import session_maker
    from server.db.models import Attempt, Invitation, ProficiencyResult, Response, Review, Suggestion
    from tests.support.reviews import add_ready_response
    from tests.support.world import build_world

    world = await build_world(url)
    a = world.a
    template = await add_ready_response(url, a.invitation_ids["Alice"], a.question_ids[1])
    rng = random.Random(16)
    engine = create_async_engine(url, poolclass=NullPool)
    async with session_maker(engine)() as db:
        inv0 = await db.get(Invitation, a.invitation_ids["Alice"])
        r0 = await db.get(Response, template)
        assert inv0 is not None and r0 is not None
        att0 = await db.get(Attempt, r0.attempt_id)
        s0 = (await db.execute(select(Suggestion).where(Suggestion.response_id == template))).scalar_one()
        p0 = (
            await db.execute(select(ProficiencyResult).where(ProficiencyResult.response_id == template))
        ).scalar_one()
        tables: dict[Any, list[dict[str, Any]]] = {m: [] for m in (Invitation, Attempt, Response, Suggestion)}
        tables[ProficiencyResult], tables[Review] = [], []
        for i in range(n):
            inv = _clone(inv0, candidate_name=f"Candidate {i:04d}", candidate_email=f"c{i}@x.test")
            inv["token_hash"] = secrets.token_hex(32)
            att = _clone(att0, invitation_id=inv["id"])
            tables[Invitation].append(inv)
            tables[Attempt].append(att)
            ability = rng.uniform(1.5, 4.5)
            reviewed = rng.random() < 0.3
            for qid in a.question_ids[1:]:
                score = min(5.0, max(1.0, rng.gauss(ability, 0.6)))
                width = rng.uniform(0.4, 2.5)
                r = _clone(r0, attempt_id=att["id"], question_id=qid, take_id=uuid.uuid4())
                r["review_status"], r["review_version"] = ("reviewed", 1) if reviewed else ("pending", 0)
                tables[Response].append(r)
                tables[Suggestion].append(
                    _clone(
                        s0,
                        response_id=r["id"],
                        score=score,
                        interval_low=max(1.0, score - width / 2),
                        interval_high=min(5.0, score + width / 2),
                    )
                )
                tables[ProficiencyResult].append(_clone(p0, response_id=r["id"]))
                if reviewed:
                    tables[Review].append(
                        {
                            "id": uuid.uuid4(),
                            "response_id": r["id"],
                            "reviewer_id": None,
                            "score": round(score),
                            "decision": "confirm",
                            "comment": "",
                            "created_at": r["created_at"],
                            "updated_at": r["created_at"],
                        }
                    )
        for model, rows in tables.items():
            for start in range(0, len(rows), 2000):
                await db.execute(insert(model), rows[start : start + 2000])
        await db.commit()
    await engine.dispose()
    return a.admin_email


async def timed(c: httpx.AsyncClient, path: str, n: int) -> dict[str, float]:
    await c.get(path)  # warm-up
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = await c.get(path)
        lat.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text[:300]
    lat.sort()
    return {"p50": statistics.median(lat) * 1000, "max": lat[-1] * 1000, "bytes": float(len(r.content))}


async def run(args: argparse.Namespace, tmp: Path) -> None:
    from server.db.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    t0 = time.perf_counter()
    email = await seed(url, args.candidates)
    print(f"seeded {args.candidates} candidates in {time.perf_counter() - t0:.1f}s", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    env.update(
        {
            "VIVA_DATABASE_URL": url,
            "VIVA_SECRET_KEY": "bench-" + "x" * 40,
            "VIVA_DATA_DIR": str(tmp / "data"),
            "VIVA_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
        }
    )
    with (
        serve(SERVE_BARE, env, tmp / "bare.log") as bare_url,
        serve(SERVE_REAL, env, tmp / "real.log") as real_url,
    ):
        async with httpx.AsyncClient(base_url=bare_url, timeout=120) as c:
            bare = await timed(c, "/bare", args.requests)
        async with httpx.AsyncClient(base_url=real_url, timeout=120) as c:
            await c.get("/api/auth/me")
            c.headers["x-csrf-token"] = c.cookies["viva_csrf"]
            r = await c.post("/api/auth/login", json={"email": email, "password": WORLD_PASSWORD})
            assert r.status_code == 200, r.text
            aid = (await c.get("/api/assessments")).json()[0]["id"]
            base = f"/api/reports/assessments/{aid}/shortlist"
            t0 = time.perf_counter()
            first = await c.get(base)
            cold = {"p50": (time.perf_counter() - t0) * 1000, "bytes": float(len(first.content))}
            got = first.json()
            assert got["total"] == args.candidates + 1, got["total"]  # and the world's Alice
            cases: list[tuple[str, dict[str, float]]] = [("bare Litestar JSON", bare)]
            cases.append(("shortlist (all), first request", {**cold, "max": cold["p50"]}))
            for name, q in [
                ("shortlist (all)", ""),
                ("shortlist (page of 50)", "?limit=50"),
                ("shortlist (English meets)", "?english_meets=true"),
                ("shortlist (no competency < 40)", "?min_competency=40"),
                ("compare (existing, for reference)", None),
            ]:
                path = f"/api/reports/assessments/{aid}/compare" if q is None else base + q
                cases.append((name, await timed(c, path, args.requests)))
    print(
        f"\n{args.candidates} candidates x {QUESTIONS} answers, SQLite, "
        f"{args.requests} sequential requests each"
    )
    print(f"{'endpoint':36} {'p50 ms':>9} {'max ms':>9} {'KiB':>8} {'x bare':>9}")
    for name, m in cases:
        print(
            f"{name:36} {m['p50']:9.1f} {m['max']:9.1f} {m['bytes'] / 1024:8.0f} "
            f"{m['p50'] / bare['p50']:9.0f}"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--candidates", type=int, default=1000)
    p.add_argument("--requests", type=int, default=20)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="viva-bench-shortlist-") as d:
        asyncio.run(run(args, Path(d)))


if __name__ == "__main__":
    main()
