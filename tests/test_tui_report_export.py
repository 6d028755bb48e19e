"""The palette's "report: export" writes the committee report beside the plan."""

# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path

from tui_fixtures import (
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    editing,
    editor,
    notifications,
    pilot_test,
    settle,
    type_at_end,
)


@pilot_test
async def test_report_export_writes_html_and_word_beside_the_plan(blaby: Path) -> None:
    async with editing(blaby) as pilot:
        editor(pilot.app).action_report_export()
        await settle(pilot, 2)
        written = sorted(p.suffix for p in blaby.parent.iterdir() if p.stem.startswith("blaby"))
        assert ".docx" in written and ".html" in written
        assert any(n.startswith("Report written: ") for n in notifications(pilot.app))
        html = next(blaby.parent.glob("*.html")).read_text("utf-8")
        assert "COM-01" in html and "Homelessness Prevention" in html


@pilot_test
async def test_report_export_asks_for_a_save_first(blaby: Path) -> None:
    async with editing(blaby) as pilot:
        await type_at_end(pilot, "title", "!")
        editor(pilot.app).action_report_export()
        await settle(pilot, 2)
        assert not list(blaby.parent.glob("*.html"))
        assert any("save first" in n for n in notifications(pilot.app))
