"""`cap status`, `cap list` and `cap validate` answer at once: they never import Textual or tomlkit
(nor Rich when their output is piped). Each check runs in a fresh interpreter.

Which layer may import which is checked by lint-imports (pyproject.toml); this checks what an
import costs at run time, lazy imports included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data_cli"
# the editor's and the office formats' libraries: python-calamine (reading sheets), xlsxwriter
# (request sheets), docx and jinja2 (reports), openpyxl (tests only)
HEAVY = ("textual", "tomlkit", "rich", "python_calamine", "xlsxwriter", "docx", "jinja2",
         "openpyxl")

# Runs cap's main() with stdout going to a string (a pipe, as far as cap can tell), then prints
# which heavy packages ended up imported.
RUN_MAIN = f"""
HEAVY = {HEAVY!r}
import contextlib, io, json, sys
from cap_tui.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(json.dumps({{"code": code, "heavy": heavy, "out": len(out.getvalue())}}))
"""

IMPORT_ONLY = f"""
HEAVY = {HEAVY!r}
import importlib, json, sys
importlib.import_module(sys.argv[1])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(json.dumps({{"code": 0, "heavy": heavy, "out": 0}}))
"""


def _plans() -> str:
    plans = ROOT / "plans"
    return str(plans) if any(plans.glob("*.toml")) else str(DATA)


def _fresh(script: str, *args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", script, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["heavy"]:
        pytest.fail(f"{args} imported {result['heavy'][:5]}...:\n" + _who(proc.stderr))
    return result


def _who(importtime: str) -> str:
    """The chains of imports that pulled in a heavy package, from `-X importtime` output.

    It lists a module after everything it imported, indented one step deeper per level, so a
    module's importers are the following lines with less indentation.
    """
    rows = []
    for line in importtime.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1]
            rows.append((len(name) - len(name.lstrip()), name.strip()))
    chains = []
    for i, (depth, name) in enumerate(rows):
        if name not in HEAVY:
            continue
        chain = [name]
        for d, parent in rows[i + 1:]:
            if d < depth:
                chain.append(parent)
                depth = d
        chains.append(" <- ".join(chain))
    return "\n".join(chains)


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "{plans}"],
        ["status", "{plans}", "--by", "lead", "--json"],
        ["list", "{plans}"],
        ["list", "{plans}", "--overdue", "--json"],
        ["validate", "{plans}"],
        ["validate", "{plans}", "--format", "json"],
        ["get", "{small}", "P-01", "title"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_commands_import_nothing_heavy(argv):
    args = [a.format(plans=_plans(), small=DATA / "small.toml") for a in argv]
    result = _fresh(RUN_MAIN, *args)
    assert result["code"] in (0, 1)  # the real plans have errors on purpose
    assert result["out"] > 0


def test_set_of_a_simple_field_imports_nothing_heavy(tmp_path):
    path = tmp_path / "small.toml"
    path.write_bytes((DATA / "small.toml").read_bytes())
    result = _fresh(RUN_MAIN, "set", str(path), "P-01", "progress", "Started.")
    assert result["code"] == 0
    assert 'progress = "Started."' in path.read_text()


def _modules(layer: str) -> list[str]:
    """Every module of a layer (cap_tui/core, its subpackages too), as dotted names."""
    folder = ROOT / "cap_tui" / layer
    names = []
    for p in sorted(folder.rglob("*.py")):
        parts = p.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


# core never imports them; render imports Rich only inside Out.line, when colour is on; a
# command module imports its renderer and core at the top, and `cap edit` the editor lazily
LIGHT = [*_modules("core"), *_modules("render"), *_modules("commands"), "cap_tui.cli",
         "cap_tui.exit"]


@pytest.mark.parametrize("module", LIGHT)
def test_modules_outside_the_editor_import_nothing_heavy(module):
    _fresh(IMPORT_ONLY, module)
