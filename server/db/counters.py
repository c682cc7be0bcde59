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

On PostgreSQL, statement-level triggers append what each write statement changed (over its
transition tables: one row per organization and counter key it moved, however many rows it wrote)
to ``counter_deltas``, and one deferred constraint trigger applies the transaction's deltas at
commit, once: one bump per organization, one update per counter row, in one fixed order
(stamps, review counts, invitation counts; each by key). The appends lock nothing anyone else
wants; the hot counter rows are locked only for the instant before commit, after the transaction
has taken all its other row locks, and every committer takes them in the same order (no
deadlock between a review and a job touching the same answer, nor between two commits). Bulk
writes in one transaction (a seed, an import, an erasure cascade) stay linear: the first design,
a deferred row trigger per written row, updated the same counter rows once per row at commit,
and each update of a row already updated in the same transaction walks a longer version chain
(a 100k-answer seed sat in COMMIT for more than 19 minutes). A rolled-back savepoint takes its
deltas with it. SQLite serialises writers and updates a row in place: plain row triggers there.

The same triggers keep ``responses.uncertainty`` equal to the answer's current suggestion's
interval width (:data:`UNSCORED`, the model's, while it has none or the suggestion abstained), so
the queue's "uncertain first" order walks an index of the open answers instead of joining and
sorting them.

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

from server.db.models.candidate import UNSCORED
from server.db.models.counters import INVITATION_COUNTS, LIST_STAMPS, REVIEW_COUNTS

__all__ = [
    "INVITATION_COUNTS",
    "LIST_STAMPS",
    "REVIEW_COUNTS",
    "UNCERTAINTY_OF",
    "UNSCORED",
    "drop_uncertainty_triggers",
    "install",
    "recount",
    "stamp",
    "triggers",
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


_SQLITE_TRIGGERS = tuple(
    f"{name}_{event}"
    for name in (*(f"viva_stamp_{t}" for t in _ORG_OF), "viva_count_responses", "viva_count_invitations")
    for event in ("insert", "update", "delete")
)
# PostgreSQL: (trigger, its table); each trigger's function has its name
_STATEMENT_TRIGGERS = (
    *((f"viva_stamp_{t}_{event}", t) for t in _ORG_OF for event in ("insert", "update", "delete")),
    ("viva_count_flush", "counter_deltas"),
)
_PER_ROW_TRIGGERS = (
    *((f"viva_stamp_{t}", t) for t in _ORG_OF),
    ("viva_count_responses", "responses"),
    ("viva_count_invitations", "invitations"),
)


# -- the queue's uncertainty key ----------------------------------------------------------------
# The uncertainty of answer ``{id}``, from its current suggestion (SQL, both dialects).
UNCERTAINTY_OF = (
    f"COALESCE((SELECT CASE WHEN s.abstained THEN {UNSCORED!r} "
    "ELSE COALESCE(s.interval_high - s.interval_low, 0.0) END FROM suggestions s "
    f"WHERE s.response_id = {{id}} AND s.is_current ORDER BY s.created_at DESC LIMIT 1), {UNSCORED!r})"
)
_UNCERTAINTY_TRIGGERS = tuple(f"viva_uncertainty_{event}" for event in ("insert", "update", "delete"))


def _set_uncertainty(response_id: str) -> str:
    value = UNCERTAINTY_OF.format(id=response_id)
    return f"UPDATE responses SET uncertainty = {value} WHERE id = {response_id} AND uncertainty <> {value}"


def _uncertainty_sqlite() -> Iterator[str]:
    for name, side in zip(_UNCERTAINTY_TRIGGERS, ("NEW", "NEW", "OLD"), strict=True):
        event = name.rsplit("_", 1)[1].upper()
        yield f"DROP TRIGGER IF EXISTS {name}"
        body = _set_uncertainty(f"{side}.response_id")
        yield f"CREATE TRIGGER {name} AFTER {event} ON suggestions FOR EACH ROW BEGIN {body}; END"


def _uncertainty_postgresql() -> Iterator[str]:
    """One update per statement over its transition table (a bulk insert of suggestions is one
    statement on ``responses``, not one per row)."""
    value = UNCERTAINTY_OF.format(id="c.response_id")
    for name in _UNCERTAINTY_TRIGGERS:
        event = name.rsplit("_", 1)[1]
        rows = _EVENTS[event][-1]
        yield f"DROP TRIGGER IF EXISTS {name} ON suggestions"
        yield (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE responses r SET uncertainty = v.u FROM (SELECT DISTINCT response_id FROM {rows}) AS c "
            f"CROSS JOIN LATERAL (SELECT {value} AS u) AS v "
            "WHERE r.id = c.response_id AND r.uncertainty <> v.u; "
            "RETURN NULL; END $$"
        )
        yield (
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON suggestions REFERENCING {_referencing(event)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def drop_uncertainty_triggers(conn: Connection) -> None:
    """Drop the uncertainty triggers (before the column goes in a downgrade)."""
    for name in _UNCERTAINTY_TRIGGERS:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON suggestions")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def _has_uncertainty(conn: Connection) -> bool:
    return any(c["name"] == "uncertainty" for c in sa.inspect(conn).get_columns("responses"))


def triggers(dialect: str) -> frozenset[str]:
    """The names of the triggers :func:`install` puts on a database at head."""
    if dialect == "postgresql":
        return frozenset((*(name for name, _ in _STATEMENT_TRIGGERS), *_UNCERTAINTY_TRIGGERS))
    return frozenset((*_SQLITE_TRIGGERS, *_UNCERTAINTY_TRIGGERS))


def _drop_postgresql(names: tuple[tuple[str, str], ...]) -> Iterator[str]:
    for name, table in names:
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield f"DROP FUNCTION IF EXISTS {name}()"


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


# -- PostgreSQL ---------------------------------------------------------------------------------
# Each write statement appends what it changed to ``counter_deltas`` (statement-level triggers
# over its transition tables: one row per organization and per counter key the statement moved,
# however many rows it wrote). A deferred constraint trigger on ``counter_deltas`` applies all of
# the transaction's deltas at commit, once: one bump per organization, one update per counter
# row. Bulk writes are linear: a counter row is updated once per transaction, never once per
# answer (the version chain of a row updated N times in one transaction made that quadratic).

_TX = "pg_current_xact_id()::text::bigint"
_EVENTS: dict[str, tuple[str, ...]] = {
    "insert": ("new_rows",),
    "update": ("old_rows", "new_rows"),
    "delete": ("old_rows",),
}


def _rows(event: str) -> str:
    """The statement's rows (both sides of an update) as a FROM item."""
    sides = _EVENTS[event]
    if len(sides) == 1:
        return sides[0]
    return "(" + " UNION ALL ".join(f"SELECT * FROM {t}" for t in sides) + ")"


def _referencing(event: str) -> str:
    return " ".join(f"{'OLD' if t == 'old_rows' else 'NEW'} TABLE AS {t}" for t in _EVENTS[event])


def _stamp_deltas(table: str, event: str) -> str:
    return (
        f"INSERT INTO counter_deltas (tx, organization_id) SELECT DISTINCT {_TX}, o.org "
        f"FROM {_rows(event)} AS r CROSS JOIN LATERAL ({_ORG_OF[table].format(r='r')}) AS o "
        "WHERE o.org IS NOT NULL"
    )


def _count_deltas(event: str, keys: tuple[str, ...], where: str) -> str:
    """Per ``keys``: rows the statement added (new side) less rows it took away (old side)."""
    cols = ", ".join(keys)
    parts = [
        f"SELECT {cols}, {'-1' if t == 'old_rows' else '1'} AS d FROM {t}{where}" for t in _EVENTS[event]
    ]
    return (
        f"INSERT INTO counter_deltas (tx, {cols}, n) SELECT {_TX}, {cols}, sum(d) "
        f"FROM ({' UNION ALL '.join(parts)}) AS c GROUP BY {cols} HAVING sum(d) <> 0"
    )


_READY = " WHERE is_current AND state = 'ready'"
_COUNTED: dict[str, tuple[tuple[str, ...], str]] = {
    "responses": (("question_id", "review_status"), _READY),
    "invitations": (("assessment_id",), ""),
}

_FLUSH = f"""CREATE OR REPLACE FUNCTION viva_count_flush() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    _tx bigint := {_TX};
    d record;
BEGIN
    -- the first of the transaction's deltas to fire applies them all; the others find theirs gone
    PERFORM 1 FROM counter_deltas WHERE id = NEW.id;
    IF NOT FOUND THEN RETURN NULL; END IF;
    -- every counter row in one order (stamps, review counts, invitation counts; each by key), so
    -- two committing transactions cannot wait for each other
    INSERT INTO list_stamps (organization_id, stamp)
        SELECT DISTINCT organization_id, 1 FROM counter_deltas
        WHERE tx = _tx AND organization_id IS NOT NULL ORDER BY 1
        ON CONFLICT (organization_id) DO UPDATE SET stamp = list_stamps.stamp + 1;
    FOR d IN SELECT question_id, review_status, sum(n)::bigint AS n FROM counter_deltas
        WHERE tx = _tx AND question_id IS NOT NULL GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
    LOOP
        IF d.n > 0 THEN
            INSERT INTO review_counts (question_id, review_status, n)
                VALUES (d.question_id, d.review_status, d.n)
                ON CONFLICT (question_id, review_status) DO UPDATE SET n = review_counts.n + d.n;
        ELSE  -- nothing to take from when the question (and its counter) went in a cascade
            UPDATE review_counts SET n = n + d.n
                WHERE question_id = d.question_id AND review_status = d.review_status;
        END IF;
    END LOOP;
    FOR d IN SELECT assessment_id, sum(n)::bigint AS n FROM counter_deltas
        WHERE tx = _tx AND assessment_id IS NOT NULL GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1
    LOOP
        IF d.n > 0 THEN
            INSERT INTO invitation_counts (assessment_id, n) VALUES (d.assessment_id, d.n)
                ON CONFLICT (assessment_id) DO UPDATE SET n = invitation_counts.n + d.n;
        ELSE
            UPDATE invitation_counts SET n = n + d.n WHERE assessment_id = d.assessment_id;
        END IF;
    END LOOP;
    DELETE FROM counter_deltas WHERE tx = _tx;
    RETURN NULL;
END $$"""


def _postgresql() -> Iterator[str]:
    yield from _drop_postgresql(_PER_ROW_TRIGGERS)
    for table in _ORG_OF:
        for event in _EVENTS:
            body = [_stamp_deltas(table, event)]
            if table in _COUNTED:
                body.append(_count_deltas(event, *_COUNTED[table]))
            name = f"viva_stamp_{table}_{event}"
            yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
            yield (
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "; ".join(body)
                + "; RETURN NULL; END $$"
            )
            yield (
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {_referencing(event)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    yield "DROP TRIGGER IF EXISTS viva_count_flush ON counter_deltas"
    yield _FLUSH
    yield (
        "CREATE CONSTRAINT TRIGGER viva_count_flush AFTER INSERT ON counter_deltas "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION viva_count_flush()"
    )


def _postgresql_per_row() -> Iterator[str]:
    """The first design, for a database downgraded below ``counter_deltas`` (revision
    e2b7c4d9f1a3): a deferred row trigger per written row, each updating the counter rows at
    commit. Correct, but quadratic in the rows of one transaction (see :func:`_postgresql`)."""
    yield from _drop_postgresql(_STATEMENT_TRIGGERS)
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
    inspector = sa.inspect(conn)
    if not inspector.has_table("list_stamps"):
        return
    if conn.dialect.name != "postgresql":
        statements = _sqlite()
    elif inspector.has_table("counter_deltas"):
        statements = _postgresql()
    else:
        statements = _postgresql_per_row()
    for sql in statements:
        conn.exec_driver_sql(sql)
    if _has_uncertainty(conn):
        for sql in _uncertainty_postgresql() if conn.dialect.name == "postgresql" else _uncertainty_sqlite():
            conn.exec_driver_sql(sql)


def uninstall(conn: Connection) -> None:
    """Drop the triggers (the migrations' downgrade)."""
    drop_uncertainty_triggers(conn)
    if conn.dialect.name == "postgresql":
        has_deltas = sa.inspect(conn).has_table("counter_deltas")
        for name, table in (*_PER_ROW_TRIGGERS, *_STATEMENT_TRIGGERS):
            if table != "counter_deltas" or has_deltas:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
        return
    for name in _SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


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
    if sa.inspect(conn).has_table("counter_deltas"):
        # this transaction's own pending deltas: the counts below already include its writes
        conn.exec_driver_sql("DELETE FROM counter_deltas")
    if _has_uncertainty(conn):
        conn.exec_driver_sql(
            _set_uncertainty("responses.id").replace(" WHERE id = responses.id AND", " WHERE")
        )
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
