"""Login rate limiting: failed sign-ins counted per account and per client address.

Counters live in the database (``login_throttles``), so every app process and worker behind a
load balancer shares them. Each key counts failures in a fixed window
(``VIVA_LOGIN_WINDOW_SECONDS``); once a key reaches its limit (``VIVA_LOGIN_MAX_FAILURES`` per
account, ``VIVA_LOGIN_MAX_FAILURES_PER_IP`` per address) every sign-in for it is refused with
429 and ``Retry-After`` until the window ends, before the password is even checked, so
guessing cannot go on. Accounts are keyed by a hash of the email as typed (normalized), known or
not: the answer never reveals whether an account exists, and no typed email is stored. A
successful sign-in clears its account's counter; the address counter only runs out, so one
valid account cannot be used to reset the count while spraying guesses at others.

Failures are recorded in their own short transaction, because the request's own transaction
is rolled back with the 401.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import LoginThrottle
from server.errors import TooManyRequests
from server.settings import SecuritySettings

__all__ = ["LoginThrottled", "LoginThrottler"]


class LoginThrottled(TooManyRequests):
    """Too many failed sign-ins; ``retry_after`` seconds until the next try is accepted."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"Too many failed sign-in attempts. Wait {minutes} minute"
            f"{'s' if minutes != 1 else ''} and try again, or ask an admin of your "
            "organization to check your account.", retry_after=retry_after,
            headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def account_key(email: str) -> str:
    """The counter key of an account: a hash of the normalized email (never the email)."""
    digest = hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
    return f"account:{digest}"


def address_key(address: str) -> str:
    return f"ip:{address[:64]}"


@dataclass(frozen=True, slots=True)
class LoginThrottler:
    """Checks and counts failed sign-ins under the configured limits."""

    settings: SecuritySettings

    def _limits(self, email: str, address: str) -> dict[str, int]:
        return {account_key(email): self.settings.login_max_failures_per_account,
                address_key(address): self.settings.login_max_failures_per_ip}

    async def check(self, db: AsyncSession, email: str, address: str, *,
                    now: datetime | None = None) -> None:
        """Raise :class:`LoginThrottled` if the account or the address is at its limit."""
        now = now or datetime.now(UTC)
        window = timedelta(seconds=self.settings.login_window_seconds)
        limits = self._limits(email, address)
        rows = (await db.execute(select(LoginThrottle).where(LoginThrottle.key.in_(limits)))
                ).scalars()
        wait = 0
        for row in rows:
            ends = row.window_started_at + window
            if ends > now and row.failures >= limits[row.key]:
                wait = max(wait, int(-(-(ends - now).total_seconds() // 1)))
        if wait:
            raise LoginThrottled(max(1, wait))

    async def record_failure(self, db: AsyncSession, email: str, address: str, *,
                             now: datetime | None = None) -> None:
        """Count one failed sign-in for the account and the address (commits ``db``)."""
        now = now or datetime.now(UTC)
        for key in self._limits(email, address):
            await self._bump(db, key, now)
        await self.prune(db, now - timedelta(seconds=self.settings.login_window_seconds))
        await db.commit()

    async def _bump(self, db: AsyncSession, key: str, now: datetime) -> None:
        start = now - timedelta(seconds=self.settings.login_window_seconds)
        # An atomic increment inside a live window, else a new window; both race-safe.
        done = await db.execute(update(LoginThrottle).where(
            LoginThrottle.key == key, LoginThrottle.window_started_at > start)
            .values(failures=LoginThrottle.failures + 1, updated_at=now))
        if _rowcount(done):
            return
        done = await db.execute(update(LoginThrottle).where(
            LoginThrottle.key == key, LoginThrottle.window_started_at <= start)
            .values(failures=1, window_started_at=now, updated_at=now))
        if _rowcount(done):
            return
        try:
            async with db.begin_nested():
                db.add(LoginThrottle(key=key, failures=1, window_started_at=now))
        except IntegrityError:  # another process inserted it first: count on its row
            await db.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                             .values(failures=LoginThrottle.failures + 1, updated_at=now))

    async def reset_account(self, db: AsyncSession, email: str) -> None:
        """Forget the account's failures (after a successful sign-in)."""
        await db.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))

    @staticmethod
    async def prune(db: AsyncSession, older_than: datetime) -> int:
        """Drop counters whose window began before ``older_than``; returns how many."""
        done = await db.execute(delete(LoginThrottle).where(
            LoginThrottle.window_started_at < older_than))
        return _rowcount(done)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
