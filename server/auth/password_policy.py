"""What a staff password must be (OWASP ASVS 4.0 section 2.1), checked offline.

- At least 12 characters (ASVS 2.1.1), at most 128 (2.1.2: 64 or more must be allowed);
  spaces and every printable character are allowed, nothing is truncated (2.1.3, 2.1.4), and
  there are no composition rules (2.1.9).
- Not a common or breached password (2.1.7): zxcvbn ships the frequency lists of passwords
  seen in public breaches (and English words, names, keyboard patterns), so the check needs
  no network and no data download; a password built mostly from one of those, a repeat
  (``aaaaaaaaaaaa``), a sequence or a keyboard walk is refused.
- A minimum strength (2.1.8): zxcvbn's estimate must reach score 3 ("safely unguessable:
  moderate protection from offline slow-hash attacks", about 10^8 guesses), judged with the
  person's own email and name as known words, so ``ada.lovelace2024`` is weak for Ada.

The refusal says what is wrong and how to do better, in zxcvbn's own words.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from server.errors import InvalidInput

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "MIN_SCORE", "check_password"]

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn's 0..4 scale; 3 is "safely unguessable" (>= 10^8 guesses)


def check_password(password: str, *, email: str = "", name: str = "", field: str = "password") -> None:
    """Raise :class:`InvalidInput` (400) unless ``password`` meets the policy above."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_LENGTH} characters "
            "(a few unrelated words make a good one).",
            field=field,
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"The password must have at most {MAX_LENGTH} characters.", field=field)
    known = [w for w in (email, email.split("@")[0], *name.split()) if w]
    result = zxcvbn(password, user_inputs=known)
    if int(result["score"]) >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    warning = str(feedback.get("warning") or "").strip()
    tips = " ".join(str(s) for s in feedback.get("suggestions") or [])
    tips = tips[:1].lower() + tips[1:]
    reason = warning or "This password is too easy to guess."
    raise InvalidInput(
        f"{reason.rstrip('.')}. Choose a password that is harder to guess{': ' + tips if tips else '.'}",
        field=field,
    )
