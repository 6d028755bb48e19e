"""How cap counts things in words, one way everywhere: core's messages, every renderer and the
editor use `plural` (render.terminal re-exports it for the command line)."""

from __future__ import annotations


def plural(n: int, noun: str, plurals: str = "") -> str:
    """`1 warning`, `2 warnings`, `0 errors`; `plurals` for a noun that is not made plural by an
    s (`plural(n, "entry", "entries")`)."""
    return f"{n} {noun if n == 1 else (plurals or noun + 's')}"
