"""Replaying an officer's operations on another version of their plan, saying what did not apply.

Used to restore a crash journal (the operations on the file as it is now) and to reload a file
changed on disk while the officer was working (their unsaved operations on the new version).
Nothing is dropped silently: every operation that does not apply comes back with its Result
(a clash carries the file's value in `found`, the officer's in `op.value`), for the editor to
show and let the officer choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from .edit.ops import ABSENT, Op, Outcome, Result, SetField, op_from_json

__all__ = ["Replayed", "clash_values", "decode_ops", "describe", "replay", "squash"]


class Replayed(NamedTuple):
    applied: int  # operations that changed the text
    same: int  # operations the file already said (no-ops)
    failed: list[Result]  # clashes and refusals, in order


def decode_ops(data: Iterable[dict[str, Any]]) -> tuple[list[Op], list[str]]:
    """Operations from their JSON form; the lines that are not an operation cap knows are
    returned as text (to be shown, never dropped silently)."""
    ops: list[Op] = []
    bad: list[str] = []
    for d in data:
        try:
            ops.append(op_from_json(d))
        except (ValueError, KeyError, TypeError) as exc:
            bad.append(f"{d!r}: {exc}")
    return ops, bad


def squash(ops: Sequence[Op]) -> list[Op]:
    """Consecutive changes to one field (typing, one operation per key) as one change from the
    first old value to the last new one: a field changed outside clashes once, not per key.
    A rename (an `id` change) is kept as it is."""
    out: list[Op] = []
    for op in ops:
        last = out[-1] if out else None
        if (isinstance(op, SetField) and isinstance(last, SetField) and op.key != "id"
                and last.key == op.key and last.ref == op.ref and op.nth_after is None
                and last.nth_after is None):
            out[-1] = SetField(last.ref, op.key, op.value, last.old)
            continue
        if isinstance(op, SetField) and op.key != "id":
            op = SetField(op.ref, op.key, op.value, op.old)  # cap fills the text in again
        out.append(op)
    # a field typed and brought back to where it started changes nothing
    return [op for op in out if not (isinstance(op, SetField) and op.key != "id"
                                     and _same(op.value, op.old))]


def _same(a: Any, b: Any) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is b
    return type(a) is type(b) and bool(a == b)


def replay(doc: Any, ops: Iterable[Op]) -> Replayed:
    """Apply `ops` to `doc` in order (each as a new change, undoable); returns what did not."""
    applied = same = 0
    failed: list[Result] = []
    for op in ops:
        result: Result = doc.apply(op)
        if result.outcome is Outcome.APPLIED:
            applied += 1
        elif result.outcome is Outcome.NO_OP:
            same += 1
        else:
            failed.append(result)
    return Replayed(applied, same, failed)


def clash_values(result: Result) -> tuple[Any, Any] | None:
    """For a clash on a field: (the file's value, the officer's value); None for any other."""
    op = result.op
    if result.outcome is Outcome.CLASH and isinstance(op, SetField):
        return result.found, op.value
    return None


def describe(result: Result) -> str:
    """One failed operation in words: what it would have done and why it did not."""
    op = result.op
    if isinstance(op, SetField):
        what = f"{op.ref}: {op.key} = {_short(op.value)}"
    else:
        what = f"{type(op).__name__} {getattr(op, 'ref', '')}"
    return f"{what} — {result.reason or result.outcome.value}"


def _short(value: Any, n: int = 60) -> str:
    if value is ABSENT:
        return "(removed)"
    text = str(value).replace("\n", " ⏎ ")
    return text if len(text) <= n else text[: n - 1] + "…"
