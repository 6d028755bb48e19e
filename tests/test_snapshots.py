"""SVG snapshots of the editor on the real Blaby plan: main screen, help, picker; 80x24 and 160x45.

Update them with `pytest tests/test_snapshots.py --snapshot-update` after a deliberate change to
the screens, and look at the SVGs in tests/__snapshots__/ before committing them.

The screens are made deterministic: cap's recent-files list is a fresh folder (CAP_DATA_DIR, set
by the autouse fixture), the picker is opened on the relative folder `plans` from the repository
root, and text cursors do not blink.
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from tui_fixtures import (
    BLABY,
    NARROW,
    ROOT,
    WIDE,
    cap_data_dir,  # noqa: F401  (autouse fixture)
    settle,
    stop_blinking,
)

from cap_tui.tui.app import make_app

SIZES = [pytest.param(NARROW, id="80x24"), pytest.param(WIDE, id="160x45")]


async def steady(pilot: Pilot) -> None:
    """Before the keys: let the editor draw, and stop every cursor blinking."""
    await settle(pilot)
    stop_blinking(pilot.app)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, size: tuple[int, int]) -> None:
    """The Blaby plan opened: header, tree, form of COM-01, and the summary (strip or pane)."""
    assert snap_compare(make_app(str(BLABY.relative_to(ROOT))), terminal_size=size,
                        run_before=steady)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, size: tuple[int, int]) -> None:
    """? over the Blaby plan: every key, grouped."""
    assert snap_compare(make_app(str(BLABY.relative_to(ROOT))), press=["question_mark"],
                        terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare, size: tuple[int, int]) -> None:
    """`cap` in the repository: the three plans in plans/, each with its one-line status."""
    assert snap_compare(make_app(), terminal_size=size, run_before=steady)


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths on screen are relative to the repository, whichever folder pytest started in."""
    monkeypatch.chdir(ROOT)
