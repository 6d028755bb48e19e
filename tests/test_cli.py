"""`cap list`, `cap get`, `cap set` and how every command writes to a terminal or a pipe."""

from __future__ import annotations

import argparse
import difflib
import importlib
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cap_tui.cli import COMMANDS, main
from cap_tui.commands import check as check_cmd
from cap_tui.commands import listing as list_cmd
from cap_tui.commands import status as status_cmd
from cap_tui.exit import Exit
from cap_tui.render.terminal import Out, safe, use_colour

DATA = Path(__file__).resolve().parent / "data_cli"
SMALL = DATA / "small.toml"
CUSTOM = DATA / "custom.toml"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def cap(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def copy(tmp_path: Path, source: Path = SMALL, name: str = "") -> Path:
    target = tmp_path / (name or source.name)
    shutil.copyfile(source, target)
    return target


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


# -- cap list --------------------------------------------------------------------------------------
SMALL_LIST = [  # statuses by the plan's labels, as everywhere else
    "P-01  On track         2025-03      Housing Team  Open the new hostel",
    "P-02  At risk          2024-10    ! Housing Team  Review allocations",
    "P-03  Completed        2024-06-30   Policy Unit   Publish the housing strategy",
    "Q-01  Off track        2024-12-15   Parks Team    Plant 500 trees",
    "Q-02  On track         ongoing      Parks Team    Resurface the park paths",
    "Q-03  Carried forward  2024-09      Estates       Close the old depot",
    "Q-04  Not started      2025-01      Estates       Refit the pavilion",
]


def test_list_one_line_per_action(capsys):
    code, out, err = cap(capsys, "list", str(SMALL))
    assert (code, err) == (0, "")
    assert out.splitlines() == SMALL_LIST


def ids(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines()]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "green"], ["P-01", "Q-02"]),
        (["--status", "GREEN"], ["P-01", "Q-02"]),
        (["--status", "on track"], ["P-01", "Q-02"]),  # the label, any case
        (["--status", "Carried Forward", "--status", "red"], ["Q-01", "Q-03"]),
        (["--lead", "team"], ["P-01", "P-02", "Q-01", "Q-02"]),
        (["--lead", "PARKS"], ["Q-01", "Q-02"]),
        (["--overdue"], ["P-02"]),
        (["--overdue", "--today", "2025-02-01"], ["P-02", "Q-01", "Q-04"]),
        (["--due-within", "30"], ["Q-01"]),
        (["--due-within", "62"], ["Q-01", "Q-04"]),
        (["--due-within", "60", "--today", "2025-02-01"], ["P-01"]),
        (["--status", "green", "--lead", "parks"], ["Q-02"]),
        (["--status", "cancelled"], []),
    ],
)
def test_list_filters(capsys, args, expected):
    code, out, _ = cap(capsys, "list", str(SMALL), *args)
    assert code == 0
    assert ids(out) == expected


def test_list_marks_overdue_against_today(capsys):
    _, out, _ = cap(capsys, "list", str(SMALL), "--today", "2025-02-01", "--lead", "estates")
    assert out.splitlines() == [  # the due column as wide as its widest date
        "Q-03  Carried forward  2024-09   Estates  Close the old depot",
        "Q-04  Not started      2025-01 ! Estates  Refit the pavilion",
    ]


def test_list_unknown_status_exits_2(capsys):
    code, out, err = cap(capsys, "list", str(SMALL), "--status", "purple")
    assert (code, out) == (2, "")
    assert err == (f'cap: {SMALL}: no status "purple"; the plan\'s statuses are: Not started '
                   "(not-started), On track (green), At risk (amber), Off track (red), Completed "
                   "(completed), Carried forward (carried-forward), Cancelled (cancelled)\n")


def test_list_json(capsys):
    code, out, _ = cap(capsys, "list", "--json", str(SMALL), "--lead", "parks")
    assert code == 0
    actions = json.loads(out)["actions"]
    assert actions[0] == {
        "path": str(SMALL), "id": "Q-01", "title": "Plant 500 trees", "lead": "Parks Team",
        "due": "2024-12-15", "due_end": "2024-12-15", "status": "red",
        "status_label": "Off track", "finished": False, "overdue": False, "theme": "Place",
        "theme_id": "place", "programme": "Parks and Open Spaces", "programme_id": "parks",
    }
    assert (actions[1]["id"], actions[1]["due"], actions[1]["due_end"]) == ("Q-02", "ongoing",
                                                                           None)


def test_list_json_overdue_follows_today(capsys):
    _, out, _ = cap(capsys, "list", "--json", str(SMALL), "--today", "2025-02-01")
    overdue = [a["id"] for a in json.loads(out)["actions"] if a["overdue"]]
    assert overdue == ["P-02", "Q-01", "Q-04"]


def test_list_several_files_prefix_the_path(capsys):
    code, out, _ = cap(capsys, "list", str(CUSTOM), str(SMALL), "--lead", "housing")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [
        f"{CUSTOM}:KA.01.01", f"{CUSTOM}:KA.01.02", f"{SMALL}:P-01", f"{SMALL}:P-02"]
    # the columns still line up
    assert len({re.search(r"\s{2,}\S", line).end() for line in lines}) == 1
    assert len({re.search(r"\d{4}-\d\d", line).start() for line in lines}) == 1


def test_list_status_by_label_of_a_declared_vocabulary(capsys):
    _, out, _ = cap(capsys, "list", str(CUSTOM), "--status", "behind schedule")
    assert ids(out) == ["KA.01.02"]


def test_list_unreadable_and_not_a_plan(tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text("x = 1\n")
    code, out, err = cap(capsys, "list", str(other), str(SMALL))
    assert code == 1 and ids(out) == [f"{SMALL}:P-01", *ids(out)[1:]] and len(ids(out)) == 7
    assert err.startswith(f"{other}:1:1: error: this is not a cap plan")
    code, _, err = cap(capsys, "list", str(tmp_path / "missing.toml"))
    assert code == 2 and err.startswith(f"{tmp_path / 'missing.toml'}: error: cannot read")


# -- cap get ---------------------------------------------------------------------------------------
def test_get_prints_the_value(capsys):
    assert cap(capsys, "get", str(CUSTOM), "KA.01.01", "lead") == (
        0, "Housing Strategy Manager\n", "")
    assert cap(capsys, "get", str(CUSTOM), "KA.01.01", "progress")[1] == (
        "74 homes have started on site.\n\nThe rest have planning consent.\n")
    assert cap(capsys, "get", str(CUSTOM), "KA.01.01", "budget")[1] == "2500000\n"
    assert cap(capsys, "get", str(CUSTOM), "KA.01.01", "next_review")[1] == "2025-12-01\n"
    assert cap(capsys, "get", str(CUSTOM), "plan", "as_of")[1] == "2025-10-31\n"
    assert cap(capsys, "get", str(CUSTOM), "KA.01", "title")[1] == "Homes\n"


def test_get_json(capsys):
    def get(*args: str) -> object:
        code, out, _ = cap(capsys, "get", "--json", str(CUSTOM), *args)
        assert code == 0
        return json.loads(out)

    assert get("KA.01.01", "budget") == 2500000
    assert get("KA.01.01", "next_review") == "2025-12-01"
    assert get("KA.01.03", "due") == "2025-11-21"
    assert get("KA.01.01", "progress") == (
        "74 homes have started on site.\n\nThe rest have planning consent.")
    assert get("plan", "statuses")["done"] == {"label": "Completed", "colour": "blue",
                                               "finished": True}
    assert get("KA.01.02", "next_steps") is None  # a field it may have, but does not


def test_get_a_field_that_is_not_set_prints_nothing(capsys):
    assert cap(capsys, "get", str(CUSTOM), "KA.01.02", "budget") == (0, "\n", "")


def test_get_errors(capsys):
    assert cap(capsys, "get", str(CUSTOM), "NOPE", "lead") == (
        1, "", f'cap: {CUSTOM}: no theme, programme or action has id "NOPE"\n')
    assert cap(capsys, "get", str(CUSTOM), "KA.01.01", "colour") == (
        1, "", f'cap: {CUSTOM}: KA.01.01 has no field "colour"\n')
    code, _, err = cap(capsys, "get", str(DATA / "missing.toml"), "KA.01.01", "lead")
    assert code == 2 and f"{DATA / 'missing.toml'}: error: cannot read the file" in err


# -- cap set ---------------------------------------------------------------------------------------
def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(keepends=True),
                                after.decode().splitlines(keepends=True), n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


@pytest.mark.parametrize(
    ("node", "field", "value", "old", "new"),
    [
        ("P-01", "status", "amber", 'status = "green"\n', 'status = "amber"\n'),
        ("P-01", "status", "Off Track", 'status = "green"\n', 'status = "red"\n'),
        ("P-01", "due", "2025-06", 'due = "2025-03"\n', 'due = "2025-06"\n'),
        ("P-01", "due", "2025-06-30", 'due = "2025-03"\n', "due = 2025-06-30\n"),
        ("P-03", "due", "ongoing", "due = 2024-06-30\n", 'due = "ongoing"\n'),
        ("P-02", "progress", 'Said "yes".', 'progress = "Consultation extended."\n',
         'progress = "Said \\"yes\\"."\n'),
        ("housing", "title", "Homes", 'title = "Housing"\n', 'title = "Homes"\n'),
        ("plan", "as_of", "2024-12-31", "as_of = 2024-11-30\n", "as_of = 2024-12-31\n"),
    ],
)
def test_set_changes_only_that_line(tmp_path, capsys, node, field, value, old, new):
    path = copy(tmp_path)
    before = path.read_bytes()
    code, out, _ = cap(capsys, "set", str(path), node, field, value)
    assert (code, out) == (0, "")
    assert changed_lines(before, path.read_bytes()) == [f"-{old}", f"+{new}"]


def test_set_adds_a_missing_field(tmp_path, capsys):
    path = copy(tmp_path)
    before = path.read_bytes()
    assert cap(capsys, "set", str(path), "P-01", "progress", "Started.")[0] == 0
    assert changed_lines(before, path.read_bytes()) == ['+progress = "Started."\n']
    text = path.read_text()
    assert line_of(text, 'progress = "Started."') == line_of(text, 'status = "green"') + 1


def test_set_custom_fields(tmp_path, capsys):
    path = copy(tmp_path, CUSTOM)
    before = path.read_bytes()
    for field, value in (("budget", "1,250,000"), ("next_review", "2026-01-05"),
                         ("portfolio", "Finance"), ("team", "Housing Options Team")):
        assert cap(capsys, "set", str(path), "KA.01.01", field, value)[0] == 0
    assert changed_lines(before, path.read_bytes()) == [
        '-team = "Housing Strategy"\n', '-portfolio = "Housing"\n', "-budget = 2500000\n",
        "-next_review = 2025-12-01\n",
        '+team = "Housing Options Team"\n', '+portfolio = "Finance"\n', "+budget = 1250000\n",
        "+next_review = 2026-01-05\n",
    ]


def test_set_to_the_same_value_leaves_the_file_alone(tmp_path, capsys):
    path = copy(tmp_path)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    for args in (("P-01", "status", "green"), ("P-01", "status", "On Track"),
                 ("P-03", "due", "2024-06-30"), ("P-01", "due", "2025-03")):
        assert cap(capsys, "set", str(path), *args) == (0, "", "")
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize(
    ("source", "node", "field", "value", "message"),
    [
        (SMALL, "P-01", "status", "purple", '"purple" is not a status of this plan; use one of: '
         '"Not started" (not-started), "On track" (green), "At risk" (amber), "Off track" '
         '(red), "Completed", "Carried forward" (carried-forward), "Cancelled"'),
        (SMALL, "P-01", "due", "March", '"March" is not an expected completion: write a month '
         '("2025-03"), a date (2025-03-31) or "ongoing"'),
        (SMALL, "P-01", "due", "2025-02-30", '"2025-02-30" is not a real date'),
        (SMALL, "plan", "as_of", "30/11/2024", '"30/11/2024" is not a date: write it as '
         "YYYY-MM-DD"),
        (CUSTOM, "KA.01.01", "budget", "lots", '"lots" is not a number (write digits, like '
         "2500000 or 1149250.50)"),
        (CUSTOM, "KA.01.01", "portfolio", "Parks", '"Parks" is not one of: Housing, Finance'),
        (CUSTOM, "KA.01.01", "team", "two\nlines", "this field holds one line of text"),
    ],
)
def test_set_refuses_a_bad_value_and_writes_nothing(tmp_path, capsys, source, node, field,
                                                    value, message):
    path = copy(tmp_path, source)
    before = path.read_bytes()
    code, out, err = cap(capsys, "set", str(path), node, field, value)
    assert (code, out) == (1, "")
    key = field + " ="
    text = before.decode()
    line = line_of(text, key, 2 if source == CUSTOM else 1)  # CUSTOM declares its fields first
    where = f"{node}.{field}" if node != "plan" else field
    assert err == f"{path}:{line}:1: error: {message} [{where}]\n"
    assert path.read_bytes() == before


def test_set_refuses_a_value_that_makes_an_error(tmp_path, capsys):
    path = copy(tmp_path)
    before = path.read_bytes()
    code, _, err = cap(capsys, "set", str(path), "P-01", "lead", "  ")
    assert code == 1
    line = line_of(before.decode(), 'lead = "Housing Team"')
    assert err == (f"{path}:{line}:1: error: action's lead is empty [P-01.lead]\n"
                   f"cap: {path}: not saved\n")
    assert path.read_bytes() == before


def test_set_saves_with_a_warning(tmp_path, capsys):
    path = copy(tmp_path)
    code, _, err = cap(capsys, "set", str(path), "P-01", "lead", "?")
    assert code == 0
    line = line_of(path.read_text(), 'lead = "?"')
    assert err == (f'{path}:{line}:1: warning: lead "?" has no letters in it: who leads this '
                   "action? [P-01.lead]\n")


def test_set_missing_id(tmp_path, capsys):
    path = copy(tmp_path)
    before = path.read_bytes()
    assert cap(capsys, "set", str(path), "P-99", "status", "green") == (
        1, "", f'cap: {path}: no theme, programme or action has id "P-99"\n')
    assert path.read_bytes() == before


def test_set_reads_stdin(tmp_path, capsys, monkeypatch):
    path = copy(tmp_path)
    before = path.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO("First paragraph.\n\nSecond paragraph.\n"))
    assert cap(capsys, "set", str(path), "P-02", "progress", "-") == (0, "", "")
    changed = changed_lines(before, path.read_bytes())
    assert changed[0] == '-progress = "Consultation extended."\n'
    # a multi-line string, with or without a line break just after its opening quotes
    assert "".join(x[1:] for x in changed[1:]).replace('= """\n', '= """') == (
        'progress = """First paragraph.\n\nSecond paragraph."""\n')
    assert cap(capsys, "get", str(path), "P-02", "progress")[1] == (
        "First paragraph.\n\nSecond paragraph.\n")


def test_set_keeps_crlf(tmp_path, capsys, monkeypatch):
    path = tmp_path / "crlf.toml"
    path.write_bytes(SMALL.read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("One.\nTwo.\n"))
    assert cap(capsys, "set", str(path), "P-02", "progress", "-")[0] == 0
    assert cap(capsys, "set", str(path), "P-01", "status", "red")[0] == 0
    assert cap(capsys, "set", str(path), "P-01", "next_steps", "Report in March.")[0] == 0
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b'One.\r\nTwo."""\r\n' in raw
    assert b'status = "red"\r\nnext_steps = "Report in March."\r\n' in raw


def test_set_keeps_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert cap(capsys, "set", str(path), "P-01", "status", "red")[0] == 0
    assert path.read_bytes().startswith(b"\xef\xbb\xbf# A small")


def test_set_on_an_unreadable_file(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[plan\n")
    code, _, err = cap(capsys, "set", str(path), "P-01", "status", "red")
    assert code == 2
    assert err.startswith(f"{path}:1:6: error: not valid TOML: ")
    assert path.read_text() == "[plan\n"


# -- output manners --------------------------------------------------------------------------------
MARKUP_TITLE = "Fix [bold]roads[/bold] [@click=app.quit]now[/] [red]"


def markup_plan(tmp_path: Path) -> Path:
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace('title = "Open the new hostel"', f'title = "{MARKUP_TITLE}"')
    text = text.replace('title = "Review allocations"',
                        'title = "Clear \\u001b[2J\\u001b]0;pwned\\u0007 screen \\u009b31m"')
    text = text.replace('lead = "Estates"', 'lead = "Estates \\u001b[5m[blink]"')
    path = tmp_path / "markup.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_markup_in_data_prints_literally_when_piped(tmp_path, capsys):
    path = markup_plan(tmp_path)
    for args in (["list", str(path)], ["status", str(path), "--today", "2025-04-01",
                                       "--by", "lead"]):
        _, out, _ = cap(capsys, *args)
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
        assert "Fix [bold]roads[/bo" in out
    _, out, _ = cap(capsys, "list", str(path))
    assert MARKUP_TITLE in out
    assert "Clear \\x1b[2J\\x1b]0;pwned\\x07 screen \\x9b31m" in out
    assert "Estates \\x1b[5m[blink]" in out


def test_control_characters_never_reach_the_terminal_from_get_or_json(tmp_path, capsys):
    path = markup_plan(tmp_path)
    _, out, _ = cap(capsys, "get", str(path), "P-02", "title")
    assert out == "Clear \\x1b[2J\\x1b]0;pwned\\x07 screen \\x9b31m\n"
    for args in (["get", "--json", str(path), "P-02", "title"], ["list", "--json", str(path)],
                 ["status", "--json", str(path)]):
        _, out, _ = cap(capsys, *args)
        assert "\x1b" not in out and "\x9b" not in out
    _, out, _ = cap(capsys, "get", "--json", str(path), "P-02", "title")
    assert json.loads(out) == "Clear \x1b[2J\x1b]0;pwned\x07 screen \x9b31m"  # exact, escaped


def _ns(module, name: str, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser, name)
    ns = parser.parse_args(list(argv))
    ns.command = name
    return ns


@pytest.mark.parametrize(
    ("module", "name", "argv"),
    [
        (list_cmd, "list", ["--today", "2025-04-01"]),
        (status_cmd, "status", ["--today", "2025-04-01", "--by", "lead"]),
        (status_cmd, "status", ["--by", "theme"]),
        (check_cmd, "validate", ["--today", "2025-04-01"]),
    ],
)
def test_coloured_output_never_interprets_data(tmp_path, capsys, module, name, argv):
    path = markup_plan(tmp_path)
    buf = io.StringIO()
    module.run(_ns(module, name, str(path), *argv), out=Out(stream=buf, colour=True))
    out = buf.getvalue()
    assert SGR.search(out), "colour was forced on: there should be colour codes"
    plain = SGR.sub("", out)
    assert "\x1b" not in plain and "\x9b" not in plain and "\x07" not in plain
    if name == "list":
        assert MARKUP_TITLE in plain
        assert "Clear \\x1b[2J\\x1b]0;pwned\\x07 screen \\x9b31m" in plain
    if name == "status" and "--today" in argv:  # P-01, with the markup title, is overdue
        assert "Fix [bold]roads[/bo" in plain
    capsys.readouterr()


def test_coloured_output_matches_the_plain_text(capsys):
    for module, name in ((list_cmd, "list"), (status_cmd, "status")):
        plain, coloured = io.StringIO(), io.StringIO()
        module.run(_ns(module, name, str(SMALL)), out=Out(stream=plain, colour=False))
        module.run(_ns(module, name, str(SMALL)), out=Out(stream=coloured, colour=True))
        assert SGR.sub("", coloured.getvalue()) == plain.getvalue()
        assert "\x1b" not in plain.getvalue()
    capsys.readouterr()


def test_use_colour_honours_no_color_and_dumb_terminals(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_colour(Tty()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert use_colour(Tty()) is False


def test_safe_shows_control_characters():
    assert safe("a\x1b[31mb\x9bc\x7f") == "a\\x1b[31mb\\x9bc\\x7f"
    assert safe("two\nlines\tand tab") == "two lines and tab"
    assert safe("two\nlines\tand tab", one_line=False) == "two\nlines\tand tab"


def _run_cap(args: list[str], env: dict[str, str], tty: bool) -> str:
    """Run the installed command with stdout a pipe, or a pseudo-terminal when `tty`."""
    command = [sys.executable, "-m", "cap_tui.cli", *args]
    if not tty:
        return subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=60).stdout
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child has gone and closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path):
    path = str(markup_plan(tmp_path))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    args = ["list", path, "--today", "2025-04-01"]
    piped = _run_cap(args, env, tty=False)
    on_tty = _run_cap(args, env, tty=True)
    no_color = _run_cap(args, {**env, "NO_COLOR": "1"}, tty=True)
    assert "\x1b" not in piped and MARKUP_TITLE in piped
    assert SGR.search(on_tty)
    assert "\x1b" not in no_color
    plain = SGR.sub("", on_tty)
    assert "\x1b" not in plain and "Fix [bold]roads[/bo" in plain


# -- the command line's contract -------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted({module for module, _help in COMMANDS.values()}))
def test_every_command_answers_with_an_exit_code(name):
    module = importlib.import_module(f"cap_tui.commands.{name}")
    assert callable(module.add_arguments)
    assert inspect.signature(module.run).return_annotation in ("Exit", Exit)


def test_main_returns_an_exit(capsys):
    code, _, _ = cap(capsys, "list", str(SMALL))
    assert code is Exit.OK
    code, _, _ = cap(capsys, "validate", str(DATA / "nowhere.toml"))
    assert code is Exit.FAILURE


@pytest.mark.parametrize("argv", [["--bogus"], ["-"], ["--bogus", "status"]])
def test_an_option_cap_does_not_have_is_a_usage_error(capsys, argv):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == Exit.FAILURE
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: cap ") and "\ncap: " in err
    assert "Traceback" not in err
