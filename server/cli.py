"""The ``viva`` command: run the demo, serve, migrate, manage users."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Any

import click

from server.settings import ROLES, Settings

__all__ = ["main", "uvicorn_options"]

_DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where SQLite, local media and the spool live (default: $VIVA_DATA_DIR or ./.viva).",
)


def _settings(data_dir: Path | None, port: int | None = None, host: str | None = None) -> Settings:
    settings = Settings.from_env(data_dir=data_dir)
    if port is not None and settings.app.public_url == "http://127.0.0.1:8000":
        from dataclasses import replace

        shown = "127.0.0.1" if host in (None, "0.0.0.0", "::") else host
        settings = settings.with_overrides(app=replace(settings.app, public_url=f"http://{shown}:{port}"))
    return settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn treats forwarding headers: only from ``VIVA_TRUSTED_PROXIES``, never by default.

    uvicorn's own default believes ``X-Forwarded-For/-Proto`` from 127.0.0.1, which would let
    anything on the host pose as any client (the per-address sign-in limit) or as HTTPS (HSTS,
    Secure cookies) even when no proxy is configured.
    """
    trusted = [entry.strip() for entry in settings.security.trusted_proxies if entry.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from server.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        **uvicorn_options(settings),
        log_level=settings.app.log_level.lower(),
        access_log=False,
    )


async def _with_session(settings: Settings, fn: Any) -> Any:
    from server.db.engine import create_engine, session_maker

    engine = create_engine(settings.db)
    try:
        async with session_maker(engine)() as session:
            result = await fn(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


class _LazyGroup(click.Group):
    """Commands that import heavy libraries (torch, Whisper) load only when they are run."""

    lazy = {
        "eval": (
            "scoring.evaluation.cli",
            "eval_command",
            "Evaluate the content scorer against human scores (with a baseline).",
        ),
        "eval-proficiency": (
            "scoring.proficiency_cli",
            "eval_proficiency_command",
            "Correlate English-proficiency signals with expert scores.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr, _ = self.lazy[name]
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.commands[name].get_short_help_str(60)) for name in super().list_commands(ctx)]
        rows += [(name, help_) for name, (_, _, help_) in self.lazy.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=_LazyGroup)
@click.version_option(package_name="viva")
def main() -> None:
    """Viva: asynchronous video interviews with AI-assisted, human-decided review."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@_DATA_DIR
def demo(host: str, port: int, data_dir: Path | None) -> None:
    """Migrate, seed a demo organization and assessment, and serve."""
    from server.db.migrate import upgrade
    from server.seed.demo import seed_demo

    settings = _settings(data_dir, port, host)
    upgrade(settings.db.url)
    creds = asyncio.run(_with_session(settings, lambda s: seed_demo(s, settings.app.data_dir)))
    url = settings.app.public_url
    click.echo(f"""
Viva demo is starting at {url}
  data directory : {settings.app.data_dir}
  database       : {settings.db.url.split("://")[0]}   object store: {settings.storage.backend}
  admin          : {creds.admin_email}  password: {creds.admin_password}
  reviewer       : {creds.reviewer_email}  password: {creds.reviewer_password}
  sample answers : two candidates' written answers are scored in the background for review
  sign in        : {url}/login
  API schema     : {url}/schema   (interactive: {url}/schema/swagger)
""")
    _serve(settings, host, port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default=None,
    help="all: one process does everything (default, or $VIVA_ROLE); api: the UI and API, no "
    "recording; media: WebRTC signalling and recording. Jobs run in `viva worker`.",
)
@_DATA_DIR
def serve(host: str, port: int, role: str | None, data_dir: Path | None) -> None:
    """Serve the web app (run `viva db upgrade` first)."""
    settings = _settings(data_dir, port, host)
    if role is not None:
        from dataclasses import replace

        settings = settings.with_overrides(app=replace(settings.app, role=role))
    _serve(settings, host, port)


@main.command()
@_DATA_DIR
def worker(data_dir: Path | None) -> None:
    """Process responses (transcribe, score, assess English) as a SAQ worker.

    Needs VIVA_JOBS_BACKEND=saq and VIVA_SAQ_URL; start as many as you need, on any machine
    that reaches the database, the queue and the object store.
    """
    from server.jobs.saq_worker import run_worker

    run_worker(_settings(data_dir))


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def openapi(output: Path | None) -> None:
    """Print the OpenAPI schema (the contract the frontend's typed client is generated from)."""
    import json

    from server.app import create_app

    settings = Settings.from_env({"VIVA_SECRET_KEY": "schema-export"}, data_dir=Path("/tmp/viva-schema"))
    schema = create_app(settings).openapi_schema.to_schema()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if output:
        output.write_text(text)
    else:
        click.echo(text, nl=False)


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@_DATA_DIR
def db_upgrade(revision: str, data_dir: Path | None) -> None:
    """Apply migrations up to REVISION."""
    from server.db.migrate import upgrade

    settings = _settings(data_dir)
    upgrade(settings.db.url, revision)
    click.echo(f"database is at {revision}")


@db.command("recount")
@_DATA_DIR
def db_recount(data_dir: Path | None) -> None:
    """Rebuild the list counters (queue and candidate totals) and the queue's uncertainty key
    from the rows, and put their triggers back (server/db/counters.py). Safe to run at any
    time; one transaction."""
    from server.db import counters

    async def run(session: Any) -> str:
        conn = await session.connection()
        await conn.run_sync(counters.install)
        await counters.recount(session)
        return "counters rebuilt"

    click.echo(asyncio.run(_with_session(_settings(data_dir), run)))


@main.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--role", type=click.Choice(["admin", "reviewer", "hiring_manager"]), required=True)
@click.option(
    "--org",
    "org_slug",
    default=None,
    help="Organization slug; created (with --org-name) if it does not exist.",
)
@click.option("--org-name", default=None, help="Name for a new organization.")
@click.option("--password", default=None, help="Prompted for when left out (recommended).")
@_DATA_DIR
def users_create(
    email: str,
    name: str | None,
    role: str,
    org_slug: str | None,
    org_name: str | None,
    password: str | None,
    data_dir: Path | None,
) -> None:
    """Create a staff user."""
    from sqlalchemy import select

    from server.db.models import Organization, Role
    from server.domain.accounts.services import create_user
    from server.errors import VivaError

    if password is None:
        password = getpass.getpass("Password (at least 12 characters, hard to guess): ")
    settings = _settings(data_dir)

    async def run(session: Any) -> str:
        query = select(Organization)
        if org_slug:
            query = query.where(Organization.slug == org_slug)
        orgs = list((await session.execute(query.order_by(Organization.created_at))).scalars())
        if not orgs:
            if not org_slug:
                raise click.UsageError("No organization exists yet: pass --org SLUG --org-name NAME.")
            org = Organization(slug=org_slug, name=org_name or org_slug)
            session.add(org)
            await session.flush()
        elif len(orgs) > 1 and not org_slug:
            raise click.UsageError("Several organizations exist: choose one with --org SLUG.")
        else:
            org = orgs[0]
        user = await create_user(
            session,
            organization_id=org.id,
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=Role(role),
        )
        return f"created {user.role.value} {user.email} in {org.slug}"

    try:
        click.echo(asyncio.run(_with_session(settings, run)))
    except VivaError as exc:
        raise click.ClickException(exc.detail) from exc


def _find_member(email: str, org_slug: str | None) -> Any:
    """A coroutine function loading the one account ``email`` names (in ``--org`` if given)."""

    async def find(session: Any) -> Any:
        from sqlalchemy import select

        from server.db.models import Organization, User
        from server.domain.accounts.services import normalize_email

        query = select(User).where(User.email == normalize_email(email))
        if org_slug:
            query = query.join(Organization).where(Organization.slug == org_slug)
        found = list((await session.execute(query)).scalars())
        if not found:
            raise click.ClickException(
                f"No account with the email {email}{' in ' + org_slug if org_slug else ''}."
            )
        if len(found) > 1:
            raise click.ClickException(
                f"Several organizations have a member {email}: choose one with --org SLUG."
            )
        return found[0]

    return find


_EMAIL = click.option("--email", required=True, help="The member's email.")
_ORG = click.option(
    "--org", "org_slug", default=None, help="Organization slug (when the email is in several)."
)


@users.command("deactivate")
@_EMAIL
@_ORG
@_DATA_DIR
def users_deactivate(email: str, org_slug: str | None, data_dir: Path | None) -> None:
    """Deactivate a staff user: every session of theirs ends at once."""
    from server.domain.accounts.team import set_active
    from server.errors import VivaError

    async def run(session: Any) -> str:
        user = await _find_member(email, org_slug)(session)
        await set_active(session, user, False)
        from server.audit import record
        from server.db.models import ActorKind

        record(
            session,
            action="user.deactivate",
            target_kind="user",
            target_id=user.id,
            organization_id=user.organization_id,
            actor_kind=ActorKind.SYSTEM,
        )
        return f"deactivated {user.email}; their sessions ended"

    try:
        click.echo(asyncio.run(_with_session(_settings(data_dir), run)))
    except VivaError as exc:
        raise click.ClickException(exc.detail) from exc


@users.command("reset-password")
@_EMAIL
@_ORG
@click.option("--password", default=None, help="Prompted for when left out (recommended).")
@_DATA_DIR
def users_reset_password(
    email: str, org_slug: str | None, password: str | None, data_dir: Path | None
) -> None:
    """Set a staff user's password: their sessions end and their sign-in lock is cleared."""
    from datetime import UTC, datetime

    from server.audit import record
    from server.db.models import ActorKind
    from server.domain.accounts.services import end_sessions, set_password
    from server.errors import VivaError
    from server.security.login_throttle import LoginThrottler

    if password is None:
        password = getpass.getpass("New password (at least 12 characters, hard to guess): ")
    settings = _settings(data_dir)

    async def run(session: Any) -> str:
        user = await _find_member(email, org_slug)(session)
        set_password(user, password)
        user.email_verified_at = user.email_verified_at or datetime.now(UTC)
        await end_sessions(session, user.id)
        await LoginThrottler(settings.security).unlock(session, user.email)
        record(
            session,
            action="user.password_reset",
            target_kind="user",
            target_id=user.id,
            organization_id=user.organization_id,
            actor_kind=ActorKind.SYSTEM,
        )
        return f"new password set for {user.email}; their sessions ended"

    try:
        click.echo(asyncio.run(_with_session(settings, run)))
    except VivaError as exc:
        raise click.ClickException(exc.detail) from exc


@users.command("unlock")
@_EMAIL
@_DATA_DIR
def users_unlock(email: str, data_dir: Path | None) -> None:
    """Clear failed sign-ins of an email from every address (the sign-in throttle)."""
    from server.security.login_throttle import LoginThrottler

    settings = _settings(data_dir)

    async def run(session: Any) -> str:
        n = await LoginThrottler(settings.security).unlock(session, email)
        return f"unlocked {email} ({n} counter{'s' if n != 1 else ''} cleared)"

    click.echo(asyncio.run(_with_session(settings, run)))


if __name__ == "__main__":
    main()
