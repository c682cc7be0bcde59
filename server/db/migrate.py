"""Run Alembic migrations from code (``viva db upgrade`` and the test harness)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from server.db.engine import create_private_sqlite_file

__all__ = ["alembic_config", "downgrade", "revision", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, target: str = "head") -> None:
    """Bring the database at ``url`` up to ``target`` (creating it if SQLite)."""
    create_private_sqlite_file(url)
    command.upgrade(alembic_config(url), target)


def downgrade(url: str, target: str) -> None:
    command.downgrade(alembic_config(url), target)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
