"""Every bad input gets a clear message naming the file, the place and the problem, exit 2, and
no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cap(*args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cap_tui.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("command", [["validate"], ["status"], ["list"], ["diff", "{plan}"]])
def test_nesting_too_deep_for_the_toml_reader_is_a_message(tmp_path: Path,
                                                            command: list[str]) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("[plan]\ntitle = 'x'\na = " + "[" * 10_000 + "\n")
    proc = cap(*(a.format(plan=deep) for a in command), str(deep))
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert f"{deep}:3:".encode() in proc.stdout + proc.stderr
    assert b"nested too deeply" in proc.stdout + proc.stderr
