"""Small helpers for messages people read."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`1 question`, `2 questions` (`plural` for irregular nouns)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
