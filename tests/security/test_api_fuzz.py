"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis).

A real ``viva serve`` process on a real PostgreSQL database (stricter than SQLite about
what it stores, so the likelier place for a 5xx) with the two-organization world in it.
Every operation is fuzzed twice: as alpha's admin (session cookie + CSRF header, so requests
reach the handlers) and anonymously, with valid and with invalid (negative) data. Half
of the admin's cases carry real ids and tokens of alpha in their path, so they get past
"not found" into the handlers' own rules. Each
response must not be a 5xx, and its status code, content type and body must be ones the
schema documents. The run makes at least 1,000 requests and counts them; it is derandomized,
so a failure reproduces on the next run (the failure report also prints a curl command).

Not fuzzed as admin: ``POST /api/auth/logout`` would end the session the rest of the run
uses; it is fuzzed anonymously like every other operation. Nothing else is left out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.live_server import live_server
from tests.support.postgres import PostgresServer
from tests.support.world import PASSWORD, World, build_world

pytestmark = pytest.mark.integration

ADMIN_EXAMPLES = 12  # per operation
ANONYMOUS_EXAMPLES = 4
MIN_REQUESTS = 1000
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIP_AS_ADMIN = {("POST", "/api/auth/logout")}  # see the module docstring


@dataclass
class Target:
    url: str
    world: World
    admin: dict[str, str]  # headers of alpha's admin
    csrf_cookie: str
    known: dict[str, list[str]] = field(default_factory=dict)  # path parameter -> real values
    log: Path | None = None


@pytest.fixture(scope="module")
def target(
    pg_server: PostgresServer, pg_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    name = f"viva_fuzz_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    db_url = pg_server.url(name)
    world = asyncio.run(build_world(db_url))
    env = {"VIVA_DATABASE_URL": db_url, "VIVA_SECRET_KEY": "fuzz-" + "k" * 40}
    try:
        with (
            live_server(tmp_path_factory.mktemp("fuzz") / "data", env) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            http.get("/api/auth/me")
            csrf = http.cookies["viva_csrf"]
            r = http.post(
                "/api/auth/login",
                headers={"x-csrf-token": csrf},
                json={"email": world.a.admin_email, "password": PASSWORD},
            )
            assert r.status_code == 200, r.text
            session = http.cookies["viva_session"]
            admin = {"cookie": f"viva_session={session}; viva_csrf={csrf}", "x-csrf-token": csrf}
            t = Target(url=server.url, world=world, admin=admin, csrf_cookie=csrf, log=server.log)
            share = http.post(
                f"/api/reports/invitations/{world.a.invitation_ids['Alice']}/share", headers=admin, json={}
            ).json()
            hook = http.post(
                "/api/webhooks",
                headers=admin,
                json={"url": "https://hooks.example.com/fuzz", "events": ["review.completed"]},
            ).json()
            token = http.post("/api/api-tokens", headers=admin, json={"name": "fuzz"}).json()
            a = world.a
            t.known = {
                "assessment_id": [str(a.assessment_id)],
                "question_id": [str(q) for q in a.question_ids],
                "invitation_id": [str(i) for i in a.invitation_ids.values()],
                "token": [a.tokens["Alice"], a.tokens["Amir"], share["token"]],
                "webhook_id": [hook["id"]],
                "token_id": [token["id"]],
                "link_id": [share["id"]],
            }
            yield t
    finally:
        pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _operations(target: Target) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{target.url}/schema/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@dataclass
class Tally:
    requests: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # "METHOD path" -> first failure


def _fuzz(target: Target, operation: Any, *, as_admin: bool, examples: int, tally: Tally) -> None:
    key = f"{operation.method.upper()} {operation.path}"
    session = requests.Session()

    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, real=st.booleans(), pick=st.integers(0, 10))
    def run(case: Any, real: bool, pick: int) -> None:
        if as_admin and real and case.path_parameters:
            for name in case.path_parameters:
                if name in target.known:
                    values = target.known[name]
                    case.path_parameters[name] = values[pick % len(values)]
        headers = (
            dict(target.admin)
            if as_admin
            else {"cookie": f"viva_csrf={target.csrf_cookie}", "x-csrf-token": target.csrf_cookie}
        )
        response = case.call(base_url=target.url, session=session, headers=headers, timeout=60)
        tally.requests += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # one failing operation must not hide others
        tally.failures[f"{key} ({'admin' if as_admin else 'anonymous'})"] = str(exc)[:3000]
    finally:
        session.close()


def test_fuzz_the_whole_api(target: Target) -> None:
    operations = _operations(target)
    assert len(operations) >= 70, [f"{o.method} {o.path}" for o in operations]
    tally = Tally()
    for op in operations:
        if (op.method.upper(), op.path) not in SKIP_AS_ADMIN:
            _fuzz(target, op, as_admin=True, examples=ADMIN_EXAMPLES, tally=tally)
        _fuzz(target, op, as_admin=False, examples=ANONYMOUS_EXAMPLES, tally=tally)
    log = target.log.read_text(errors="replace")[-4000:] if target.log else ""
    assert not tally.failures, (
        f"{len(tally.failures)} operation(s) failed after {tally.requests} requests:\n\n"
        + "\n\n".join(f"== {k}\n{v}" for k, v in sorted(tally.failures.items()))
        + f"\n\nserver log (tail):\n{log}"
    )
    assert tally.requests >= MIN_REQUESTS, f"only {tally.requests} requests were generated"
