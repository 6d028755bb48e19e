"""The seed converter (tools/convert_seeds.py) and the plan files in plans/."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
CONVERTER = REPO / "tools" / "convert_seeds.py"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
GENERATED = ("blaby-2024-25.toml", "blaby-2023-24-closure.toml")
SEED_FILES = ("blaby-cap-2024-25-mid-year.txt", "blaby-cap-2023-24-closure-report.txt")

needs_seeds = pytest.mark.skipif(
    not all((SEEDS / name).is_file() for name in SEED_FILES),
    reason=f"the seed texts are not at {SEEDS} (they live outside the repository)",
)


def _converter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convert_seeds", CONVERTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> dict[str, Any]:
    return tomllib.loads((PLANS / name).read_text(encoding="utf-8"))


def _actions(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for theme in plan.get("theme", []):
        for programme in theme.get("programme", []):
            yield from programme.get("action", [])


def _ids(plan: dict[str, Any]) -> Iterator[str]:
    for theme in plan.get("theme", []):
        yield theme["id"]
        for programme in theme.get("programme", []):
            yield programme["id"]
            for action in programme.get("action", []):
                yield action["id"]


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CONVERTER), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_seeds
def test_converter_reproduces_the_plans_byte_for_byte(tmp_path: Path) -> None:
    done = _run(SEEDS, tmp_path)
    assert done.returncode == 0, done.stderr
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (PLANS / name).read_bytes(), name
    again = _run(SEEDS, tmp_path)  # over its own output: allowed, and the same bytes
    assert again.returncode == 0, again.stderr
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (PLANS / name).read_bytes(), name


@needs_seeds
def test_converter_will_not_overwrite_an_edited_plan(tmp_path: Path) -> None:
    assert _run(SEEDS, tmp_path).returncode == 0
    edited = tmp_path / GENERATED[0]
    edited.write_bytes(edited.read_bytes() + b"# an officer's note\n")
    refused = _run(SEEDS, tmp_path)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert edited.read_bytes().endswith(b"# an officer's note\n")
    assert _run(SEEDS, tmp_path, "--force").returncode == 0
    assert edited.read_bytes() == (PLANS / GENERATED[0]).read_bytes()


def test_every_plan_parses() -> None:
    files = sorted(PLANS.glob("*.toml"))
    assert {p.name for p in files} >= {*GENERATED, "example-borough-2025-26.toml"}
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has a BOM"
        assert b"\r" not in raw, f"{path.name} has CR line endings"
        plan = tomllib.loads(raw.decode("utf-8"))
        assert {"council", "title", "as_of"} <= plan["plan"].keys(), path.name


@pytest.mark.parametrize("path", sorted(PLANS.glob("*.toml")), ids=lambda p: p.name)
def test_ids_are_unique_and_statuses_known(path: Path) -> None:
    plan = tomllib.loads(path.read_text(encoding="utf-8"))
    twice = [i for i, n in Counter(_ids(plan)).items() if n > 1]
    assert not twice
    statuses = plan["plan"]["statuses"]
    for action in _actions(plan):
        assert action["status"] in statuses, action["id"]
        if not statuses[action["status"]]["finished"]:
            assert "due" in action, action["id"]


def test_mid_year_plan_counts() -> None:
    plan = _load("blaby-2024-25.toml")
    actions = list(_actions(plan))
    assert len(plan["theme"]) == 5
    assert len(actions) == 44
    assert Counter(a["status"] for a in actions) == {"completed": 14, "in-progress": 30}
    assert all("due" not in a for a in actions if a["status"] == "completed")
    kinds = Counter(p.get("kind", "programme") for t in plan["theme"] for p in t["programme"])
    assert kinds == {"programme": 20, "projects": 4}


def test_mid_year_plan_keeps_the_messy_leads() -> None:
    text = (PLANS / "blaby-2024-25.toml").read_text(encoding="utf-8")
    leads = {a["id"]: a["lead"] for a in _actions(tomllib.loads(text))}
    missing = sorted(i for i, lead in leads.items() if lead == "")
    assert missing == ["ENV-01", "ENV-02", "ENV-09", "ORG-11", "SAF-08"]
    assert text.count('\nlead = ""') == len(missing)  # written out, for validation to flag
    assert leads["ORG-06"] == ","
    assert leads["ECO-04"] == "Health, Leisure &"
    assert leads["ENV-12"] == "Planning Development, Policy and Strategy Team"


def test_closure_plan_counts() -> None:
    plan = _load("blaby-2023-24-closure.toml")
    actions = list(_actions(plan))
    assert [t["title"] for t in plan["theme"]] == [
        "A Place to Live, Work & Visit",
        "A Place to Live",
        "A Place to Work",
        "Our People & Finances",
    ]
    assert len(actions) == 24
    assert Counter(a["status"] for a in actions) == {
        "completed": 15,
        "ongoing": 8,
        "carried-forward": 1,
    }
    assert sum(a.get("also_listed_under") == "A Place to Work" for a in actions) == 4
    assert [a["id"] for a in actions[:3]] == ["LWV-01a", "LWV-01b", "LWV-01c"]
    declared = plan["plan"]["fields"]
    builtin = {"id", "title", "description", "lead", "due", "status", "progress"}
    assert all(a.keys() <= builtin | declared.keys() for a in actions)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        'ends with a quote"',
        'two quotes at the end""',
        'three """ in a row and four """"',
        "back\\slash \\n and \\",
        "tab\there, bell\a, nul\x00, del\x7f, cr\r",
        "line one\nline two\n\nparagraph",
        "\nleading and trailing newlines\n",
        '"',
        '""',
        "£ – • unicode",
    ],
)
def test_toml_strings_round_trip(value: str) -> None:
    convert = _converter()
    assert tomllib.loads(f"v = {convert.basic_string(value)}")["v"] == value
    multi = convert.multiline_string(value)
    assert multi.startswith('"""\n')
    assert tomllib.loads(f"v = {multi}")["v"] == value
