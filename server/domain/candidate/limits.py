"""Time limits scaled by a candidate's accommodations (one owner for the rule)."""

from __future__ import annotations

import math

from server.db.models import Invitation

__all__ = ["scaled_seconds"]


def scaled_seconds(seconds: int, inv: Invitation) -> int:
    """Apply the invitation's extra-time accommodation."""
    pct = int(inv.accommodations.get("extra_time_pct", 0) or 0)
    return math.ceil(seconds * (100 + pct) / 100)
