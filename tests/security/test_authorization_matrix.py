"""Authorization matrix: every operation of the OpenAPI schema x every kind of caller.

Each row of ``MATRIX`` is one (method, path) of the app's schema and gives the exact status
each role gets. Every cell is a real request against the real app; path parameters are
filled with ids and tokens that belong to organization *alpha* (candidate A). Requests that
change or destroy something run on resources made for that very cell, so cells are
independent and their order does not matter.

Roles:

- ``anonymous``: no credentials (but a valid CSRF pair, so the auth check is what answers).
  On candidate routes it presents a link token that does not exist.
- ``candidate``: candidate A with its own link token. On staff routes it presents that token
  as ``Authorization: Bearer``: a candidate link is no staff credential (401).
- ``other_candidate``: another candidate of alpha, with its own token, on A's resources (a
  take, a response, a device check of A). Where the path holds only the token, the token
  is the resource: it can only reach its own invitation.
- ``foreign_candidate``: a candidate of organization beta, likewise.
- ``reviewer`` / ``admin``: alpha's staff, cookie session + CSRF header. On candidate routes
  staff hold no link token: they try the invitation's id (which staff can see) instead.
- ``foreign_admin``: beta's admin on alpha's resources: 404 (alpha's things do not exist
  for beta). On collection routes beta sees its own data only: those cells also assert
  that no alpha id or token appears in the body.
- ``hiring_manager``: alpha's hiring manager, assigned to alpha's world assessment (not to the
  scratch copies cells make): reads the candidates, answers and reports of it, rates and
  writes notes; every other staff operation is 403 (a route opens itself to the role), and an
  assessment not shared with them is 404.
- ``api_token``: alpha's read-only organization API token (``Bearer viva_...``): reads
  what an admin reads, every change is 403.

The module builds one app and one world per database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import base64
import io
import secrets
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiortc import RTCConfiguration, RTCPeerConnection
from PIL import Image

from server.db.models import Invitation, InvitationStatus, Response, Role
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.conftest import _fresh_database, make_settings
from tests.security.conftest import schema_operations
from tests.support.media_files import make_webm
from tests.support.reviews import add_ready_response, add_staff, open_db, set_review_settings
from tests.support.world import PASSWORD, World, add_video_response, build_world

pytestmark = pytest.mark.integration

ANON, CAND, OTHER, FCAND = "anonymous", "candidate", "other_candidate", "foreign_candidate"
REV, ADMIN, FADMIN, API = "reviewer", "admin", "foreign_admin", "api_token"
HM = "hiring_manager"
ROLES = (ANON, CAND, OTHER, FCAND, REV, HM, ADMIN, FADMIN, API)
CANDIDATES = (CAND, OTHER, FCAND)
HM_EMAIL = "hana@alpha.test"
STAFF = (REV, HM, ADMIN, FADMIN)


# -- expectations ---------------------------------------------------------------------------
def staff_read(*, foreign: int = 404) -> dict[str, int]:
    """Any admin or reviewer (and the API token) reads; beta gets ``foreign``; a hiring manager 403."""
    return {
        ANON: 401,
        CAND: 401,
        OTHER: 401,
        FCAND: 401,
        REV: 200,
        HM: 403,
        ADMIN: 200,
        FADMIN: foreign,
        API: 200,
    }


def team_read(*, foreign: int = 404, hm: int = 200) -> dict[str, int]:
    """Like :func:`staff_read`, and the hiring manager too (on the assessment shared with them)."""
    return {**staff_read(foreign=foreign), HM: hm}


def team_write(ok: int, *, foreign: int = 404, hm: int | None = None) -> dict[str, int]:
    """Any person of the team (admin, reviewer, hiring manager) changes; the API token 403."""
    return {**staff_read(foreign=foreign), REV: ok, HM: ok if hm is None else hm, ADMIN: ok, API: 403}


def admin_read(*, foreign: int = 404) -> dict[str, int]:
    return {**staff_read(foreign=foreign), REV: 403}


def admin_write(ok: int, *, foreign: int = 404) -> dict[str, int]:
    return {**staff_read(foreign=foreign), REV: 403, ADMIN: ok, API: 403}


def staff_write(ok: int, *, foreign: int = 404) -> dict[str, int]:
    return {**staff_read(foreign=foreign), REV: ok, ADMIN: ok, API: 403}


def candidate(ok: int, *, other: int | None = None, foreign: int | None = None) -> dict[str, int]:
    """Token routes: an unknown token, or a staff member's invitation id, is 404."""
    return {
        ANON: 404,
        CAND: ok,
        OTHER: ok if other is None else other,
        FCAND: ok if foreign is None else foreign,
        REV: 404,
        HM: 404,
        ADMIN: 404,
        FADMIN: 404,
        API: 404,
    }


def public(ok: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, ok)


# -- the world each cell acts in --------------------------------------------------------------
@dataclass
class Invite:
    id: str
    token: str


@dataclass
class Req:
    """One cell's request: path parameters, a body, a query."""

    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    query: dict[str, str] | None = None
    candidate_route: bool = False
    own: Invite | None = None  # candidate A, on candidate routes
    session: str | None = None  # a staff cell's own session (for operations that end sessions)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. tus upload headers
    content: bytes | None = None  # a raw body (tus chunks)


@dataclass
class Ctx:
    client: Any
    db_url: str
    store: Any
    world: World
    csrf: str
    sessions: dict[str, str]  # role -> session cookie
    api_token: str
    beta_assessment: str
    webhook_id: str = ""
    ready_response: str = ""
    media_response: str = ""
    peers: list[RTCPeerConnection] = field(default_factory=list)

    @property
    def alpha_assessment(self) -> str:
        return str(self.world.a.assessment_id)

    def headers(self, role: str, req: Req, token: str | None = None) -> dict[str, str]:
        """Credentials of ``role``; every caller but the API token carries a CSRF pair."""
        h = {"x-csrf-token": self.csrf}
        cookie = f"viva_csrf={self.csrf}"
        if role == API:
            return {"authorization": f"Bearer {self.api_token}"}
        if role in self.sessions:
            cookie += f"; viva_session={self.sessions[role]}"
        elif role in CANDIDATES and not req.candidate_route and token:
            h["authorization"] = f"Bearer {token}"
        h["cookie"] = cookie
        return h

    async def call(self, method: str, path: str, role: str = ADMIN, **kw: Any) -> Any:
        headers = {**self.headers(role, Req()), **kw.pop("headers", {})}
        r = await self.client.request(method, path, headers=headers, **kw)
        self.client.cookies.clear()
        return r

    async def ok(self, method: str, path: str, role: str = ADMIN, **kw: Any) -> Any:
        r = await self.call(method, path, role, **kw)
        assert r.status_code < 300, f"setup {method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    # fresh resources, made through the API (as alpha's or beta's admin)
    async def invite(self, org: str = "a", *, consent: bool = False) -> Invite:
        role, assessment = (ADMIN, self.alpha_assessment) if org == "a" else (FADMIN, self.beta_assessment)
        n = secrets.token_hex(4)
        body = await self.ok(
            "POST",
            f"/api/assessments/{assessment}/invitations",
            role,
            json={"candidate_name": f"Cand {n}", "candidate_email": f"c{n}@example.com"},
        )
        inv = Invite(id=body["id"], token=body["token"])
        if consent:
            await self.ok("POST", f"/api/candidate/{inv.token}/consent", json={"accept": True})
        return inv

    async def scratch_assessment(self) -> dict[str, Any]:
        """A fresh copy of the ML-engineer assessment in alpha, for edits."""
        out: dict[str, Any] = await self.ok("POST", "/api/assessments", json=ML_ENGINEER_ASSESSMENT)
        return out

    @staticmethod
    def exemplar_of(assessment: dict[str, Any]) -> str:
        return str(assessment["questions"][1]["rubric"]["exemplars"][0]["id"])

    async def share_link(self, invitation: str) -> dict[str, Any]:
        out: dict[str, Any] = await self.ok("POST", f"/api/reports/invitations/{invitation}/share", json={})
        return out

    async def offer(self) -> str:
        """A real SDP offer from an aiortc peer (audio and video, send only)."""
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.peers.append(pc)
        pc.addTransceiver("audio", direction="sendonly")
        pc.addTransceiver("video", direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        return str(pc.localDescription.sdp)

    async def device_check(self, inv: Invite) -> str:
        body = await self.ok(
            "POST",
            f"/api/candidate/{inv.token}/device-check",
            json={"sdp": await self.offer(), "type": "offer"},
        )
        return str(body["check_id"])

    async def ended_take(self, inv: Invite) -> str:
        """A recorded, uploaded take of ``inv`` (what the recorder leaves behind)."""
        rid = await add_video_response(
            self.db_url,
            uuid.UUID(inv.id),
            self.world.a.question_ids[1],
            self.store,
            b"\x1a\x45\xdf\xa3 webm",
            duration_s=3.0,
        )
        async with open_db(self.db_url) as db:
            r = await db.get(Response, rid)
            assert r is not None
            return str(r.take_id)

    async def reviewed_response(self) -> str:
        inv = await self.invite()
        rid = await add_ready_response(self.db_url, uuid.UUID(inv.id), self.world.a.question_ids[2])
        await self.ok(
            "POST",
            f"/api/review/responses/{rid}/reviews",
            REV,
            json={"decision": "confirm", "expected_version": 0},
        )
        return str(rid)


def cand_token(ctx: Ctx, role: str, own: Invite, actor: Invite | None) -> str:
    """The token in the path: A's own, the acting candidate's, a made-up one, or an id."""
    if role == CAND:
        return own.token
    if role in (OTHER, FCAND):
        assert actor is not None
        return actor.token
    if role == ANON:
        return secrets.token_urlsafe(32)
    return own.id  # staff (and the API token) know the invitation's id, not its link


async def actor_for(ctx: Ctx, role: str, *, consent: bool = False) -> Invite | None:
    if role == OTHER:
        return await ctx.invite("a", consent=consent)
    if role == FCAND:
        return await ctx.invite("b", consent=consent)
    return None


Prepare = Callable[[Ctx, str], Awaitable[Req]]


Verify = Callable[[Ctx, str, Req], Awaitable[str | None]]


@dataclass(frozen=True)
class Row:
    expect: dict[str, int]
    prepare: Prepare
    verify: Verify | None = None  # what must still hold after the cell's request


def plain(**params: str) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(params=dict(params))

    return prepare


def with_alpha(key: str = "assessment_id", json: Any = None, query: dict[str, str] | None = None) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(params={key: ctx.alpha_assessment}, json=json, query=query)

    return prepare


def body(json: Any = None, *, fresh: Callable[[], Any] | None = None) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(json=fresh() if fresh else json)

    return prepare


def on_scratch(make: Callable[[Ctx, dict[str, Any]], Awaitable[Req]]) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return await make(ctx, await ctx.scratch_assessment())

    return prepare


def on_invitation(json: Any = None) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(params={"invitation_id": (await ctx.invite()).id}, json=json)

    return prepare


def on_world_invitation() -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(params={"invitation_id": str(ctx.world.a.invitation_ids["Alice"])})

    return prepare


def on_candidate(
    *,
    consent: bool = False,
    json: Any = None,
    sub: Callable[[Ctx, Invite], Awaitable[dict[str, str]]] | None = None,
    body_of: Callable[[Ctx], Awaitable[Any]] | None = None,
) -> Prepare:
    """A fresh invitation of alpha is candidate A; ``sub`` makes A's sub-resource."""

    async def prepare(ctx: Ctx, role: str) -> Req:
        own = await ctx.invite(consent=consent)
        actor = await actor_for(ctx, role, consent=consent)
        params = {"token": cand_token(ctx, role, own, actor)}
        if sub is not None:
            params.update(await sub(ctx, own))
        payload = await body_of(ctx) if body_of is not None else json
        return Req(params=params, json=payload, candidate_route=True, own=own)

    return prepare


async def _written_q(ctx: Ctx, own: Invite) -> dict[str, str]:
    return {"question_id": str(ctx.world.a.question_ids[6])}  # the written question


def _logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def with_alpha_logo() -> Prepare:
    """Alpha has a logo (beta has none)."""

    async def prepare(ctx: Ctx, role: str) -> Req:
        r = await ctx.call(
            "PUT",
            "/api/organization/branding/logo",
            content=_logo_png(),
            headers={"content-type": "image/png"},
        )
        assert r.status_code == 200, r.text
        return Req()

    return prepare


_WELCOME_WEBM: list[bytes] = []


def _welcome_webm() -> bytes:
    """A short real WebM (made once per run) for the welcome-video rows."""
    if not _WELCOME_WEBM:
        with tempfile.TemporaryDirectory() as d:
            _WELCOME_WEBM.append(make_webm(Path(d) / "welcome.webm", 1.0).read_bytes())
    return _WELCOME_WEBM[0]


def with_alpha_welcome_video() -> Prepare:
    """Alpha has a welcome video (beta has none)."""

    async def prepare(ctx: Ctx, role: str) -> Req:
        r = await ctx.call(
            "PUT",
            "/api/organization/branding/welcome-video",
            content=_welcome_webm(),
            headers={"content-type": "video/webm"},
        )
        assert r.status_code == 200, r.text
        return Req()

    return prepare


async def _alpha_welcome_video(ctx: Ctx, own: Invite) -> dict[str, str]:
    await with_alpha_welcome_video()(ctx, ADMIN)
    return {}


async def _alpha_logo(ctx: Ctx, own: Invite) -> dict[str, str]:
    await with_alpha_logo()(ctx, ADMIN)
    return {}


async def _first_q(ctx: Ctx, own: Invite) -> dict[str, str]:
    return {"question_id": str(ctx.world.a.question_ids[0])}  # the practice question, met first


async def _own_response(ctx: Ctx, own: Invite) -> dict[str, str]:
    r = await ctx.ok(
        "PUT",
        f"/api/candidate/{own.token}/written/{ctx.world.a.question_ids[6]}",
        json={"take_id": str(uuid.uuid4()), "text": "A draft of mine"},
    )
    return {"response_id": str(r["id"])}


async def _own_check(ctx: Ctx, own: Invite) -> dict[str, str]:
    return {"check_id": await ctx.device_check(own)}


async def _check_survives(ctx: Ctx, role: str, req: Req) -> str | None:
    if role == CAND or req.own is None:
        return None
    r = await ctx.call("GET", f"/api/candidate/{req.own.token}/device-check/{req.params['check_id']}")
    return None if r.status_code == 200 else f"{role} ended candidate A's device check"


async def _own_take(ctx: Ctx, own: Invite) -> dict[str, str]:
    return {"take_id": await ctx.ended_take(own)}


async def _take_offer(ctx: Ctx) -> dict[str, str]:
    return {
        "question_id": str(ctx.world.a.question_ids[0]),
        "take_id": str(uuid.uuid4()),
        "sdp": await ctx.offer(),
        "type": "offer",
    }


TUS = {"Tus-Resumable": "1.0.0"}


def _tus_meta(question_id: uuid.UUID, take_id: str) -> str:
    return ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"question_id": str(question_id), "take_id": take_id}.items()
    )


def on_upload(method: str) -> Prepare:
    """Candidate A's consented link; for HEAD/PATCH/DELETE, an upload A started (100 bytes)."""

    async def prepare(ctx: Ctx, role: str) -> Req:
        req = await on_candidate(consent=True)(ctx, role)
        take_id = str(uuid.uuid4())
        meta = {"Upload-Length": "100", "Upload-Metadata": _tus_meta(ctx.world.a.question_ids[0], take_id)}
        if method == "POST":
            req.headers = {**TUS, **meta}
            return req
        assert req.own is not None
        await ctx.ok("POST", f"/api/candidate/{req.own.token}/uploads", headers={**TUS, **meta})
        req.params["take_id"] = take_id
        req.headers = dict(TUS)
        if method == "PATCH":
            req.headers |= {"Upload-Offset": "0", "content-type": "application/offset+octet-stream"}
            req.content = b"\x1a\x45\xdf\xa3" + b"x" * 16
        return req

    return prepare


async def _check_offer(ctx: Ctx) -> dict[str, str]:
    return {"sdp": await ctx.offer(), "type": "offer"}


def _unique_user() -> dict[str, str]:
    n = secrets.token_hex(4)
    return {"email": f"staff{n}@example.com", "name": "New Reviewer", "role": Role.REVIEWER.value}


async def _scratch_member(ctx: Ctx, role: str, *, json: Any = None) -> Req:
    """Staff cells act as a fresh member of their role and org, signed in for this cell alone
    (changing a password or signing out everywhere ends sessions the other cells share)."""
    if role not in STAFF:
        return Req(json=json)
    org = ctx.world.b.id if role == FADMIN else ctx.world.a.id
    email = f"scratch{secrets.token_hex(4)}@example.com"
    kind = {REV: Role.REVIEWER, HM: Role.HIRING_MANAGER}.get(role, Role.ADMIN)
    await add_staff(ctx.db_url, org, email, "Scratch", kind)
    r = await ctx.call("POST", "/api/auth/login", ANON, json={"email": email, "password": PASSWORD})
    return Req(json=json, session=r.cookies["viva_session"])


async def _password_change(ctx: Ctx, role: str) -> Req:
    return await _scratch_member(
        ctx, role, json={"current_password": PASSWORD, "new_password": "a long unguessable phrase"}
    )


async def _alpha_member(ctx: Ctx, role: str) -> Req:
    """A fresh reviewer of alpha, made by alpha's admin (the cell's target)."""
    body = await ctx.ok("POST", "/api/users", json=_unique_user())
    return Req(params={"user_id": body["user"]["id"]})


def _alpha_member_with(json: Any) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        req = await _alpha_member(ctx, role)
        req.json = json
        return req

    return prepare


async def _deactivated_member(ctx: Ctx, role: str) -> Req:
    req = await _alpha_member(ctx, role)
    await ctx.ok("POST", f"/api/users/{req.params['user_id']}/deactivate")
    return req


def _account_link(json: Any = None) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        body = await ctx.ok("POST", "/api/users", json=_unique_user())
        return Req(params={"token": body["invitation"]["link"].rsplit("/", 1)[1]}, json=json)

    return prepare


def _template(kind: str, json: Any = None) -> Prepare:
    async def prepare(ctx: Ctx, role: str) -> Req:
        return Req(params={"kind": kind}, json=json)

    return prepare


async def _opt_out(ctx: Ctx, role: str) -> Req:
    """A fresh invitation's reminder opt-out link (signed with the matrix app's secret key)."""
    from server.domain.invitations.reminders import opt_out_token

    invite = await ctx.invite()
    return Req(params={"token": opt_out_token("test-secret-" + "x" * 40, uuid.UUID(invite.id))})


async def _new_api_token(ctx: Ctx, role: str) -> Req:
    t = await ctx.ok("POST", "/api/api-tokens", json={"name": "to revoke"})
    return Req(params={"token_id": t["id"]})


async def _new_webhook(ctx: Ctx, role: str) -> Req:
    h = await ctx.ok("POST", "/api/webhooks", json=webhook())
    return Req(params={"webhook_id": h["id"]})


async def _new_share_link(ctx: Ctx, role: str) -> Req:
    link = await ctx.share_link((await ctx.invite()).id)
    return Req(params={"link_id": link["id"]})


async def _share_token(ctx: Ctx, role: str) -> Req:
    link = await ctx.share_link(str(ctx.world.a.invitation_ids["Alice"]))
    return Req(params={"token": link["token"]})


async def _share_media(ctx: Ctx, role: str) -> Req:
    """A share link with media on Amir's report: the signed video URL it serves (no session needed)."""
    made = await ctx.ok(
        "POST",
        f"/api/reports/invitations/{ctx.world.a.invitation_ids['Amir']}/share",
        json={"include_media": True},
    )
    report = await ctx.ok("GET", f"/api/share/{made['token']}", ANON)
    (url,) = [a["video_url"] for a in report["answers"] if ctx.media_response in (a["video_url"] or "")]
    query = dict(x.split("=", 1) for x in url.split("?", 1)[1].split("&"))
    return Req(params={"response_id": ctx.media_response, "variant": "video"}, query=query)


async def _logout(ctx: Ctx, role: str) -> Req:
    """Logout ends the session it is sent with: staff cells sign in afresh for it."""
    if role in STAFF:
        email = {
            REV: ctx.world.a.reviewer_email,
            HM: HM_EMAIL,
            ADMIN: ctx.world.a.admin_email,
            FADMIN: ctx.world.b.admin_email,
        }[role]
        r = await ctx.call("POST", "/api/auth/login", ANON, json={"email": email, "password": PASSWORD})
        ctx.sessions[f"{role}:logout"] = r.cookies["viva_session"]
    return Req()


async def _own_note(ctx: Ctx, role: str) -> Req:
    """A note of alpha's hiring manager's on a fresh candidate, deleted by the note's author
    (the hiring manager) or an admin; a reviewer who did not write it gets 403."""
    inv = await ctx.invite()
    author = HM if role in (HM, REV) else ADMIN
    note = await ctx.ok("POST", f"/api/invitations/{inv.id}/notes", author, json={"body": "to delete"})
    return Req(params={"note_id": note["id"]})


async def _ready(ctx: Ctx, role: str) -> Req:
    return Req(params={"response_id": ctx.ready_response})


async def _fresh_ready(ctx: Ctx, role: str) -> Req:
    inv = await ctx.invite()
    rid = await add_ready_response(ctx.db_url, uuid.UUID(inv.id), ctx.world.a.question_ids[3])
    return Req(params={"response_id": str(rid)}, json={"decision": "confirm", "expected_version": 0})


async def _conflict(ctx: Ctx, role: str) -> Req:
    """Two reviewers (Rita and Sam) disagree on an answer of a double-reviewed assessment."""
    a = await ctx.scratch_assessment()
    await set_review_settings(ctx.db_url, uuid.UUID(a["id"]), reviews_per_response=2)
    n = secrets.token_hex(4)
    inv = await ctx.ok(
        "POST",
        f"/api/assessments/{a['id']}/invitations",
        json={"candidate_name": f"C {n}", "candidate_email": f"c{n}@example.com"},
    )
    rid = await add_ready_response(
        ctx.db_url, uuid.UUID(inv["id"]), uuid.UUID(a["questions"][1]["id"]), score=3.0
    )
    await ctx.ok(
        "POST",
        f"/api/review/responses/{rid}/reviews",
        "rita",
        json={"decision": "confirm", "expected_version": 0},
    )
    await ctx.ok(
        "POST",
        f"/api/review/responses/{rid}/reviews",
        "sam",
        json={"decision": "override", "score": 1, "reason_code": "partial_answer", "expected_version": 1},
    )
    return Req(
        params={"response_id": str(rid)}, json={"score": 2, "comment": "Settled", "expected_version": 2}
    )


async def _promote(ctx: Ctx, role: str) -> Req:
    return Req(params={"response_id": await ctx.reviewed_response()}, json={})


async def _media(ctx: Ctx, role: str) -> Req:
    return Req(params={"response_id": ctx.media_response, "variant": "video"})


async def _bank_question(ctx: Ctx, role: str) -> Req:
    page = await ctx.ok("GET", "/api/bank/questions", params={"limit": "1"})
    return Req(params={"bank_id": page["items"][0]["id"]})


async def _bank_file(ctx: Ctx, role: str) -> Req:
    r = await ctx.call("GET", "/api/bank/export")
    bank = r.json()
    questions = bank["questions"] if isinstance(bank, dict) else bank
    return Req(json=questions[:1])


async def _agreement_query(ctx: Ctx, role: str) -> Req:
    return Req(query={"assessment_id": ctx.alpha_assessment})


async def _deliveries(ctx: Ctx, role: str) -> Req:
    return Req(params={"webhook_id": ctx.webhook_id})


async def _scratch_question(ctx: Ctx, a: dict[str, Any]) -> Req:
    return Req(
        params={"assessment_id": a["id"], "question_id": a["questions"][1]["id"]},
        json={"prompt": "Tell us about a model you took to production."},
    )


async def _scratch_q_only(ctx: Ctx, a: dict[str, Any]) -> Req:
    return Req(
        params={"question_id": a["questions"][1]["id"]},
        json={"level": 3, "text": "A solid, specific answer."},
    )


async def _scratch_q_only_no_body(ctx: Ctx, a: dict[str, Any]) -> Req:
    return Req(params={"question_id": a["questions"][1]["id"]})


async def _scratch_exemplar(ctx: Ctx, a: dict[str, Any]) -> Req:
    return Req(params={"exemplar_id": ctx.exemplar_of(a)}, json={"text": "Edited exemplar."})


async def _rescored(ctx: Ctx, a: dict[str, Any]) -> Req:
    await ctx.ok("POST", f"/api/assessments/{a['id']}/rescore")
    return Req(params={"assessment_id": a["id"]})


def _scratch(json: Any = None) -> Callable[[Ctx, dict[str, Any]], Awaitable[Req]]:
    async def make(ctx: Ctx, a: dict[str, Any]) -> Req:
        payload = json(a) if callable(json) else json
        return Req(params={"assessment_id": a["id"]}, json=payload)

    return make


def on_completed(json: Any, *, in_path: bool = True) -> Prepare:
    """A fresh alpha candidate who answered and completed (decisions need one)."""

    async def prepare(ctx: Ctx, role: str) -> Req:
        inv = await ctx.invite()
        inv_id = uuid.UUID(inv.id)
        await add_ready_response(ctx.db_url, inv_id, ctx.world.a.question_ids[2])
        async with open_db(ctx.db_url) as db:
            row = await db.get(Invitation, inv_id)
            assert row is not None
            row.status = InvitationStatus.COMPLETED
            await db.commit()
        if in_path:
            return Req(params={"invitation_id": inv.id}, json=json)
        return Req(params={"assessment_id": ctx.alpha_assessment}, json={**json, "invitation_ids": [inv.id]})

    return prepare


def webhook() -> dict[str, Any]:
    """A webhook subscription with a URL of its own (one webhook per URL)."""
    return {"url": f"https://hooks.example.com/{secrets.token_hex(4)}", "events": ["invitation.completed"]}


CSV = b"name,email\nCara Csv,cara.csv@example.com\n"

MATRIX: dict[tuple[str, str], Row] = {
    # integrations
    ("GET", "/api/api-tokens"): Row(admin_read(foreign=200), plain()),
    ("POST", "/api/api-tokens"): Row(admin_write(201, foreign=201), body({"name": "matrix"})),
    ("DELETE", "/api/api-tokens/{token_id}"): Row(admin_write(204), _new_api_token),
    ("GET", "/api/webhooks"): Row(admin_read(foreign=200), plain()),
    ("POST", "/api/webhooks"): Row(admin_write(201, foreign=201), body(fresh=webhook)),
    ("DELETE", "/api/webhooks/{webhook_id}"): Row(admin_write(204), _new_webhook),
    ("GET", "/api/webhooks/{webhook_id}/deliveries"): Row(admin_read(), _deliveries),
    # accounts
    ("POST", "/api/auth/login"): Row(
        public(200), body({"email": "reviewer@alpha.test", "password": PASSWORD})
    ),
    ("POST", "/api/auth/logout"): Row(public(204), _logout),
    ("GET", "/api/auth/me"): Row(team_read(foreign=200), plain()),
    ("GET", "/api/users"): Row(admin_read(foreign=200), plain()),
    ("POST", "/api/users"): Row(admin_write(201, foreign=201), body(fresh=_unique_user)),
    ("PATCH", "/api/users/{user_id}"): Row(admin_write(200), _alpha_member_with({"role": "admin"})),
    ("POST", "/api/users/{user_id}/deactivate"): Row(admin_write(200), _alpha_member),
    ("POST", "/api/users/{user_id}/reactivate"): Row(admin_write(200), _deactivated_member),
    ("POST", "/api/users/{user_id}/unlock"): Row(admin_write(200), _alpha_member),
    ("POST", "/api/users/{user_id}/link"): Row(admin_write(201), _alpha_member),
    ("POST", "/api/auth/password"): Row(team_write(204, foreign=204), _password_change),
    ("POST", "/api/auth/logout-everywhere"): Row(team_write(204, foreign=204), _scratch_member),
    ("POST", "/api/auth/password-reset"): Row(public(202), body({"email": "reviewer@alpha.test"})),
    ("GET", "/api/account-links/{token}"): Row(public(200), _account_link()),
    ("POST", "/api/account-links/{token}"): Row(
        public(200), _account_link({"password": "a long unguessable phrase"})
    ),
    ("GET", "/api/organization"): Row(staff_read(foreign=200), plain()),
    ("PATCH", "/api/organization"): Row(admin_write(200, foreign=200), body({"retention_days": None})),
    ("GET", "/api/organization/branding"): Row(staff_read(foreign=200), plain()),
    ("PUT", "/api/organization/branding"): Row(
        admin_write(200, foreign=200), body({"welcome_text": "Welcome!"})
    ),
    ("PUT", "/api/organization/branding/logo"): Row(admin_write(200, foreign=200), plain()),
    ("DELETE", "/api/organization/branding/logo"): Row(admin_write(200, foreign=200), plain()),
    ("GET", "/api/organization/branding/logo"): Row(staff_read(), with_alpha_logo()),
    ("PUT", "/api/organization/branding/welcome-video"): Row(admin_write(200, foreign=200), plain()),
    ("DELETE", "/api/organization/branding/welcome-video"): Row(admin_write(200, foreign=200), plain()),
    ("GET", "/api/organization/branding/welcome-video"): Row(staff_read(), with_alpha_welcome_video()),
    ("GET", "/api/organization/email"): Row(staff_read(foreign=200), plain()),
    ("PUT", "/api/organization/email"): Row(admin_write(200, foreign=200), body({"decision_emails": False})),
    ("PUT", "/api/organization/email/templates/{kind}"): Row(
        admin_write(200, foreign=200),
        _template(
            "reminder", {"subject": "Reminder from {organization}", "body": "Hi {candidate_name}: {link}"}
        ),
    ),
    ("DELETE", "/api/organization/email/templates/{kind}"): Row(
        admin_write(200, foreign=200), _template("reminder")
    ),
    ("POST", "/api/organization/email/templates/{kind}/preview"): Row(
        staff_write(200, foreign=200), _template("decision", {"subject": "News", "body": "{decision}"})
    ),
    # the reminder opt-out link: its signed token is the credential, whoever follows it
    ("GET", "/api/email/opt-out/{token}"): Row(public(200), _opt_out),
    ("POST", "/api/email/opt-out/{token}"): Row(public(200), _opt_out),
    ("GET", "/health"): Row(public(200), plain()),
    # assessments and the builder
    ("GET", "/api/assessment-templates"): Row(staff_read(foreign=200), plain()),
    ("GET", "/api/assessments"): Row(team_read(foreign=200), plain()),
    ("POST", "/api/assessments"): Row(admin_write(201, foreign=201), body(ML_ENGINEER_ASSESSMENT)),
    ("POST", "/api/assessments/from-template"): Row(
        admin_write(201, foreign=201), body({"template_id": "ml-engineer-general"})
    ),
    ("GET", "/api/assessments/{assessment_id}"): Row(team_read(), with_alpha()),
    ("GET", "/api/assessments/{assessment_id}/members"): Row(team_read(), with_alpha()),
    ("PUT", "/api/assessments/{assessment_id}/members"): Row(
        admin_write(200), on_scratch(_scratch({"user_ids": []}))
    ),
    ("PATCH", "/api/assessments/{assessment_id}"): Row(
        admin_write(200), on_scratch(_scratch({"title": "Renamed"}))
    ),
    ("PUT", "/api/assessments/{assessment_id}/dimensions"): Row(
        admin_write(200), on_scratch(_scratch({"dimensions": ML_ENGINEER_ASSESSMENT["dimensions"]}))
    ),
    ("POST", "/api/assessments/{assessment_id}/questions"): Row(
        admin_write(201),
        on_scratch(_scratch({"kind": "written", "prompt": "Why this team?", "competency": "mlops"})),
    ),
    ("POST", "/api/assessments/{assessment_id}/questions/from-bank"): Row(
        admin_write(201), on_scratch(_scratch({"bank_ids": ["BANK_ID"]}))
    ),
    ("POST", "/api/assessments/{assessment_id}/questions/reorder"): Row(
        admin_write(200),
        on_scratch(_scratch(lambda a: {"question_ids": [q["id"] for q in a["questions"]][::-1]})),
    ),
    ("DELETE", "/api/assessments/{assessment_id}/questions/{question_id}"): Row(
        admin_write(204), on_scratch(_scratch_question)
    ),
    ("PATCH", "/api/assessments/{assessment_id}/questions/{question_id}"): Row(
        admin_write(200), on_scratch(_scratch_question)
    ),
    ("POST", "/api/assessments/{assessment_id}/rescore"): Row(admin_write(200), on_scratch(_scratch())),
    ("GET", "/api/assessments/{assessment_id}/rescore-status"): Row(staff_read(), on_scratch(_rescored)),
    # bank
    ("GET", "/api/bank/questions"): Row(staff_read(foreign=200), plain()),
    ("GET", "/api/bank/questions/{bank_id}"): Row(staff_read(foreign=200), _bank_question),
    ("GET", "/api/bank/export"): Row(admin_read(foreign=200), plain()),
    ("POST", "/api/bank/import"): Row(admin_write(201, foreign=201), _bank_file),
    ("GET", "/api/bank/roles"): Row(staff_read(foreign=200), plain()),
    ("POST", "/api/bank/similar"): Row(
        admin_write(200, foreign=200),
        body({"prompt": "How do you calm down an angry customer on the phone?", "limit": 2}),
    ),
    ("POST", "/api/exemplar-check"): Row(
        admin_write(200, foreign=200),
        body(
            {
                "prompt": "How do you calm down an angry customer on the phone?",
                "exemplars": [
                    {"level": 1, "text": "I tell them to calm down or I hang up on them."},
                    {
                        "level": 5,
                        "text": "I let them finish, summarise what went wrong and what "
                        "they need, fix what I can during the call and confirm "
                        "the outcome in writing afterwards.",
                    },
                ],
            }
        ),
    ),
    # invitations
    ("GET", "/api/assessments/{assessment_id}/invitations"): Row(team_read(), with_alpha()),
    ("POST", "/api/assessments/{assessment_id}/invitations"): Row(
        admin_write(201), with_alpha(json={"candidate_name": "Cara", "candidate_email": "cara@example.com"})
    ),
    ("POST", "/api/assessments/{assessment_id}/invitations/csv"): Row(admin_write(201), with_alpha()),
    ("GET", "/api/assessments/{assessment_id}/invitations/progress"): Row(team_read(), with_alpha()),
    ("POST", "/api/invitations/{invitation_id}/resend"): Row(admin_write(200), on_invitation({})),
    ("POST", "/api/invitations/{invitation_id}/revoke"): Row(admin_write(200), on_invitation()),
    # stages and decisions (admins and reviewers decide; a token needs the decide scope)
    ("POST", "/api/invitations/{invitation_id}/decision"): Row(
        staff_write(200), on_completed({"decision": "advanced", "reason": "strong_overall"})
    ),
    ("POST", "/api/assessments/{assessment_id}/invitations/bulk"): Row(
        staff_write(200), on_completed({"action": "reject", "reason": "below_threshold"}, in_path=False)
    ),
    ("POST", "/api/invitations/{invitation_id}/extend"): Row(admin_write(200), on_invitation({"days": 3})),
    ("GET", "/api/decision-reasons"): Row(staff_read(foreign=200), plain()),
    ("GET", "/api/organization/stage-names"): Row(staff_read(foreign=200), plain()),
    ("PUT", "/api/organization/stage-names"): Row(
        admin_write(200, foreign=200), body({"names": {"advanced": "Phone screen"}})
    ),
    ("GET", "/api/assessments/{assessment_id}/funnel"): Row(staff_read(), with_alpha()),
    ("GET", "/api/funnel"): Row(staff_read(foreign=200), plain()),
    ("GET", "/api/reports/assessments/{assessment_id}/export"): Row(
        staff_read(), with_alpha(query={"format": "json"})
    ),
    # privacy
    ("GET", "/api/invitations/{invitation_id}/candidate-data"): Row(admin_read(), on_invitation()),
    ("DELETE", "/api/invitations/{invitation_id}/candidate-data"): Row(admin_write(200), on_invitation()),
    # the candidate's own API (the link token is the credential)
    ("GET", "/api/candidate/{token}"): Row(candidate(200), on_candidate()),
    ("POST", "/api/candidate/{token}/consent"): Row(candidate(200), on_candidate(json={"accept": True})),
    # Reaching the rule is what authorization grants: nothing is answered yet, so 409.
    ("POST", "/api/candidate/{token}/complete"): Row(candidate(409), on_candidate(consent=True)),
    ("GET", "/api/candidate/{token}/demographics"): Row(candidate(200), on_candidate()),
    ("PUT", "/api/candidate/{token}/demographics"): Row(
        candidate(200), on_candidate(json={"sex": None, "race_ethnicity": None})
    ),
    ("GET", "/api/candidate/{token}/ice-servers"): Row(candidate(200), on_candidate()),
    ("PUT", "/api/candidate/{token}/written/{question_id}"): Row(
        candidate(200, foreign=404),
        on_candidate(consent=True, sub=_written_q, json={"take_id": "TAKE_ID", "text": "My answer so far"}),
    ),
    ("GET", "/api/candidate/{token}/logo"): Row(candidate(200, foreign=404), on_candidate(sub=_alpha_logo)),
    ("GET", "/api/candidate/{token}/welcome-video"): Row(
        candidate(200, foreign=404), on_candidate(sub=_alpha_welcome_video)
    ),
    ("POST", "/api/candidate/{token}/questions/{question_id}/begin"): Row(
        candidate(200, foreign=404), on_candidate(consent=True, sub=_first_q)
    ),
    ("GET", "/api/candidate/{token}/responses/{response_id}"): Row(
        candidate(200, other=404, foreign=404), on_candidate(consent=True, sub=_own_response)
    ),
    ("POST", "/api/candidate/{token}/device-check"): Row(candidate(201), on_candidate(body_of=_check_offer)),
    ("GET", "/api/candidate/{token}/device-check/{check_id}"): Row(
        candidate(200, other=404, foreign=404), on_candidate(sub=_own_check)
    ),
    # Ending a check is idempotent (204), but another candidate's request ends nothing.
    ("DELETE", "/api/candidate/{token}/device-check/{check_id}"): Row(
        candidate(204), on_candidate(sub=_own_check), _check_survives
    ),
    ("POST", "/api/candidate/{token}/takes"): Row(
        candidate(201, foreign=404), on_candidate(consent=True, body_of=_take_offer)
    ),
    ("GET", "/api/candidate/{token}/takes/{take_id}/level"): Row(
        candidate(200, other=404, foreign=404), on_candidate(consent=True, sub=_own_take)
    ),
    ("POST", "/api/candidate/{token}/takes/{take_id}/stop"): Row(
        candidate(200, other=404, foreign=404), on_candidate(consent=True, sub=_own_take)
    ),
    ("POST", "/api/candidate/{token}/takes/{take_id}/accept"): Row(
        candidate(200, other=404, foreign=404), on_candidate(consent=True, sub=_own_take)
    ),
    # the recording fallback: tus uploads of a take recorded in the browser
    ("POST", "/api/candidate/{token}/uploads"): Row(candidate(201, foreign=404), on_upload("POST")),
    ("HEAD", "/api/candidate/{token}/uploads/{take_id}"): Row(
        candidate(200, other=404, foreign=404), on_upload("HEAD")
    ),
    ("PATCH", "/api/candidate/{token}/uploads/{take_id}"): Row(
        candidate(204, other=404, foreign=404), on_upload("PATCH")
    ),
    ("DELETE", "/api/candidate/{token}/uploads/{take_id}"): Row(
        candidate(204, other=404, foreign=404), on_upload("DELETE")
    ),
    # responses, review and curation
    ("GET", "/api/responses/{response_id}"): Row(team_read(), _ready),
    ("GET", "/api/responses/{response_id}/media/{variant}"): Row(team_read(), _media),
    ("POST", "/api/responses/{response_id}/promote"): Row(admin_write(201), _promote),
    ("GET", "/api/review/queue"): Row(staff_read(foreign=200), plain()),
    ("GET", "/api/review/candidates"): Row(team_read(foreign=200), plain()),
    ("GET", "/api/review/agreement"): Row(staff_read(), _agreement_query),
    ("GET", "/api/review/responses/{response_id}"): Row(staff_read(), _ready),
    ("POST", "/api/review/responses/{response_id}/reviews"): Row(staff_write(200), _fresh_ready),
    ("POST", "/api/review/responses/{response_id}/resolve"): Row(staff_write(200), _conflict),
    ("POST", "/api/questions/{question_id}/exemplars"): Row(admin_write(201), on_scratch(_scratch_q_only)),
    ("PATCH", "/api/exemplars/{exemplar_id}"): Row(admin_write(200), on_scratch(_scratch_exemplar)),
    ("POST", "/api/exemplars/{exemplar_id}/retire"): Row(admin_write(200), on_scratch(_scratch_exemplar)),
    ("GET", "/api/questions/{question_id}/agreement"): Row(staff_read(), on_scratch(_scratch_q_only)),
    ("POST", "/api/questions/{question_id}/agreement/preview"): Row(
        admin_write(200), on_scratch(_scratch_q_only_no_body)
    ),
    ("POST", "/api/questions/{question_id}/rescore"): Row(admin_write(200), on_scratch(_scratch_q_only)),
    # reports
    ("GET", "/api/reports/invitations/{invitation_id}"): Row(team_read(), on_world_invitation()),
    ("GET", "/api/reports/invitations/{invitation_id}/share"): Row(admin_read(), on_world_invitation()),
    ("POST", "/api/reports/invitations/{invitation_id}/share"): Row(admin_write(201), on_invitation({})),
    ("DELETE", "/api/reports/share-links/{link_id}"): Row(admin_write(204), _new_share_link),
    ("POST", "/api/reports/invitations/{invitation_id}/english"): Row(
        staff_write(200), on_invitation({"level": "B2", "reason": "Fluent, clear answers."})
    ),
    ("GET", "/api/reports/assessments/{assessment_id}/compare"): Row(team_read(), with_alpha()),
    ("GET", "/api/reports/assessments/{assessment_id}/shortlist"): Row(
        team_read(), with_alpha(query={"min_competency": "10"})
    ),
    # the team's ratings and notes on a candidate
    ("GET", "/api/invitations/{invitation_id}/feedback"): Row(team_read(), on_world_invitation()),
    ("PUT", "/api/invitations/{invitation_id}/rating"): Row(
        team_write(200), on_invitation({"rating": 4, "comment": "Clear thinker."})
    ),
    ("POST", "/api/invitations/{invitation_id}/notes"): Row(
        team_write(201), on_invitation({"body": "Ask about the migration project."})
    ),
    ("DELETE", "/api/candidate-notes/{note_id}"): Row({**team_write(204), REV: 403}, _own_note),
    ("GET", "/api/reports/assessments/{assessment_id}/fairness"): Row(admin_read(), with_alpha()),
    ("GET", "/api/share/{token}"): Row(public(200), _share_token),
    ("GET", "/api/share/media/{response_id}/{variant}"): Row(public(200), _share_media),
}


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from _fresh_database(request, request.param, tmp_path_factory.mktemp("matrix"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ctx(matrix_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Ctx]:
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    # Every row runs for every role on one app, and device checks and takes whose ICE never
    # connects stay live for a while: the capacity limits (tested elsewhere) must not answer
    # 429 before the rows under test run.
    capacity = {
        "VIVA_MAX_LIVE_CHECKS": "1000",
        "VIVA_MAX_CHECKS_PER_ORGANIZATION": "1000",
        "VIVA_MAX_LIVE_TAKES": "1000",
        "VIVA_MAX_TAKES_PER_ORGANIZATION": "1000",
    }
    settings = make_settings(tmp_path_factory.mktemp("matrix-data"), matrix_db, **capacity)
    app = create_app(settings)
    world = await build_world(matrix_db)
    await add_staff(matrix_db, world.a.id, "rita@alpha.test", "Rita")
    await add_staff(matrix_db, world.a.id, "sam@alpha.test", "Sam")
    hm_id = await add_staff(matrix_db, world.a.id, HM_EMAIL, "Hana Manager", Role.HIRING_MANAGER)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        r = await client.get("/api/auth/me")
        csrf = r.cookies["viva_csrf"]
        client.cookies.clear()
        c = Ctx(
            client=client,
            db_url=matrix_db,
            store=app.state.store,
            world=world,
            csrf=csrf,
            sessions={},
            api_token="",
            beta_assessment=str(world.b.assessment_id),
        )
        for role, email in [
            (REV, world.a.reviewer_email),
            (HM, HM_EMAIL),
            (ADMIN, world.a.admin_email),
            (FADMIN, world.b.admin_email),
            ("rita", "rita@alpha.test"),
            ("sam", "sam@alpha.test"),
        ]:
            r = await c.call("POST", "/api/auth/login", ANON, json={"email": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.sessions[role] = r.cookies["viva_session"]
        c.api_token = (await c.ok("POST", "/api/api-tokens", json={"name": "matrix"}))["token"]
        await c.ok(
            "PUT", f"/api/assessments/{world.a.assessment_id}/members", json={"user_ids": [str(hm_id)]}
        )
        c.webhook_id = (await c.ok("POST", "/api/webhooks", json=webhook()))["id"]
        c.ready_response = str(
            await add_ready_response(matrix_db, world.a.invitation_ids["Alice"], world.a.question_ids[1])
        )
        c.media_response = str(
            await add_video_response(
                matrix_db,
                world.a.invitation_ids["Amir"],
                world.a.question_ids[1],
                c.store,
                b"\x1a\x45\xdf\xa3 not really a video",
                duration_s=1.0,
            )
        )
        try:
            yield c
        finally:
            for pc in c.peers:
                await pc.close()


def _alpha_markers(ctx: Ctx, req: Req) -> set[str]:
    w = ctx.world.a
    marks = {
        str(w.id),
        str(w.assessment_id),
        ctx.api_token,
        ctx.webhook_id,
        ctx.ready_response,
        ctx.media_response,
    }
    marks |= {str(i) for i in w.invitation_ids.values()} | set(w.tokens.values())
    marks |= {v for k, v in req.params.items() if k.endswith("_id") and k != "bank_id"}
    return {m for m in marks if m}


async def _run_cell(ctx: Ctx, method: str, path: str, row: Row, role: str) -> str | None:
    req = await row.prepare(ctx, role)
    params = dict(req.params)
    if "BANK_ID" in str(req.json):
        page = await ctx.ok("GET", "/api/bank/questions", params={"limit": "1"})
        req.json = {"bank_ids": [page["items"][0]["id"]]}
    if isinstance(req.json, dict) and req.json.get("take_id") == "TAKE_ID":
        req.json = {**req.json, "take_id": str(uuid.uuid4())}
    headers = ctx.headers(role, req, token=_acting_token(ctx, role))
    if role in STAFF and req.session is not None:
        headers["cookie"] = f"viva_csrf={ctx.csrf}; viva_session={req.session}"
    if role in STAFF and path == "/api/auth/logout":
        headers["cookie"] = f"viva_csrf={ctx.csrf}; viva_session={ctx.sessions[f'{role}:logout']}"
    kwargs: dict[str, Any] = {"headers": headers, "params": req.query}
    if path.endswith("/invitations/csv"):
        kwargs["content"] = CSV
        headers["content-type"] = "text/csv"
    elif path.endswith("/branding/logo") and method == "PUT":
        kwargs["content"] = _logo_png()
        headers["content-type"] = "image/png"
    elif path.endswith("/branding/welcome-video") and method == "PUT":
        kwargs["content"] = _welcome_webm()
        headers["content-type"] = "video/webm"
    elif req.content is not None:
        kwargs["content"] = req.content
    elif req.json is not None:
        kwargs["json"] = req.json
    headers.update(req.headers)
    url = path.format(**params)
    r = await ctx.client.request(method, url, **kwargs)
    ctx.client.cookies.clear()
    expected = row.expect[role]
    if r.status_code != expected:
        return f"{role}: expected {expected}, got {r.status_code} {r.text[:200]}"
    if row.verify is not None and (problem := await row.verify(ctx, role, req)):
        return problem
    shared = len(set(row.expect.values())) == 1  # public: login, logout, health, share links
    if role in (FADMIN, FCAND) and r.status_code < 300 and not shared:
        leaked = [m for m in _alpha_markers(ctx, req) if m in r.text]
        if leaked:
            return f"{role}: the body shows alpha's {leaked}"
    return None


def _acting_token(ctx: Ctx, role: str) -> str | None:
    """The link token a candidate would misuse as a staff credential."""
    w = ctx.world
    return {CAND: w.a.tokens["Alice"], OTHER: w.a.tokens["Amir"], FCAND: w.b.tokens["Bob"]}.get(role)


# -- tests --------------------------------------------------------------------------------------
def test_every_schema_operation_has_a_row(tmp_path: Path) -> None:
    from server.app import create_app

    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    operations = schema_operations(app)
    missing = sorted(operations - MATRIX.keys())
    stale = sorted(MATRIX.keys() - operations)
    assert not missing, f"endpoints without a row in MATRIX: {missing}"
    assert not stale, f"rows for endpoints the schema no longer has: {stale}"
    assert all(set(row.expect) == set(ROLES) for row in MATRIX.values())


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)])
async def test_authorization(ctx: Ctx, method: str, path: str) -> None:
    row = MATRIX[(method, path)]
    problems = [p for role in ROLES if (p := await _run_cell(ctx, method, path, row, role))]
    assert not problems, f"{method} {path}:\n  " + "\n  ".join(problems)
