"""The editor's quick reader of large plans must read every plan exactly as tomllib does."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cap_tui.core.document import Document, EditError
from cap_tui.core.fastread import FAST_READ_FROM, decode_value, read_blocks
from cap_tui.core.layout import scan
from cap_tui.core.problems import PlanError
from cap_tui.core.tomlvalue import render

ROOT = Path(__file__).parents[1]
FILES = sorted((ROOT / "plans").glob("*.toml")) + sorted((ROOT / "tests").glob("data*/*.toml"))


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reads_every_plan_as_tomllib_does(path: Path) -> None:
    text = _text(path)
    try:
        truth = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pytest.skip("not valid TOML on purpose")
    got = read_blocks(text, scan(text))
    # None means "not sure: use tomllib", which is always allowed; anything else must match
    assert got is None or got == truth


def test_reads_a_large_synthetic_plan_as_tomllib_does(tmp_path: Path) -> None:
    target = tmp_path / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_plan.py"), "300", str(target)],
                   check=True)
    text = _text(target)
    assert read_blocks(text, scan(text)) == tomllib.loads(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.text(),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.lists(st.text(max_size=5), max_size=3),
))
def test_decodes_any_value_cap_writes(value: object) -> None:
    for style in (None, '"""\n"""', "'x'", "'''\nx'''"):
        raw = render(value, style if isinstance(value, str) else None)
        if raw is None:
            continue
        assert decode_value(raw) == tomllib.loads(f"v = {raw}")["v"]


def _large_plan(tmp_path: Path, first_title: str = "") -> Path:
    target = tmp_path / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_plan.py"), "800", str(target)],
                   check=True)
    if first_title:
        text = _text(target).replace('title = "', f'title = "{first_title}', 1)
        target.write_text(text, encoding="utf-8")
    return target


def test_a_large_plan_is_read_quickly_and_left_to_verify(tmp_path: Path) -> None:
    target = _large_plan(tmp_path)
    doc, verified = Document.open_fast(target)
    assert not verified
    assert doc.plan.data == tomllib.loads(_text(target))
    assert doc.verify() is None  # tomllib, rtoml and the scan agree
    # AND a save with no edits writes the same bytes (its segments made when first asked for)
    before = target.read_bytes()
    doc.save()
    assert target.read_bytes() == before


def test_a_large_plan_toml_does_not_allow_is_refused_at_open_naming_the_place(
        tmp_path: Path) -> None:
    # GIVEN a large plan with a raw control character in a string (rtoml rejects it too)
    target = _large_plan(tmp_path, "\x01")
    # THEN it is not opened, and the message is tomllib's: the file, line and column
    with pytest.raises(PlanError) as err:
        Document.open_fast(target)
    assert f"{target}:7:" in err.value.problem.format()
    assert "not valid TOML" in err.value.problem.format()


def test_toml_11_that_rtoml_reads_is_caught_by_verify_and_not_saved(tmp_path: Path) -> None:
    # GIVEN a large plan with a TOML 1.1 escape in a string: rtoml reads it, TOML 1.0 does not
    target = _large_plan(tmp_path, "\\e")
    doc, verified = Document.open_fast(target)
    assert not verified
    # THEN the background check names the problem, and saving is refused after it
    problem = doc.verify()
    assert problem is not None and "not valid TOML" in problem and ":7:" in problem
    doc.unsafe = problem
    before = target.read_bytes()
    with pytest.raises(EditError, match="not valid TOML"):
        doc.save()
    assert target.read_bytes() == before


def test_the_picker_glances_at_a_large_plan_as_tomllib_reads_it(tmp_path: Path) -> None:
    # GIVEN a plan large enough to be read from the scan
    from cap_tui.core.model import glance_plan, load_plan
    from cap_tui.core.summary import summarise

    target = tmp_path / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_plan.py"), "800", str(target)],
                   check=True)
    assert target.stat().st_size >= FAST_READ_FROM
    # THEN the picker's quick reading says what a full reading says
    quick, full = glance_plan(target), load_plan(target)
    assert quick.data == full.data
    assert summarise(quick).overall.by_status == summarise(full).overall.by_status
