"""A field's key is the plan's data: any key TOML allows works in the editor.

`"budget £"`, `"spend to date"` and `"a.b"` are valid (quoted) TOML keys and `cap validate`
accepts them as custom fields. The editor once made each field's widget id from its key
(`f-budget £`), and Textual refused it: the plan could not be opened. Now an editor carries its
key as data (`field_key`), and editing one of these fields writes exactly its own line.
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fixtures import (
    cap_data_dir,  # noqa: F401  (autouse fixture)
    changed_lines,
    editing,
    field,
    field_text,
    fields_shown,
    go_to,
    notifications,
    pilot_test,
    screen_text,
    settle,
    type_at_end,
)

from cap_tui.core.check import validate_path

PLAN = '''\
[plan]
council = "Test Council"
title = "Keys as data"
as_of = 2024-11-30

[plan.fields]
"budget £" = { label = "Budget (£)", type = "number" }
"spend to date" = { label = "Spend to date", type = "line" }
"a.b" = { label = "A dot B", type = "line" }

[[theme]]
id = "t1"
title = "Theme one"

[[theme.programme]]
id = "p1"
title = "Programme one"

[[theme.programme.action]]
id = "A-01"
title = "First action"
lead = "Someone"
status = "green"
due = "2025-03"
"budget £" = 100
"spend to date" = "ten pounds"
"a.b" = "dotted"

[[theme.programme.action]]
id = "A-02"
title = "Second action"
lead = "Someone else"
status = "green"
due = "2025-06"
"a.b" = "also dotted"
'''


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_cap_validate_accepts_the_plan(plan: Path) -> None:
    _, problems = validate_path(str(plan))
    assert problems == []


@pilot_test
async def test_the_form_shows_every_custom_field(plan: Path) -> None:
    async with editing(plan, (120, 45)) as pilot:
        app = pilot.app
        await go_to(pilot, "A-01")
        shown = fields_shown(app)
        assert {"budget £", "spend to date", "a.b"} <= set(shown)
        assert field_text(app, "budget £") == "100"
        assert field_text(app, "spend to date") == "ten pounds"
        assert field_text(app, "a.b") == "dotted"
        app.screen.query_one("#form").scroll_end(animate=False, immediate=True)  # below
        await settle(pilot)
        text = screen_text(app)
        assert "Budget (£)" in text and "Spend to date" in text and "A dot B" in text
        # and the next action, with the same fields, reuses the form
        await go_to(pilot, "A-02")
        assert field_text(app, "a.b") == "also dotted"
        assert field_text(app, "budget £") == ""


@pytest.mark.parametrize(("key", "typed", "before", "after"), [
    ("budget £", "5", '"budget £" = 100\n', '"budget £" = 1005\n'),
    ("spend to date", " so far", '"spend to date" = "ten pounds"\n',
     '"spend to date" = "ten pounds so far"\n'),
    ("a.b", "!", '"a.b" = "dotted"\n', '"a.b" = "dotted!"\n'),
])
@pilot_test
async def test_editing_a_field_changes_only_its_line(
        plan: Path, key: str, typed: str, before: str, after: str) -> None:
    original = plan.read_bytes()
    async with editing(plan, (120, 45)) as pilot:
        app = pilot.app
        await go_to(pilot, "A-01")
        await type_at_end(pilot, key, typed)
        assert app.focused is field(app, key)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notifications(app)[-1] == "Saved keys.toml"
    removed, added = changed_lines(original, plan.read_bytes())
    assert (removed, added) == ([before], [after])
