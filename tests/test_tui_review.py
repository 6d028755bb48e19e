"""The editor's review views show what `cap diff` and `cap history` show, from real git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tui_fixtures import pilot_test

from cap_tui.tui.app import make_app

PLAN = Path(__file__).parents[1] / "plans" / "blaby-2024-25.toml"
GIT_ENV = {"GIT_AUTHOR_NAME": "Sam Reviewer", "GIT_AUTHOR_EMAIL": "sam@example.org",
           "GIT_COMMITTER_NAME": "Sam Reviewer", "GIT_COMMITTER_EMAIL": "sam@example.org",
           "GIT_AUTHOR_DATE": "2025-01-15T10:00:00", "GIT_COMMITTER_DATE": "2025-01-15T10:00:00"}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAP_DATA_DIR", str(tmp_path / "data"))
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    (tmp_path / "plans").mkdir()
    shutil.copy(PLAN, tmp_path / "plans" / PLAN.name)
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "Mid-year plan"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env)
    return tmp_path


def _body(app) -> str:
    return str(app.screen.query_one("#report-body").render())


async def _wait_for(pilot, app, text: str) -> str:
    for _ in range(40):
        await pilot.pause(0.1)
        body = _body(app)
        if text in body:
            return body
    return _body(app)


@pilot_test
async def test_changes_since_the_last_commit_names_the_action_and_status(repo: Path) -> None:
    # GIVEN the plan open, and COM-01's status changed in the editor (not saved)
    app = make_app(str(repo / "plans" / PLAN.name))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        node = app.screen.plan.find("COM-01")
        app.screen.doc.set_field(node, "status", "green")
        # WHEN the officer presses g
        await pilot.press("g")
        body = await _wait_for(pilot, app, "COM-01")
        # THEN the view says, action by action, what the diff will show
        assert "COM-01" in body
        assert "In progress (no RAG reported) -> On track" in body


@pilot_test
async def test_history_of_the_selected_action_lists_its_commits(repo: Path) -> None:
    # GIVEN a plan with one commit, opened with COM-01 selected
    app = make_app(str(repo / "plans" / PLAN.name))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # WHEN the officer presses h
        await pilot.press("h")
        body = await _wait_for(pilot, app, "Sam Reviewer")
        # THEN the commit, its author and the action's status are listed
        assert "Sam Reviewer" in body and "Mid-year plan" in body
        assert "In progress (no RAG reported)" in body
