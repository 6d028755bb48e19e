"""Shared fixtures. Keep this small: only fixtures go here."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import pytest

from cap_tui.core.document import Document

TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _no_terminal_size_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """cap honours COLUMNS, and pytest-xdist's workers run with COLUMNS=80 and LINES=24 set:
    every test starts without them, and a test about them sets its own."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def data_dir() -> Path:
    """tests/data: the hand-made sample plans."""
    return TESTS / "data"


@pytest.fixture
def plan_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a plan's text (str, written as UTF-8 bytes exactly, or bytes) to a temporary file."""

    def make(content: str | bytes, name: str = "plan.toml") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return make


@pytest.fixture
def open_doc(plan_file: Callable[..., Path]) -> Callable[..., Document]:
    """A Document on a temporary copy of the given text or bytes."""

    def make(content: str | bytes, name: str = "plan.toml") -> Document:
        return Document.load(plan_file(content, name))

    return make


@pytest.fixture
def changed_lines() -> Callable[[bytes | str, bytes | str], list[str]]:
    """The - and + lines of a unified diff of two texts, line endings kept."""

    def diff(old: bytes | str, new: bytes | str) -> list[str]:
        a = old.decode("utf-8") if isinstance(old, bytes) else old
        b = new.decode("utf-8") if isinstance(new, bytes) else new
        lines = difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                     n=0)
        return [ln for ln in lines if ln[:1] in "-+" and not ln.startswith(("---", "+++"))]

    return diff
