"""How many live WebRTC sessions one candidate link and one organization may hold.

The process has a fixed number of peers it can run (each costs an encoder thread and UDP
ports). Without shares, one candidate link could open every device-check slot in seconds, or a
few links every take slot, and everyone else would be turned away. A slot is reserved before
the (slow) offer is answered and released when the session ends, so concurrent opens cannot
overshoot; reserving is synchronous, so no other coroutine runs between the check and the claim.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from media.registry import SessionLimitReached

__all__ = ["Holder", "LiveQuota", "QuotaExceeded"]

Scope = Literal["invitation", "organization", "server"]


class QuotaExceeded(SessionLimitReached):
    """A share of live sessions is used up; ``scope`` says whose."""

    def __init__(self, message: str, *, scope: Scope) -> None:
        super().__init__(message)
        self.scope = scope


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a live session counts against."""

    invitation_id: uuid.UUID
    organization_id: uuid.UUID


class LiveQuota:
    """Reservations of one kind of session (takes or device checks) on this process."""

    def __init__(self, *, what: str, total: int, per_invitation: int, per_organization: int) -> None:
        self.what = what
        self.total = total
        self.per_invitation = per_invitation
        self.per_organization = per_organization
        self._held: dict[str, Holder] = {}

    def __len__(self) -> int:
        return len(self._held)

    def reserve(self, session_id: str, holder: Holder) -> None:
        """Claim a slot for ``session_id`` or raise :class:`QuotaExceeded`."""
        if len(self._held) >= self.total:
            raise QuotaExceeded(
                f"all {self.total} {self.what} slots of this server are in use", scope="server"
            )
        if sum(h.invitation_id == holder.invitation_id for h in self._held.values()) >= self.per_invitation:
            raise QuotaExceeded(
                f"this link already holds {self.per_invitation} live {self.what}(s)", scope="invitation"
            )
        if (
            sum(h.organization_id == holder.organization_id for h in self._held.values())
            >= self.per_organization
        ):
            raise QuotaExceeded(
                f"the organization's share of {self.per_organization} live {self.what}s is in use",
                scope="organization",
            )
        self._held[session_id] = holder

    def release(self, session_id: str) -> None:
        self._held.pop(session_id, None)

    def held_by(self, invitation_id: uuid.UUID) -> list[str]:
        """The session ids reserved for one candidate link, oldest first."""
        return [sid for sid, h in self._held.items() if h.invitation_id == invitation_id]
