"""The question bank shipped with Viva: questions for six roles with graded rubrics, as data.

The bank lives in the ``*_bank.json`` files next to this module (one per role, and one of
behavioural questions shared between roles), in the format of ``server.domain.bank.format``
(which parses and checks them).

Example::

    bank = load_bank()
    payload = to_question_in(next(q for q in bank if q.id == "mlops-rollback"))
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import msgspec

from server.domain.bank.format import BankQuestion, import_json, validate

__all__ = ["BANK_DIR", "BANK_PATH", "bank_files", "load_bank", "shipped_bank"]

BANK_DIR = Path(__file__).parent
BANK_PATH = BANK_DIR / "ml_engineer_bank.json"


@lru_cache(maxsize=1)
def shipped_bank() -> tuple[BankQuestion, ...]:
    """The bank shipped with Viva, loaded and checked once per process (read-only)."""
    return tuple(load_bank())


def load_bank(path: Path | None = None) -> list[BankQuestion]:
    """Load and validate the shipped bank (every ``*_bank.json`` here), or one bank file.

    Raises:
        ValueError: A question is invalid (the message names it and the field), or two
            files share an id.
    """
    if path is not None:
        return import_json(path.read_bytes())
    questions: list[BankQuestion] = []
    for file in bank_files():
        questions.extend(import_json(file.read_bytes()))
    return validate([msgspec.to_builtins(q) for q in questions]) if questions else []


def bank_files() -> list[Path]:
    """The shipped bank files, ML engineer first, then by name."""
    return sorted(BANK_DIR.glob("*_bank.json"), key=lambda p: (p != BANK_PATH, p.name))
