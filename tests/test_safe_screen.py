"""Text from a plan never drives the terminal: control and bidi characters are shown, not obeyed.

A field holding `ESC ] 52 ; c ; ... ESC \\` (OSC 52) would set the terminal's clipboard,
`ESC ] 2 ; ... ESC \\` its window title, `ESC [ 2 J` would blank the screen, BEL ring, and
U+202E reverse the text after it. The command line shows them as `\\x1b` and `\\u202e` (safe());
the editor's fields draw each as one visible stand-in (`␛`, `�`) and keep the exact characters.

What the app writes to the terminal is captured whole: Textual's headless driver drops it, so
`terminal` swaps in one that keeps it (and says it is not headless, so the app writes at all).
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811, RUF100

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textual.drivers.headless_driver as headless_driver
from textual.app import App, ComposeResult
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input, TextArea
from tui_fixtures import (
    WIDE,
    cap_data_dir,  # noqa: F401  (autouse fixture)
    editing,
    editor,
    field,
    field_text,
    go_to,
    pilot_test,
    settle,
)

from cap_tui.render.terminal import safe, visible_char
from cap_tui.tui.widgets.safe import SafeInput, SafeTextArea, shown_area_line, shown_line

OSC52 = "\x1b]52;c;UFdORUQ=\x1b\\"  # set the clipboard to "PWNED"
OSC2 = "\x1b]2;pwned\x1b\\"  # rename the window
CLEAR = "\x1b[2J"  # blank the screen
BEL = "\x07"
RLO = "\u202e"  # right-to-left override
EVIL = f"{OSC52}{OSC2}{CLEAR}{BEL}{RLO}txt.exe"
# what must never reach the terminal raw, from any of the above
RAW = ("\x1b]52", "\x1b]2;", "\x1b[2J", "\x07", "\u202e")

STAND_INS = "␛]52;c;UFdORUQ=␛\\␛]2;pwned␛\\␛[2J␇�txt.exe"  # EVIL as the fields draw it

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# -- capturing the terminal ----------------------------------------------------------------------
class RecordingDriver(HeadlessDriver):
    """The headless driver, but keeping every byte the app writes to the terminal."""

    written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False  # else App._display draws nothing at all

    def write(self, data: str) -> None:
        RecordingDriver.written.append(data)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app writes to the terminal, chunk by chunk, for `run_test` apps in this test."""
    written: list[str] = []
    monkeypatch.setattr(RecordingDriver, "written", written)
    monkeypatch.setattr(headless_driver, "HeadlessDriver", RecordingDriver)
    return written


# Textual's own: the mouse pointer's shape (OSC 22), ended by a BEL
TEXTUAL_OWN = re.compile(r"\x1b\]22;[a-z-]+\x07")
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def drawn(output: str) -> str:
    """The characters drawn, without the styles and cursor moves between them."""
    return CSI.sub("", TEXTUAL_OWN.sub("", output))


def assert_inert(output: str) -> None:
    output = TEXTUAL_OWN.sub("", output)
    for raw in RAW:
        assert raw not in output, f"{raw!r} reached the terminal raw"


# -- safe() on the command line ------------------------------------------------------------------
class TestSafe:
    @pytest.mark.parametrize("one_line", [True, False])
    @pytest.mark.parametrize("c", list(BIDI))
    def test_each_bidi_control_is_shown_as_its_code(self, c: str, one_line: bool) -> None:
        assert safe(f"a{c}b", one_line=one_line) == f"a\\u{ord(c):04x}b"

    @pytest.mark.parametrize("one_line", [True, False])
    def test_the_attack_is_all_escapes(self, one_line: bool) -> None:
        shown = safe(EVIL, one_line=one_line)
        assert shown == ("\\x1b]52;c;UFdORUQ=\\x1b\\"
                         "\\x1b]2;pwned\\x1b\\\\x1b[2J\\x07\\u202etxt.exe")
        assert_inert(shown)

    def test_newlines_and_tabs_as_before(self) -> None:
        assert safe("a\nb\tc\u202e") == "a b c\\u202e"
        assert safe("a\nb\tc\u202e", one_line=False) == "a\nb\tc\\u202e"

    def test_other_text_untouched(self) -> None:
        text = "Café — naïve 日本 עברית العربية \u200b\u00a0x"
        assert safe(text) == text

    def test_visible_char(self) -> None:
        assert visible_char("\x1b") == "\\x1b"
        assert visible_char("\x9b") == "\\x9b"
        assert visible_char("\x7f") == "\\x7f"
        assert visible_char("\u202e") == "\\u202e"
        assert visible_char("\u061c") == "\\u061c"
        assert visible_char("a") is None
        assert visible_char("é") is None


# -- the widgets alone ---------------------------------------------------------------------------
class TwoFields(App[None]):
    """An Input over a TextArea, as the editor's form has them."""

    def __init__(self, line: str, text: str, safe: bool = True) -> None:
        super().__init__()
        self.values = line, text
        self.input_class, self.area_class = (SafeInput, SafeTextArea) if safe else (
            Input, TextArea)

    def compose(self) -> ComposeResult:
        line, text = self.values
        yield self.input_class(line, id="line")
        yield self.area_class(text, id="text", soft_wrap=True)

    @property
    def line(self) -> Input:
        return self.query_one("#line", Input)

    @property
    def text(self) -> TextArea:
        return self.query_one("#text", TextArea)


def safe_app(line: str = EVIL, text: str = f"first {EVIL}\nsecond {EVIL}") -> TwoFields:
    return TwoFields(line, text)


class TestSafeWidgets:
    @pilot_test
    async def test_textual_widgets_leak_which_shows_the_capture_works(
            self, terminal: list[str]) -> None:
        app = TwoFields(EVIL, f"first {EVIL}", safe=False)
        async with app.run_test(size=(80, 12)) as pilot:
            await pilot.pause()
        assert "\x1b]52;c;UFdORUQ=" in "".join(terminal)

    @pilot_test
    async def test_nothing_raw_reaches_the_terminal(self, terminal: list[str]) -> None:
        app = safe_app()
        async with app.run_test(size=(80, 12)) as pilot:
            await pilot.pause()
            for widget in (app.line, app.text):  # with the cursor drawn in each, too
                widget.focus()
                await pilot.pause()
            app.text.select_all()
            await pilot.pause()
            out = "".join(terminal)
            assert_inert(out)
            out = drawn(out)
            # the stand-ins are on screen: ␛ for ESC, ␇ for BEL, � for U+202E
            assert STAND_INS in out
            assert "second ␛]52" in out
            # and the widgets hold the exact characters
            assert app.line.value == EVIL
            assert app.text.text == f"first {EVIL}\nsecond {EVIL}"

    def test_one_stand_in_for_one_character(self) -> None:
        controls = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + BIDI
        shown = shown_line(controls)
        assert len(shown) == len(controls)
        assert not any(c in shown for c in controls)
        assert shown.startswith("␀␁") and "␛" in shown and "␡" in shown and "\ufffd" in shown
        assert shown_area_line("a\tb\x1b") == "a\tb␛"  # a TextArea lays tabs out itself
        assert shown_line("a\tb") == "a␉b"
        assert shown_line("plain") == "plain"

    @pilot_test
    async def test_input_cursor_counts_each_stand_in_as_one_cell(self, terminal: list[str]) -> None:
        app = safe_app(line="a\x1b\x07\u202eb")
        async with app.run_test(size=(80, 12)) as pilot:
            line = app.line
            line.focus()
            line.cursor_position = 4  # before "b"
            await pilot.pause()
            assert line.cursor_screen_offset.x - line.content_region.x == 4
            assert line._cell_offset_to_index(4) == 4  # a click on "b"
            assert line._cell_offset_to_index(1) == 1  # a click on ␛
            await pilot.press("X")
            assert line.value == "a\x1b\x07\u202eXb"
            await pilot.press("left", "backspace")  # deletes U+202E, as drawn
            assert line.value == "a\x1b\x07Xb"
            await pilot.pause()
            assert "a␛␇Xb" in drawn("".join(terminal))

    @pilot_test
    async def test_text_area_cursor_and_wrapping_count_stand_ins(
            self, terminal: list[str]) -> None:
        app = safe_app(text="a\x1b\x07b\n" + "\x1b" * 30 + "z")
        async with app.run_test(size=(20, 12)) as pilot:
            area = app.text
            area.focus()
            area.move_cursor((0, 3))  # before "b"
            await pilot.pause()
            assert area._cursor_offset == (3, 0)
            assert area.get_column_width(0, 3) == 3
            assert area.cell_width_to_column_index(3, 0) == 3
            await pilot.press("X")
            assert area.text.startswith("a\x1b\x07Xb\n")
            # 31 cells of line 2 do not fit in one row of a 20-column area: it wraps, and the
            # cursor at the end of its first row is as far right as that row's characters
            sections = area.wrapped_document.lines[1]
            assert len(sections) > 1 and "".join(sections) == "␛" * 30 + "z"
            await pilot.press("down", "end")
            row, column = area.cursor_location
            assert row == 1 and column == len(sections[0]) - 1  # on its last character
            assert area._cursor_offset == (column, 1)
            await pilot.pause()
            assert_inert("".join(terminal))

    @pilot_test
    async def test_text_area_unwrapped_is_as_wide_as_drawn(self) -> None:
        app = safe_app(text="\x1b" * 30)
        async with app.run_test(size=(80, 12)) as pilot:
            app.text.soft_wrap = False
            await pilot.pause()
            assert app.text.virtual_size.width == 30 + 1  # and a cell for the cursor

    @pytest.mark.parametrize("text", [
        "form\x0cfeed", "vt\x0bfs\x1cgs\x1drs\x1e", "nel\x85", "ls\u2028ps\u2029",
        "cr\ronly", "mixed\r\nand\nlf", "trailing\n", "",
    ])
    @pilot_test
    async def test_text_area_keeps_every_line_break_character(self, text: str) -> None:
        # Textual's Document splits at all of str.splitlines' breaks and joins with one newline
        app = safe_app(text=text)
        async with app.run_test(size=(40, 12)) as pilot:
            area = app.text
            assert area.text == text
            area.focus()
            area.select_all()
            await pilot.press("delete")
            assert area.text == ""
            area.undo()
            await pilot.pause()
            assert area.text == text

    @pilot_test
    async def test_pasted_line_breaks_are_new_lines(self) -> None:
        from textual import events

        app = safe_app(text="")
        async with app.run_test(size=(40, 12)) as pilot:
            app.text.focus()
            await pilot.pause()
            app.post_message(events.Paste("one\r\ntwo\rthree\nfour"))  # as the driver does
            await pilot.pause()
            assert app.text.text == "one\ntwo\nthree\nfour"


# -- the editor ----------------------------------------------------------------------------------
def toml_escape(text: str) -> str:
    out = []
    for c in text:
        if c == "\\" or c == '"':
            out.append("\\" + c)
        elif (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in BIDI:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


E = toml_escape(EVIL)
PLAN = f'''# Text that would drive the terminal, in every kind of field.

[plan]
council = "Evil District Council"
title = "Plan {E}"
as_of = 2025-09-30

[[theme]]
id = "people"
title = "Theme {E}"

[[theme.programme]]
id = "housing"
title = "Programme {E}"
lead = "Director"

[[theme.programme.action]]
id = "EV-01"
title = "Action {E}"
lead = "Lead {E}"
due = "2026-03"
status = "bogus {E}"
progress = """
Progress {E}
and a second line {E}"""
'''


class TestEditor:
    @pilot_test
    async def test_no_field_of_any_node_drives_the_terminal(
            self, tmp_path: Path, terminal: list[str]) -> None:
        path = tmp_path / "evil.toml"
        path.write_text(PLAN, encoding="utf-8")
        before = path.read_bytes()
        async with editing(path, WIDE) as pilot:
            app = pilot.app
            for node_id, title in [("people", "Theme"), ("housing", "Programme"),
                                   ("EV-01", "Action")]:
                start = len(terminal)
                await go_to(pilot, node_id)
                await settle(pilot)
                field(app, "title").focus()  # the cursor drawn in the field too
                await settle(pilot)
                shown = drawn("".join(terminal[start:]))
                assert_inert("".join(terminal))
                assert f"{title} ␛]52;c;UFdORUQ=␛\\" in shown
                assert field_text(app, "title") == f"{title} {EVIL}"
            # the action's lead, progress (multi-line) and a status not in the vocabulary
            assert field_text(app, "lead") == f"Lead {EVIL}"
            assert field_text(app, "progress") == f"Progress {EVIL}\nand a second line {EVIL}"
            assert field_text(app, "status") == f"bogus {EVIL}"
            start = len(terminal)
            field(app, "progress").focus()
            await settle(pilot)
            shown = drawn("".join(terminal[start:]))
            assert "and a second line" in shown
            assert shown.count(STAND_INS) >= 2  # its two lines (at least: the screen is redrawn)
            # the plan's own fields
            start = len(terminal)
            editor(app).jump(editor(app).plan.root, "title")
            await settle(pilot, 2)
            assert field_text(app, "title") == f"Plan {EVIL}"
            assert "Plan ␛]52;c;UFdORUQ=␛\\" in drawn("".join(terminal[start:]))
            assert_inert("".join(terminal))
            # nothing was edited by showing it; saving writes the file as it was
            assert not editor(app).doc.modified
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert_inert("".join(terminal))
        assert path.read_bytes() == before
