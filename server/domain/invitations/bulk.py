"""Inviting many candidates from a CSV file, resending links, and progress per candidate.

A CSV import is all or nothing: every row is checked first and if any row is bad the
response lists each bad row (its line number in the file, the column and what is wrong) and
nothing is stored; otherwise every invitation is created in the one request transaction.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import new_token
from server.db.models import (
    AssessmentStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
)
from server.domain.assessments.services import get_assessment
from server.domain.invitations.emails import EmailState, email_state
from server.domain.invitations.schemas import Accommodations, InvitationCreate, InvitationOut
from server.domain.invitations.services import create_invitation, effective_status, invitation_out
from server.domain.invitations.stages import Stage, StageCounts, stage_counts, stage_of
from server.errors import Conflict, InvalidInput, PayloadTooLarge

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "CsvRow",
    "InvitationProgress",
    "RowError",
    "import_rows",
    "list_progress",
    "parse_csv",
    "resend_invitation",
]

MAX_CSV_ROWS = 1000
MAX_CSV_BYTES = 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ALIASES = {
    "name": "name",
    "candidate_name": "name",
    "full_name": "name",
    "email": "email",
    "candidate_email": "email",
    "e-mail": "email",
    "extra_time_pct": "extra_time_pct",
    "expires_in_days": "expires_in_days",
}
_ACTIVE = (InvitationStatus.INVITED, InvitationStatus.STARTED)

Progress = Literal["invited", "started", "completed", "reviewed", "expired", "revoked"]


class RowError(msgspec.Struct):
    """One problem in one row of an uploaded file (row 1 is the header)."""

    row: int
    message: str
    column: str | None = None


class CsvRow(msgspec.Struct):
    row: int
    invitation: InvitationCreate


class InvitationProgress(InvitationOut):
    """An invitation with where the candidate is, up to ``reviewed``, and its email."""

    progress: Progress
    stage: Stage
    responses: int
    reviewed_responses: int
    email: EmailState
    decision: str | None = None
    decision_reason: str | None = None
    decision_note: str | None = None
    decided_at: datetime | None = None


def _int_cell(raw: str, column: str, lo: int, hi: int, row: int, errors: list[RowError]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        errors.append(
            RowError(
                row=row,
                column=column,
                message=f"{column} must be a whole number from {lo} to {hi}, got {raw!r}",
            )
        )
        return None
    return value


def parse_csv(raw: bytes) -> list[CsvRow]:
    """Rows of an invitation CSV (``name,email[,extra_time_pct][,expires_in_days]``, with a header).

    Raises :class:`InvalidInput` listing every bad row, or :class:`PayloadTooLarge`.
    """
    if len(raw) > MAX_CSV_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_CSV_BYTES // 1024} KiB; split it.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file is not UTF-8 text; export it as 'CSV UTF-8'.") from exc
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise InvalidInput(
            "The file is empty; the first row must be a header such as "
            "'name,email,extra_time_pct,expires_in_days'."
        )
    columns = [_ALIASES.get(h.strip().lower().replace(" ", "_"), "") for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if not c]
    missing = [c for c in ("name", "email") if c not in columns]
    if unknown or missing:
        parts = ([f"unknown column(s) {', '.join(repr(u) for u in unknown)}"] if unknown else []) + (
            [f"missing column(s) {', '.join(missing)}"] if missing else []
        )
        raise InvalidInput(
            f"Header row: {'; '.join(parts)}. Use the columns name, email and "
            "optionally extra_time_pct, expires_in_days.",
            errors=[{"row": 1, "column": None, "message": "; ".join(parts)}],
        )
    errors: list[RowError] = []
    rows: list[CsvRow] = []
    first_row_of: dict[str, int] = {}
    count = 0
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_CSV_ROWS:
            raise InvalidInput(f"The file has more than {MAX_CSV_ROWS} candidates; split it.")
        if len(cells) > len(columns):
            errors.append(
                RowError(row=row, message=f"{len(cells)} values but the header has {len(columns)} columns")
            )
            continue
        values = dict(zip(columns, [c.strip() for c in cells], strict=False))
        before = len(errors)
        name = values.get("name", "")
        if not name:
            errors.append(RowError(row=row, column="name", message="name is missing"))
        elif len(name) > 200:
            errors.append(RowError(row=row, column="name", message="name is over 200 characters"))
        email = values.get("email", "").lower()
        if not email:
            errors.append(RowError(row=row, column="email", message="email is missing"))
        elif len(email) > 320 or not _EMAIL.match(email):
            errors.append(
                RowError(row=row, column="email", message=f"{email!r} is not a valid email address")
            )
        elif email in first_row_of:
            errors.append(
                RowError(
                    row=row,
                    column="email",
                    message=(f"{email} is already on row {first_row_of[email]} of this file"),
                )
            )
        else:
            first_row_of[email] = row
        extra = _int_cell(values.get("extra_time_pct", ""), "extra_time_pct", 0, 200, row, errors)
        days = _int_cell(values.get("expires_in_days", ""), "expires_in_days", 1, 90, row, errors)
        if len(errors) == before:
            rows.append(
                CsvRow(
                    row=row,
                    invitation=InvitationCreate(
                        candidate_name=name,
                        candidate_email=email,
                        expires_in_days=days,
                        accommodations=Accommodations(extra_time_pct=extra or 0),
                    ),
                )
            )
    if not rows and not errors:
        raise InvalidInput("The file has a header but no candidates.")
    if errors:
        raise _row_errors(errors)
    return rows


def _row_errors(errors: list[RowError]) -> InvalidInput:
    rows = sorted({e.row for e in errors})
    shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    return InvalidInput(
        f"{len(rows)} row(s) cannot be imported (rows {shown}); nothing was "
        "imported. Fix them and upload the file again.",
        errors=msgspec.to_builtins(sorted(errors, key=lambda e: e.row)),
    )


async def import_rows(
    db: AsyncSession,
    *,
    organization_id: uuid.UUID,
    assessment_id: uuid.UUID,
    rows: list[CsvRow],
    created_by: uuid.UUID | None,
    default_days: int,
) -> list[tuple[Invitation, str]]:
    """Create every row's invitation, or none if a candidate already has an active one."""
    assessment = await get_assessment(db, organization_id, assessment_id)
    if assessment.status is not AssessmentStatus.ACTIVE:
        raise Conflict(
            f"The assessment is {assessment.status.value}; activate it before inviting candidates."
        )
    now = datetime.now(UTC)
    emails = [r.invitation.candidate_email for r in rows]
    active: dict[str, Invitation] = {}
    for i in range(0, len(emails), 500):
        for inv in (
            await db.execute(
                select(Invitation).where(
                    Invitation.assessment_id == assessment.id,
                    Invitation.candidate_email.in_(emails[i : i + 500]),
                    Invitation.status.in_(_ACTIVE),
                    Invitation.expires_at > now,
                )
            )
        ).scalars():
            active[inv.candidate_email] = inv
    errors = [
        RowError(
            row=r.row,
            column="email",
            message=(
                f"{r.invitation.candidate_email} already has an active invitation to this assessment "
                f"({effective_status(active[r.invitation.candidate_email])}); resend it instead"
            ),
        )
        for r in rows
        if r.invitation.candidate_email in active
    ]
    if errors:
        raise _row_errors(errors)
    return [
        await create_invitation(
            db,
            organization_id=organization_id,
            assessment_id=assessment.id,
            data=r.invitation,
            created_by=created_by,
            default_days=default_days,
        )
        for r in rows
    ]


async def resend_invitation(db: AsyncSession, inv: Invitation, *, days: int) -> str:
    """A new link (the old one stops working) with a new expiry; returns the raw token."""
    if inv.status is InvitationStatus.COMPLETED:
        raise Conflict("This candidate has already completed the assessment; there is nothing to resend.")
    if inv.status is InvitationStatus.REVOKED:
        raise Conflict("This invitation was revoked; invite the candidate again instead.")
    token, digest = new_token()
    inv.token_hash = digest
    inv.expires_at = datetime.now(UTC) + timedelta(days=days)
    await db.flush()
    return token


async def list_progress(
    db: AsyncSession,
    organization_id: uuid.UUID,
    assessment_id: uuid.UUID,
) -> list[InvitationProgress]:
    """Every invitation of the assessment with its progress and stage (one grouped count query).

    ``progress`` (kept for older clients) is ``reviewed`` once the candidate completed and every
    current answer is reviewed; ``stage`` is the full lifecycle with the decision.
    """
    where = (Invitation.organization_id == organization_id) & (Invitation.assessment_id == assessment_id)
    invs = list(
        (await db.execute(select(Invitation).where(where).order_by(Invitation.created_at.desc()))).scalars()
    )
    counts = await stage_counts(db, where) if invs else {}
    emails: dict[uuid.UUID, InvitationEmail] = {}
    if invs:
        emails = {
            e.invitation_id: e
            for e in (
                await db.execute(
                    select(InvitationEmail)
                    .join(Invitation, Invitation.id == InvitationEmail.invitation_id)
                    .where(where)
                )
            ).scalars()
        }
    now = datetime.now(UTC)
    out = []
    for inv in invs:
        base = invitation_out(inv)
        c = counts.get(inv.id, StageCounts())
        progress: Progress = base.status  # type: ignore[assignment]
        if inv.status is InvitationStatus.COMPLETED and c.answers and c.reviewed == c.answers:
            progress = "reviewed"
        out.append(
            InvitationProgress(
                **{f: getattr(base, f) for f in base.__struct_fields__},
                progress=progress,
                stage=stage_of(inv, c, now),
                responses=c.answers,
                reviewed_responses=c.reviewed,
                email=email_state(emails.get(inv.id)),
                decision=inv.decision.value if inv.decision else None,
                decision_reason=inv.decision_reason,
                decision_note=inv.decision_note,
                decided_at=inv.decided_at,
            )
        )
    return out
