"""Counters and change stamps kept by the database itself, for the lists reviewers poll.

Three small tables, maintained by triggers in the same transaction as every write (ORM, bulk
``UPDATE``/``DELETE``, cascades from an erasure: nothing in the app has to remember them):

- ``list_stamps``: one number per organization, bumped by any change to what the review queue
  or the candidate list shows (answers, reviews, suggestions, invitations, attempts, questions,
  competencies, assessments, their members, staff). The lists' ``ETag`` is derived from it, so a
  poll that finds nothing new costs one primary-key read and answers 304.
- ``review_counts``: current, ready answers per (question, review status): the queue's totals
  are a sum over the organization's questions, not a count over its answers.
- ``invitation_counts``: invitations per assessment: the candidate list's total.

On PostgreSQL the triggers are deferred constraint triggers: they run at commit, after the
transaction has taken all its row locks, so the hot counter rows are locked only for the
instant before commit (no deadlock between a review and a job touching the same answer). SQLite
serialises writers anyway and runs them as plain triggers.

SQLite's batch migrations copy a table and lose its triggers: the migration environment calls
:func:`install` after every upgrade (``server/db/migrations/env.py``), and ``viva db recount``
rebuilds the counters from the rows if they were ever changed by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models.counters import INVITATION_COUNTS, LIST_STAMPS, REVIEW_COUNTS

__all__ = [
    "INVITATION_COUNTS",
    "LIST_STAMPS",
    "REVIEW_COUNTS",
    "TRIGGERS",
    "install",
    "recount",
    "stamp",
]

# The organization a row belongs to, as a SELECT over ``{r}`` (NEW or OLD): what each stamped
# table changes.
_BY_RESPONSE = (
    "SELECT a.organization_id AS org FROM responses x JOIN questions q ON q.id = x.question_id "
    "JOIN assessments a ON a.id = q.assessment_id WHERE x.id = {r}.response_id"
)
_ORG_OF: dict[str, str] = {
    "responses": "SELECT a.organization_id AS org FROM questions q "
    "JOIN assessments a ON a.id = q.assessment_id WHERE q.id = {r}.question_id",
    "reviews": _BY_RESPONSE,
    "suggestions": _BY_RESPONSE,
    "invitations": "SELECT {r}.organization_id AS org WHERE 1 = 1",
    "attempts": "SELECT i.organization_id AS org FROM invitations i WHERE i.id = {r}.invitation_id",
    "questions": "SELECT a.organization_id AS org FROM assessments a WHERE a.id = {r}.assessment_id",
    "competencies": "SELECT a.organization_id AS org FROM dimensions d JOIN assessments a "
    "ON a.id = d.assessment_id WHERE d.id = {r}.dimension_id",
    "assessments": "SELECT {r}.organization_id AS org WHERE 1 = 1",
    "assessment_members": "SELECT a.organization_id AS org FROM assessments a WHERE a.id = {r}.assessment_id",
    "users": "SELECT {r}.organization_id AS org WHERE 1 = 1",
}


def _bump(r: str, table: str) -> str:
    return (
        f"INSERT INTO list_stamps (organization_id, stamp) SELECT o.org, 1 FROM "
        f"({_ORG_OF[table].format(r=r)}) AS o WHERE o.org IS NOT NULL "
        "ON CONFLICT (organization_id) DO UPDATE SET stamp = list_stamps.stamp + 1"
    )


def _counts_ready(r: str, true: str) -> str:
    return f"{r}.is_current = {true} AND {r}.state = 'ready'"


def _review_count_add(r: str) -> str:
    return (
        f"INSERT INTO review_counts (question_id, review_status, n) SELECT {r}.question_id, "
        f"{r}.review_status, 1 WHERE 1 = 1 "
        "ON CONFLICT (question_id, review_status) DO UPDATE SET n = review_counts.n + 1"
    )


def _review_count_sub(r: str) -> str:
    return (
        f"UPDATE review_counts SET n = n - 1 WHERE question_id = {r}.question_id "
        f"AND review_status = {r}.review_status"
    )


def _invitation_count_add(r: str) -> str:
    return (
        f"INSERT INTO invitation_counts (assessment_id, n) SELECT {r}.assessment_id, 1 WHERE 1 = 1 "
        "ON CONFLICT (assessment_id) DO UPDATE SET n = invitation_counts.n + 1"
    )


def _invitation_count_sub(r: str) -> str:
    return f"UPDATE invitation_counts SET n = n - 1 WHERE assessment_id = {r}.assessment_id"


TRIGGERS = (*(f"viva_stamp_{t}" for t in _ORG_OF), "viva_count_responses", "viva_count_invitations")


def _sqlite() -> Iterator[str]:
    events = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}
    for table in _ORG_OF:
        for event, rows in events.items():
            name = f"viva_stamp_{table}_{event.lower()}"
            yield f"DROP TRIGGER IF EXISTS {name}"
            body = "; ".join(_bump(r, table) for r in rows)
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body}; END"
    ready_new, ready_old = _counts_ready("NEW", "1"), _counts_ready("OLD", "1")
    for event, steps in {
        "INSERT": [(ready_new, _review_count_add("NEW"))],
        "UPDATE": [(ready_old, _review_count_sub("OLD")), (ready_new, _review_count_add("NEW"))],
        "DELETE": [(ready_old, _review_count_sub("OLD"))],
    }.items():
        name = f"viva_count_responses_{event.lower()}"
        yield f"DROP TRIGGER IF EXISTS {name}"
        body = "; ".join(
            f"{sql} AND ({cond})" if sql.startswith("UPDATE") else _where(sql, cond) for cond, sql in steps
        )
        yield f"CREATE TRIGGER {name} AFTER {event} ON responses FOR EACH ROW BEGIN {body}; END"
    for event, parts in {
        "INSERT": [_invitation_count_add("NEW")],
        "UPDATE": [_invitation_count_sub("OLD"), _invitation_count_add("NEW")],
        "DELETE": [_invitation_count_sub("OLD")],
    }.items():
        name = f"viva_count_invitations_{event.lower()}"
        yield f"DROP TRIGGER IF EXISTS {name}"
        when = " WHEN OLD.assessment_id IS NOT NEW.assessment_id" if event == "UPDATE" else ""
        body = "; ".join(parts)
        yield f"CREATE TRIGGER {name} AFTER {event} ON invitations FOR EACH ROW{when} BEGIN {body}; END"


def _where(insert_select: str, cond: str) -> str:
    """Add ``cond`` to the ``WHERE 1 = 1`` of an ``INSERT ... SELECT``."""
    return insert_select.replace("WHERE 1 = 1", f"WHERE {cond}", 1)


def _postgresql() -> Iterator[str]:
    for table in _ORG_OF:
        name = f"viva_stamp_{table}"
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {_bump('OLD', table)}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {_bump('NEW', table)}; END IF; "
            "RETURN NULL; END $$"
        )
        yield (
            f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    ready_new, ready_old = _counts_ready("NEW", "true"), _counts_ready("OLD", "true")
    yield "DROP TRIGGER IF EXISTS viva_count_responses ON responses"
    yield (
        "CREATE OR REPLACE FUNCTION viva_count_responses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' AND {ready_old} THEN {_review_count_sub('OLD')}; END IF; "
        f"IF TG_OP <> 'DELETE' AND {ready_new} THEN {_review_count_add('NEW')}; END IF; "
        "RETURN NULL; END $$"
    )
    yield (
        "CREATE CONSTRAINT TRIGGER viva_count_responses AFTER INSERT OR UPDATE OR DELETE ON responses "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION viva_count_responses()"
    )
    yield "DROP TRIGGER IF EXISTS viva_count_invitations ON invitations"
    yield (
        "CREATE OR REPLACE FUNCTION viva_count_invitations() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'UPDATE' AND OLD.assessment_id = NEW.assessment_id THEN RETURN NULL; END IF; "
        f"IF TG_OP <> 'INSERT' THEN {_invitation_count_sub('OLD')}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_invitation_count_add('NEW')}; END IF; "
        "RETURN NULL; END $$"
    )
    yield (
        "CREATE CONSTRAINT TRIGGER viva_count_invitations AFTER INSERT OR UPDATE OR DELETE ON invitations "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION viva_count_invitations()"
    )


def install(conn: Connection) -> None:
    """(Re)create the triggers on ``conn`` (idempotent); nothing when the tables are not there yet."""
    if not sa.inspect(conn).has_table("list_stamps"):
        return
    statements = _postgresql() if conn.dialect.name == "postgresql" else _sqlite()
    for sql in statements:
        conn.exec_driver_sql(sql)


def uninstall(conn: Connection) -> None:
    """Drop the triggers (the migration's downgrade)."""
    if conn.dialect.name == "postgresql":
        for table in _ORG_OF:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS viva_stamp_{table} ON {table}")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS viva_stamp_{table}()")
        for table in ("responses", "invitations"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS viva_count_{table} ON {table}")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS viva_count_{table}()")
        return
    for name in TRIGGERS:
        for event in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}_{event}")


_RECOUNT = (
    "DELETE FROM review_counts",
    "INSERT INTO review_counts (question_id, review_status, n) SELECT question_id, review_status, "
    "count(*) FROM responses WHERE is_current = {true} AND state = 'ready' "
    "GROUP BY question_id, review_status",
    "DELETE FROM invitation_counts",
    "INSERT INTO invitation_counts (assessment_id, n) SELECT assessment_id, count(*) FROM invitations "
    "GROUP BY assessment_id",
    # every list changes its ETag: a client cannot keep a page built from wrong counts
    "UPDATE list_stamps SET stamp = stamp + 1",
)


def recount_sql(conn: Connection) -> None:
    """Rebuild the counters from the rows (``viva db recount``; also the migration's backfill)."""
    true = "true" if conn.dialect.name == "postgresql" else "1"
    for sql in _RECOUNT:
        conn.exec_driver_sql(sql.format(true=true))


async def recount(db: AsyncSession) -> None:
    """:func:`recount_sql` in ``db``'s transaction (the caller commits)."""
    conn = await db.connection()
    await conn.run_sync(recount_sql)


async def stamp(db: AsyncSession, organization_id: uuid.UUID) -> int:
    """The organization's change stamp (0 before its first change)."""
    value = (
        await db.execute(
            sa.select(LIST_STAMPS.c.stamp).where(LIST_STAMPS.c.organization_id == organization_id)
        )
    ).scalar_one_or_none()
    return int(value or 0)
