"""Login rate limiting: failed sign-ins counted per account+address pair, per address, per account.

Counters live in the database (``login_throttles``), so every app process and worker behind a
load balancer shares them. Why three keys, and why none of them lets a stranger lock a
colleague out (issue 12, F4):

- **pair** (this account from this address): after ``VIVA_LOGIN_MAX_FAILURES`` failures the
  pair waits a delay that doubles with every further failure (15 s, 30 s, 60 s, ... up to
  the window, ``VIVA_LOGIN_WINDOW_SECONDS``) counted from its last failure. Guessing from one
  place slows to a crawl; the account's owner at their own address is not affected.
- **address** (any account from this address): ``VIVA_LOGIN_MAX_FAILURES_PER_IP`` failures
  in the window and the address is refused for the rest of it (password spraying).
- **account** (this account from anywhere): once it has three times the pair limit in the window the
  account is *under attack*: every address that has failed for it at least once waits until
  the window ends, so guessing spread over many addresses gets one try per address. An
  address that has not failed for the account (the owner's) still signs in with the right
  password.

Refused requests get 429 and ``Retry-After`` before the password is checked. Accounts are keyed
by a hash of the email as typed (normalized), known or not: the answer never reveals whether an
account exists, and no typed email or address is stored in clear. A successful sign-in clears
the account's and this pair's counters; the address counter only runs out, so one valid account
cannot reset it while spraying guesses at others. An admin (or ``viva users unlock``) clears an
account's counters from every address.

Failures are recorded in their own short transaction, because the request's own transaction
is rolled back with the 401.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import LoginThrottle
from server.errors import TooManyRequests
from server.settings import SecuritySettings

__all__ = ["Clock", "LoginThrottled", "LoginThrottler", "account_key", "utc_now"]

Clock = Callable[[], datetime]
"""What the throttler reads the time from: aware UTC ``datetime``s (tests pass one they move)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


FIRST_DELAY_SECONDS = 15  # a pair's wait after reaching its limit; doubles with each failure
RESET_REQUESTS_PER_ADDRESS = 10  # password-reset requests per client address in a window
ATTACK_FACTOR = 3  # account failures (all addresses) = ATTACK_FACTOR x the pair limit: under attack


class LoginThrottled(TooManyRequests):
    """Too many failed sign-ins; ``retry_after`` seconds until the next try is accepted."""

    def __init__(self, retry_after: int) -> None:
        if retry_after < 60:
            wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
        else:
            minutes = -(-retry_after // 60)
            wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(
            f"Too many failed sign-in attempts. Wait {wait} and try again, or ask an admin "
            "of your organization to unlock your account.",
            retry_after=retry_after,
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _account_digest(email: str) -> str:
    return _digest(email.strip().lower())


def account_key(email: str) -> str:
    """The counter key of an account: a hash of the normalized email (never the email)."""
    return f"account:{_account_digest(email)}"


def pair_prefix(email: str) -> str:
    """What every pair key of an account starts with (for unlocking it from every address)."""
    return f"pair:{_account_digest(email)[:32]}:"


def pair_key(email: str, address: str) -> str:
    return f"{pair_prefix(email)}{_digest(address)[:32]}"


def address_key(address: str) -> str:
    return f"ip:{address[:64]}"


def _seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))


@dataclass(frozen=True, slots=True)
class LoginThrottler:
    """Checks and counts failed sign-ins under the configured limits."""

    settings: SecuritySettings
    clock: Clock = field(default=utc_now)

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.settings.login_window_seconds)

    def pair_delay(self, failures: int) -> timedelta:
        """How long a pair waits after its last failure: doubling past the limit, up to the window."""
        over = failures - self.settings.login_max_failures_per_account
        if over < 0:
            return timedelta(0)
        return min(self.window, timedelta(seconds=FIRST_DELAY_SECONDS * 2 ** min(over, 30)))

    async def _rows(self, db: AsyncSession, keys: Iterable[str]) -> dict[str, LoginThrottle]:
        rows = (await db.execute(select(LoginThrottle).where(LoginThrottle.key.in_(list(keys))))).scalars()
        return {row.key: row for row in rows}

    async def retry_after(
        self, db: AsyncSession, email: str, address: str, *, now: datetime | None = None
    ) -> int:
        """Seconds this account must wait from this address (0: it may try now)."""
        now = now or self.clock()
        pair, ip, account = pair_key(email, address), address_key(address), account_key(email)
        rows = await self._rows(db, (pair, ip, account))
        waits = [timedelta(0)]
        live = {k: r for k, r in rows.items() if r.window_started_at + self.window > now}
        if (row := live.get(ip)) and row.failures >= self.settings.login_max_failures_per_ip:
            waits.append(row.window_started_at + self.window - now)
        if row := rows.get(pair):  # its delay runs from its last failure, not the window start
            waits.append(row.updated_at + self.pair_delay(row.failures) - now)
            hot = live.get(account)
            attack = ATTACK_FACTOR * self.settings.login_max_failures_per_account
            if hot is not None and hot.failures >= attack:
                waits.append(hot.window_started_at + self.window - now)
        wait = max(waits)
        return _seconds(wait) if wait > timedelta(0) else 0

    async def check(self, db: AsyncSession, email: str, address: str, *, now: datetime | None = None) -> None:
        """Raise :class:`LoginThrottled` if this account may not try from this address yet."""
        if wait := await self.retry_after(db, email, address, now=now):
            raise LoginThrottled(wait)

    async def record_failure(
        self, db: AsyncSession, email: str, address: str, *, now: datetime | None = None
    ) -> None:
        """Count one failed sign-in for the pair, the address and the account (commits ``db``)."""
        now = now or self.clock()
        await self._bump(db, pair_key(email, address), now, sliding=True)
        for key in (address_key(address), account_key(email)):
            await self._bump(db, key, now)
        await self.prune(db, now - self.window)
        await db.commit()

    async def _bump(self, db: AsyncSession, key: str, now: datetime, *, sliding: bool = False) -> None:
        """Count a failure on ``key``: in a fixed window from its first failure, or (``sliding``)
        for as long as failures keep coming less than a window apart."""
        start = now - self.window
        since = LoginThrottle.updated_at if sliding else LoginThrottle.window_started_at
        # An atomic increment inside a live window, else a new window; both race-safe.
        done = await db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, since > start)
            .values(failures=LoginThrottle.failures + 1, updated_at=now)
        )
        if _rowcount(done):
            return
        done = await db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, since <= start)
            .values(failures=1, window_started_at=now, updated_at=now)
        )
        if _rowcount(done):
            return
        try:
            async with db.begin_nested():
                db.add(LoginThrottle(key=key, failures=1, window_started_at=now, updated_at=now))
        except IntegrityError:  # another process inserted it first: count on its row
            await db.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(failures=LoginThrottle.failures + 1, updated_at=now)
            )

    async def reset_after_success(self, db: AsyncSession, email: str, address: str) -> None:
        """Forget the account's and this pair's failures (after a successful sign-in)."""
        await db.execute(
            delete(LoginThrottle).where(LoginThrottle.key.in_([account_key(email), pair_key(email, address)]))
        )

    async def unlock(self, db: AsyncSession, email: str) -> int:
        """Forget the account's failures from every address (an admin's unlock); how many rows."""
        done = await db.execute(
            delete(LoginThrottle).where(
                or_(
                    LoginThrottle.key == account_key(email),
                    LoginThrottle.key.startswith(pair_prefix(email), autoescape=True),
                )
            )
        )
        return _rowcount(done)

    async def is_locked(self, db: AsyncSession, email: str, *, now: datetime | None = None) -> bool:
        """Whether some address is currently held back for this account (shown to admins)."""
        now = now or self.clock()
        rows = (
            await db.execute(
                select(LoginThrottle).where(
                    or_(
                        LoginThrottle.key == account_key(email),
                        LoginThrottle.key.startswith(pair_prefix(email), autoescape=True),
                    )
                )
            )
        ).scalars()
        for row in rows:
            if row.key.startswith("pair:") and row.updated_at + self.pair_delay(row.failures) > now:
                return True
            if row.window_started_at + self.window <= now:
                continue
            attack = ATTACK_FACTOR * self.settings.login_max_failures_per_account
            if row.key.startswith("account:") and row.failures >= attack:
                return True
        return False

    async def count_reset_request(
        self, db: AsyncSession, address: str, *, now: datetime | None = None
    ) -> None:
        """Count a password-reset request from ``address``; 429 past the per-address limit.

        Known and unknown emails count alike, so the limit says nothing about accounts.
        """
        now = now or self.clock()
        key = f"reset:{address[:64]}"
        row = (await self._rows(db, (key,))).get(key)
        if (
            row is not None
            and row.window_started_at + self.window > now
            and row.failures >= RESET_REQUESTS_PER_ADDRESS
        ):
            raise LoginThrottled(_seconds(row.window_started_at + self.window - now))
        await self._bump(db, key, now)

    @staticmethod
    async def prune(db: AsyncSession, older_than: datetime) -> int:
        """Drop counters with no failure since ``older_than``; returns how many."""
        done = await db.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < older_than))
        return _rowcount(done)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
