"""The file is sacred: Document saves exactly the bytes it must, and not one byte more.

Every test here asserts the bytes of the saved file, or the - and + lines of a diff of them.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from cap_tui.core.document import Document, EditError
from cap_tui.core.layout import scan
from cap_tui.core.model import Node
from cap_tui.core.problems import PlanError
from cap_tui.core.source import read_source

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
PLANS = TESTS.parent / "plans"


def _samples() -> list[Path]:
    """Every real plan (written by others, so globbed when the tests run) and hand-made file."""
    return sorted(PLANS.glob("*.toml")) + sorted(DATA.glob("*.toml"))


def _variants() -> list[pytest.param]:
    """Each sample as it is, and the LF ones also as CRLF, with a BOM, and with no final newline."""
    out = []
    for path in _samples():
        raw = path.read_bytes()
        name = f"{path.parent.name}/{path.name}"
        out.append(pytest.param(raw, id=name))
        if b"\r\n" not in raw:
            out.append(pytest.param(raw.replace(b"\n", b"\r\n"), id=f"{name}-crlf"))
        if not raw.startswith(b"\xef\xbb\xbf"):
            out.append(pytest.param(b"\xef\xbb\xbf" + raw, id=f"{name}-bom"))
        if raw.endswith(b"\n"):
            out.append(pytest.param(raw.rstrip(b"\r\n"), id=f"{name}-no-eol"))
    return out


def _saved(doc: Document) -> bytes:
    doc.save()
    return Path(doc.path).read_bytes()


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


# -- 1. a save with no edits writes the exact bytes ---------------------------------------------
@pytest.mark.parametrize("raw", _variants())
def test_save_without_edits_writes_the_exact_bytes(raw: bytes, open_doc: Callable) -> None:
    doc = open_doc(raw)
    assert doc.to_bytes() == raw
    assert not doc.modified
    assert _saved(doc) == raw


def test_plans_are_there_to_test() -> None:
    assert list(PLANS.glob("*.toml")), "no plans in plans/ to test against"


def test_hand_made_samples_have_what_they_are_for() -> None:
    """The sample files must keep the oddities the tests rely on (an editor may 'fix' them)."""
    comments = (DATA / "comments.toml").read_bytes()
    for needle in (b"\n\tperiod", b"council   =   ", b"\n    id = ", b"dates.due = ", b"= {label=",
                   b"= '''", b"= '", b'= """\n', b'= """Started', b"# a comment between keys",
                   b"[theme.programme.action.budget_detail]", "Ünïcödé ✓".encode(),
                   b"# a comment inside an array"):
        assert needle in comments, needle
    assert (DATA / "crlf.toml").read_bytes().count(b"\n") == (
        (DATA / "crlf.toml").read_bytes().count(b"\r\n")
    )
    bom = (DATA / "bom-no-eol.toml").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and not bom.endswith(b"\n")
    between = (DATA / "between.toml").read_text(encoding="utf-8")
    assert between.index("[[theme]]") < between.index("[notes]") < between.rindex("[[theme]]")
    assert "[theme.programme.action.budget]" in between


# -- 2. an edit changes only its own lines -------------------------------------------------------
def test_editing_one_field_changes_only_its_line(data_dir: Path, open_doc: Callable,
                                                 changed_lines: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    cases = [
        ("A-01", "lead", "Officer Uno",
         ['-lead = "Officer One"   # who leads it\n', '+lead = "Officer Uno"   # who leads it\n']),
        ("A-01", "description", "New one.\nNew two.",
         ["-Line one.\n", "-\n", '-Line three, after a blank line."""\n',
          "+New one.\n", '+New two."""\n']),
        ("A-03", "status", "green",
         ['-    status = "completed"\n', '+    status = "green"\n']),
        ("A-02", "due", "2025-07",
         ["-due = 2025-06-30\n", '+due = "2025-07"\n']),
        ("T1", "title", "Thriving Places — Ünïcödé ✓✓",
         ['-title = "Thriving Places — Ünïcödé ✓"\n', '+title = "Thriving Places — Ünïcödé ✓✓"\n']),
        ("", "council", "Testshire Council",
         ["-council   =   \"Testshire County Council\"   # odd spacing around '='\n",
          "+council   =   \"Testshire Council\"   # odd spacing around '='\n"]),
        ("", "period", "2025-26",
         ['-\tperiod = "2024-25"                     # indented with a tab\n',
          '+\tperiod = "2025-26"                     # indented with a tab\n']),
        ("", "as_of", "2024-10-31",
         ["-as_of = 2024-09-30 # the as-of date\n", '+as_of = "2024-10-31" # the as-of date\n']),
    ]
    for node_id, key, value, expected in cases:
        doc = open_doc(raw)
        node = doc.plan.find(node_id) if node_id else doc.plan.root
        assert doc.set_field(node, key, value)
        assert changed_lines(raw, _saved(doc)) == expected, (node_id, key)


@pytest.mark.parametrize("path", _samples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_action_status_edit_is_a_one_line_diff(path: Path, open_doc: Callable,
                                                    changed_lines: Callable) -> None:
    raw = path.read_bytes()
    doc = open_doc(raw)
    statuses = list(doc.plan.statuses)
    for action in list(doc.plan.actions()):
        old = action.data.get("status")
        if not isinstance(old, str):
            continue
        new = next(s for s in statuses if s != old)
        doc.set_field(action, "status", new)
        minus, plus = changed_lines(raw, doc.to_bytes())
        assert minus.startswith("-") and plus.startswith("+")
        key, value = minus[1:].split("=", 1)
        assert plus[1:] == key + "=" + value.replace(old, new, 1), action.id
        doc.undo()
        # a new key is one new line
        if "next_steps" not in action.data:
            assert doc.set_field(action, "next_steps", "Report to Cabinet.")
            lines = _skip_last_line_eol(raw, changed_lines(raw, doc.to_bytes()), doc.newline)
            assert [ln.rstrip("\r\n") for ln in lines] == ['+next_steps = "Report to Cabinet."']
            doc.undo()
    assert _saved(doc) == raw


def _skip_last_line_eol(raw: bytes, lines: list[str], newline: str) -> list[str]:
    """Without the one change a file with no final newline must have: its last line gets one."""
    if not raw.endswith(b"\n") and lines and lines[0].startswith("-"):
        assert lines[1] == "+" + lines[0][1:] + newline
        return lines[2:]
    return lines


def _comments_parts(raw: bytes) -> dict[str, str]:
    text = raw.decode("utf-8")
    a01 = text.index("# A comment directly above the first action")
    a02 = text.index("# Comment above the second action, part one.")
    a03 = text.index('[[theme.programme.action]]\n    id = "A-03"')
    t2 = text.index('[[theme]]\nid = "T2"')
    return {"head": text[:a01], "A-01": text[a01:a02], "A-02": text[a02:a03],
            "A-03": text[a03:t2], "tail": text[t2:]}


NEW_ACTION = (
    '[[theme.programme.action]]\nid = "A-04"\ntitle = ""\nlead = ""\ndue = ""\n'
    'status = "not-started"\n'
)


def test_adding_an_action_adds_only_its_lines(data_dir: Path, open_doc: Callable,
                                              changed_lines: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    p = _comments_parts(raw)
    # at the end of its programme: before the next theme, with a blank line after it
    doc = open_doc(raw)
    doc.add(doc.plan.find("P1"))
    saved = _saved(doc).decode()
    assert saved == p["head"] + p["A-01"] + p["A-02"] + p["A-03"] + NEW_ACTION + "\n" + p["tail"]
    assert all(line.startswith("+") for line in changed_lines(raw, saved))
    # after a given action: the next action's comment stays above the next action
    doc = open_doc(raw)
    doc.add(doc.plan.find("P1"), after=doc.plan.find("A-01"))
    assert _saved(doc).decode() == (
        p["head"] + p["A-01"] + NEW_ACTION + "\n" + p["A-02"] + p["A-03"] + p["tail"]
    )


def test_deleting_an_action_removes_only_its_lines(data_dir: Path, open_doc: Callable,
                                                   changed_lines: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    p = _comments_parts(raw)
    for node_id in ("A-01", "A-02", "A-03"):
        doc = open_doc(raw)
        doc.delete(doc.plan.find(node_id))
        expected = "".join(v for k, v in p.items() if k != node_id)
        saved = _saved(doc)
        assert saved.decode() == expected, node_id
        assert all(line.startswith("-") for line in changed_lines(raw, saved))
    # the last action of the file: no blank line left at the end
    doc = open_doc(raw)
    doc.delete(doc.plan.find("B-01"))
    text = raw.decode()
    assert _saved(doc).decode() == text[: text.index('\n\n[[theme.programme.action]]\nid = "B-01"')
                                        ] + "\n"


@pytest.mark.parametrize("path", _samples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_action_delete_and_add_touch_only_its_lines(path: Path, open_doc: Callable,
                                                          changed_lines: Callable) -> None:
    raw = path.read_bytes()
    doc = open_doc(raw)
    for action in list(doc.plan.actions()):
        doc.delete(action)
        lines = changed_lines(raw, doc.to_bytes())
        assert lines and all(ln.startswith("-") for ln in lines), action.id
        assert sum(ln[1:].lstrip().startswith("[[") for ln in lines) == 1, action.id
        assert any(action.id in ln for ln in lines)
        doc.undo()
        assert doc.to_bytes() == raw
        added = doc.add(action.parent, after=action)
        lines = _skip_last_line_eol(raw, changed_lines(raw, doc.to_bytes()), doc.newline)
        assert all(ln.startswith("+") for ln in lines), action.id
        body = sorted(ln[1:].rstrip("\r\n") for ln in lines if ln.strip("+\r\n"))
        assert body == sorted(["[[theme.programme.action]]", f'id = "{added.id}"', 'title = ""',
                               'lead = ""', 'due = ""', f'status = "{added.data["status"]}"'])
        assert len(lines) - len(body) <= 1  # at most the blank separator line
        doc.undo()
    assert doc.to_bytes() == raw


def test_moving_an_action_swaps_whole_tables(data_dir: Path, open_doc: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    p = _comments_parts(raw)
    doc = open_doc(raw)
    assert doc.move(doc.plan.find("A-01"), 1)
    assert _saved(doc).decode() == p["head"] + p["A-02"] + p["A-01"] + p["A-03"] + p["tail"]
    assert doc.move(doc.plan.find("A-01"), -1)
    assert _saved(doc) == raw
    assert not doc.move(doc.plan.find("A-01"), -1)  # already first


# -- 3. the tomlkit traps --------------------------------------------------------------------------
TRAP_A = """\
[plan]
council = "C"
title = "T"
as_of = 2025-03-31

[[theme]]
id = "t"
title = "T"

[[theme.programme]]
id = "p"
title = "P"

# about A-01
[[theme.programme.action]]
id = "A-01"
title = "one"

# about A-02
# (two lines)
[[theme.programme.action]]
id = "A-02"
title = "two"

# about A-03
[[theme.programme.action]]
id = "A-03"
title = "three"
"""


def test_trap_a_deleting_keeps_the_neighbours_comments(open_doc: Callable) -> None:
    doc = open_doc(TRAP_A)
    doc.delete(doc.plan.find("A-02"))
    assert _saved(doc).decode() == TRAP_A.replace(
        '# about A-02\n# (two lines)\n[[theme.programme.action]]\nid = "A-02"\ntitle = "two"\n\n',
        "",
    )
    doc = open_doc(TRAP_A)
    doc.delete(doc.plan.find("A-03"))
    assert _saved(doc).decode() == TRAP_A.replace(
        '\n# about A-03\n[[theme.programme.action]]\nid = "A-03"\ntitle = "three"\n', ""
    )
    doc = open_doc(TRAP_A)
    doc.delete(doc.plan.find("A-01"))
    assert _saved(doc).decode() == TRAP_A.replace(
        '# about A-01\n[[theme.programme.action]]\nid = "A-01"\ntitle = "one"\n\n', ""
    )


def test_trap_b_a_new_action_has_a_blank_line_before_it(data_dir: Path,
                                                       open_doc: Callable) -> None:
    files = [TRAP_A.encode(), TRAP_A.rstrip("\n").encode(), TRAP_A.encode() + b"\n",
             (data_dir / "bom-no-eol.toml").read_bytes(), (data_dir / "crlf.toml").read_bytes()]
    for raw in files:
        doc = open_doc(raw)
        nl = doc.newline
        programme = next(doc.plan.programmes())
        for after in [None, *programme.children]:
            new = doc.add(programme, after=after)
            text = doc.text()
            header = text.index(f'[[theme.programme.action]]{nl}id = "{new.id}"')
            assert text[:header].endswith(nl + nl), (raw[-20:], after)
            last = text.index(nl, text.index("status = ", header)) + len(nl)
            assert last == len(text) or text[last:].startswith(nl)  # and one after it
            doc.undo()
        assert doc.to_bytes() == raw
        doc.add(programme)
        saved = _saved(doc)
        assert not saved.endswith(nl.encode() * 2)  # nor a blank line piling up at the end
        assert tomllib.loads(saved.decode("utf-8-sig")) == doc.plan.data


def test_trap_c_strings_keep_their_style(data_dir: Path, open_doc: Callable,
                                         changed_lines: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    cases = [
        # multi-line basic stays multi-line, its text still starting on the next line
        ("A-01", "description", "Only one line", '+Only one line"""\n'),
        ("A-01", "progress", "x", '+progress = """x"""\n'),
        ("A-01", "description", 'Say "hi"', '+Say "hi""""\n'),
        # literal stays literal, backslashes and all
        ("", "title", "C:\\plans\\2024",
         "+title = 'C:\\plans\\2024'          # a literal string\n"),
        ("A-01", "team", "Team \"Q\"", "+team = 'Team \"Q\"'\n"),
        # a literal that cannot hold the value becomes basic
        ("", "title", "Council's plan",
         "+title = \"Council's plan\"          # a literal string\n"),
        # multi-line literal stays multi-line literal; becomes basic when it must
        ("A-02", "progress", "New\nlines", "+lines'''\n"),
        ("A-02", "progress", "Has ''' in it", "+Has ''' in it\"\"\"\n"),
        ("A-02", "progress", "Ends with a quote'", "+Ends with a quote''''\n"),
        ("T1", "description", "C:\\new\\path", "+C:\\new\\path'''\n"),
        # a one-line basic string given a line break becomes multi-line
        ("A-01", "lead", "a\nb", '+b"""   # who leads it\n'),
    ]
    for node_id, key, value, last_plus in cases:
        doc = open_doc(raw)
        node = doc.plan.find(node_id) if node_id else doc.plan.root
        assert doc.set_field(node, key, value)
        saved = _saved(doc)
        lines = changed_lines(raw, saved)
        assert [ln for ln in lines if ln.startswith("+")][-1] == last_plus, (key, value, lines)
        assert doc.plan.data == tomllib.loads(saved.decode())
    doc = open_doc(raw)
    doc.set_field(doc.plan.find("A-02"), "progress", "Has ''' in it")
    assert "progress = '''\nHas" not in doc.text()
    assert 'progress = """\nHas \'\'\' in it"""\n' in doc.text()
    doc.set_field(doc.plan.find("A-02"), "progress", "esc \x1b")
    assert 'progress = """\nesc \\u001b"""\n' in doc.text()


def _all_crlf(raw: bytes) -> bool:
    return re.search(rb"(?<!\r)\n", raw) is None and re.search(rb"\r(?!\n)", raw) is None


def test_trap_d_new_lines_in_a_crlf_file_are_crlf(data_dir: Path, open_doc: Callable) -> None:
    sources = [(data_dir / "crlf.toml").read_bytes(),
               (data_dir / "comments.toml").read_bytes().replace(b"\n", b"\r\n")]
    for raw in sources:
        assert _all_crlf(raw)
        doc = open_doc(raw)
        assert doc.newline == "\r\n"
        first = next(doc.plan.actions())
        steps: list[Callable[[Document, Node], object]] = [
            lambda d, a: d.set_field(a, "progress", "Line one.\nLine two.\n\nLine four."),
            lambda d, a: d.set_field(a, "title", "now\nmulti-line"),
            lambda d, a: d.set_field(a, "next_steps", "a new key"),
            lambda d, a: d.set_field(a, "extra", "a new custom key\nover two lines"),
            lambda d, a: d.set_field(a, "budget_split", {"capital": 1, "note": "x\ny"}),
            lambda d, a: d.set_field(d.plan.root, "vision", "new\nvision"),
            lambda d, a: d.add(a.parent),
            lambda d, a: d.add(a.parent, after=a),
            lambda d, a: d.add(a.parent.parent),
            lambda d, a: d.add(d.plan.root),
            lambda d, a: d.duplicate(a),
            lambda d, a: d.duplicate(a.parent.parent),
            lambda d, a: d.move(a, 1),
            lambda d, a: d.move(a.parent.parent, 1),
            lambda d, a: d.delete(a.parent.children[-1]),
        ]
        for step in steps:
            step(doc, first)
            saved = _saved(doc)
            assert _all_crlf(saved), step
            assert tomllib.loads(saved.decode("utf-8")) == doc.plan.data
        while doc.can_undo:
            doc.undo()
        assert _saved(doc) == raw


NOTES = (
    "# Notes about the plan, not part of any theme.\n[notes]\n"
    'text = "This table is between two runs of [[theme]]."\nowner = "Policy Team"\n\n'
)


def _headers(text: str) -> list[str]:
    return [".".join(b.name) + ("[]" if b.is_array else "") for b in scan(text)[1:]]


def test_trap_e_a_table_between_runs_stays_put(data_dir: Path, open_doc: Callable) -> None:
    raw = (data_dir / "between.toml").read_bytes()
    A, P, T = "theme.programme.action[]", "theme.programme[]", "theme[]"
    B = "theme.programme.action.budget"
    original = ["plan", T, P, A, A, B, "notes", T, P, A]
    assert _headers(raw.decode()) == original
    cases: list[tuple[Callable[[Document], object], list[str]]] = [
        (lambda d: d.add(d.plan.find("p-a")), ["plan", T, P, A, A, B, A, "notes", T, P, A]),
        (lambda d: d.add(d.plan.find("p-b")), ["plan", T, P, A, A, B, "notes", T, P, A, A]),
        (lambda d: d.add(d.plan.find("t-a")), ["plan", T, P, A, A, B, P, "notes", T, P, A]),
        (lambda d: d.add(d.plan.root, after=d.plan.find("t-a")),
         ["plan", T, P, A, A, B, T, "notes", T, P, A]),
        (lambda d: d.add(d.plan.root), ["plan", T, P, A, A, B, "notes", T, P, A, T]),
        (lambda d: d.delete(d.plan.find("X-02")), ["plan", T, P, A, "notes", T, P, A]),
        (lambda d: d.delete(d.plan.find("X-03")), ["plan", T, P, A, A, B, "notes", T, P]),
        (lambda d: d.delete(d.plan.find("t-a")), ["plan", "notes", T, P, A]),
        (lambda d: d.move(d.plan.find("t-b"), -1), ["plan", T, P, A, "notes", T, P, A, A, B]),
        (lambda d: d.move(d.plan.find("X-01"), 1), ["plan", T, P, A, B, A, "notes", T, P, A]),
        (lambda d: d.move_to(d.plan.find("X-03"), d.plan.find("p-a")),
         ["plan", T, P, A, A, B, A, "notes", T, P]),
        (lambda d: d.move_to(d.plan.find("X-02"), d.plan.find("p-b")),
         ["plan", T, P, A, "notes", T, P, A, A, B]),
        (lambda d: d.duplicate(d.plan.find("t-a")),
         ["plan", T, P, A, A, B, T, P, A, A, B, "notes", T, P, A]),
    ]
    for edit, headers in cases:
        doc = open_doc(raw)
        edit(doc)
        saved = _saved(doc).decode()
        assert _headers(saved) == headers
        assert saved.count(NOTES) == 1
        assert tomllib.loads(saved) == doc.plan.data
        assert doc.plan.data["notes"] == {"text": "This table is between two runs of [[theme]].",
                                          "owner": "Policy Team"}
        doc.undo()
        assert _saved(doc) == raw


# -- undo, redo, and what was saved ----------------------------------------------------------------
def test_undo_and_redo_are_byte_exact(data_dir: Path, open_doc: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    doc = open_doc(raw)
    a01 = doc.plan.find("A-01")
    doc.set_field(a01, "progress", "first")
    doc.duplicate(a01)
    doc.delete(doc.plan.find("A-03"))
    doc.move(doc.plan.find("T2"), -1)
    after = doc.to_bytes()
    while doc.can_undo:
        doc.undo()
    assert doc.to_bytes() == raw and not doc.modified
    while doc.can_redo:
        doc.redo()
    assert doc.to_bytes() == after and doc.modified
    assert tomllib.loads(after.decode()) == doc.plan.data
    # the node objects the editor holds survive: a01 is still the action in the tree
    assert doc.plan.find("A-01") is a01


def test_a_node_deleted_and_brought_back_is_the_same_object(data_dir: Path,
                                                             open_doc: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    doc = open_doc(raw)
    theme = doc.plan.find("T1")
    doc.set_field(theme, "description", "")
    doc.delete(theme)
    doc.undo()
    assert doc.plan.find("T1") is theme
    doc.undo()  # the field change refers to the theme object: it must still be in the tree
    assert tomllib.loads(doc.text()) == doc.plan.data
    assert doc.to_bytes() == raw


def test_duplicate_copies_the_tables_with_new_ids(data_dir: Path, open_doc: Callable,
                                                  changed_lines: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    doc = open_doc(raw)
    copy = doc.duplicate(doc.plan.find("A-01"))
    assert copy.id == "A-04"
    saved = _saved(doc)
    p = _comments_parts(raw)
    assert saved.decode() == (
        p["head"] + p["A-01"] + p["A-01"].replace('id = "A-01"', 'id = "A-04"') + p["A-02"]
        + p["A-03"] + p["tail"]
    )
    assert tomllib.loads(saved.decode()) == doc.plan.data
    doc = open_doc(raw)
    copy = doc.duplicate(doc.plan.find("P1"))
    assert [c.id for c in copy.children] == ["A-04", "A-05", "A-06"]
    assert tomllib.loads(_saved(doc).decode()) == doc.plan.data


def test_an_edit_that_would_misplace_keys_is_refused(data_dir: Path, open_doc: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    doc = open_doc(raw)
    a01 = doc.plan.find("A-01")
    with pytest.raises(EditError):  # written as [theme.programme.action.budget_detail]
        doc.set_field(a01, "budget_detail", "x")
    with pytest.raises(EditError):  # the programme's actions are tables of their own
        doc.set_field(doc.plan.find("P1"), "action", "x")
    with pytest.raises(EditError):
        doc.set_field(doc.plan.root, "statuses", {})
    assert doc.to_bytes() == raw and not doc.can_undo
    # a table value is written inline, in its table, not as a [header] that would move keys
    doc.set_field(a01, "dates", {"due": "2025-04"})
    saved = _saved(doc)
    assert b'dates = {due = "2025-04"}\n' in saved
    assert tomllib.loads(saved.decode()) == doc.plan.data


def test_locate_gives_line_and_column(data_dir: Path, open_doc: Callable) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    doc = open_doc(raw)
    lines = raw.decode().split("\n")
    a01 = doc.plan.find("A-01")
    line, col = doc.locate(a01, "lead")
    assert lines[line - 1][col - 1 :].startswith('lead = "Officer One"')
    line, col = doc.locate(doc.plan.root, "period")
    assert lines[line - 1][col - 1 :].startswith('period = "2024-25"') and col == 2
    doc.delete(doc.plan.find("T1"))
    lines = doc.text().split("\n")
    line, col = doc.locate(doc.plan.find("B-01"), "status")
    assert lines[line - 1][col - 1 :] == 'status = "green"'


# -- 6. atomic save --------------------------------------------------------------------------------
def test_save_is_atomic_and_keeps_permissions(data_dir: Path, plan_file: Callable) -> None:
    path = plan_file((data_dir / "comments.toml").read_bytes(), "plan.toml")
    os.chmod(path, 0o640)
    inode = os.stat(path).st_ino
    doc = Document.load(path)
    doc.set_field(doc.plan.find("A-01"), "status", "completed")
    doc.save()
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_ino != inode  # written beside, then renamed over the old file
    assert sorted(os.listdir(path.parent)) == ["plan.toml"]
    assert path.read_bytes() == doc.to_bytes()
    assert not doc.modified and not doc.changed_on_disk()


def test_a_failed_save_leaves_the_old_file_and_no_temporary(
    data_dir: Path, plan_file: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = (data_dir / "comments.toml").read_bytes()
    path = plan_file(raw, "plan.toml")
    doc = Document.load(path)
    doc.set_field(doc.plan.find("A-01"), "status", "completed")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        doc.save()
    assert path.read_bytes() == raw
    assert sorted(os.listdir(path.parent)) == ["plan.toml"]
    assert doc.modified


def test_changed_on_disk(data_dir: Path, plan_file: Callable) -> None:
    path = plan_file((data_dir / "comments.toml").read_bytes())
    doc = Document.load(path)
    assert not doc.changed_on_disk()
    path.write_bytes(path.read_bytes() + b"# someone else\n")
    assert doc.changed_on_disk()


# -- 7. files cap will not read ------------------------------------------------------------
def test_a_file_that_is_not_utf8_names_the_bad_byte(plan_file: Callable) -> None:
    path = plan_file(b'[plan]\ncouncil = "Caf\xc3\xa9 \xe9"\n')  # Latin-1 é after a UTF-8 é
    with pytest.raises(PlanError) as exc:
        Document.load(path)
    problem = exc.value.problem
    assert (problem.line, problem.col) == (2, 17)
    assert "UTF-8" in problem.message and "0xe9" in problem.message


def test_malformed_toml_gives_tomllib_line_and_column(plan_file: Callable) -> None:
    path = plan_file('[plan]\ncouncil = "C"\ntitle = = "T"\n')
    with pytest.raises(PlanError) as exc:
        Document.load(path)
    assert (exc.value.problem.line, exc.value.problem.col) == (3, 9)
    assert exc.value.problem.message.startswith("not valid TOML")
    assert "TOML 1.1" not in exc.value.problem.message


@pytest.mark.parametrize("text", [
    '[plan]\nstatuses = { a = 1,\n  b = 2 }\n',  # an inline table over two lines
    '[plan]\ncouncil = "a\\eb"\n',  # the \e escape
    '[plan]\nstatuses = { a = 1, }\n',  # a trailing comma in an inline table
])
def test_toml_11_syntax_is_refused_and_named(text: str, plan_file: Callable) -> None:
    with pytest.raises(PlanError) as exc:
        Document.load(plan_file(text))
    assert "TOML 1.1" in exc.value.problem.message
    assert exc.value.problem.line == 2


def test_read_source_reports_bom_and_newline(data_dir: Path) -> None:
    source = read_source(data_dir / "bom-no-eol.toml")
    assert source.bom and source.newline == "\n" and not source.text.startswith("\ufeff")
    assert read_source(data_dir / "crlf.toml").newline == "\r\n"


def test_typing_a_new_last_line_keeps_the_closing_quotes_where_they_were(open_doc) -> None:
    """Enter, then more text, typed key by key (merged into one undo step): the closing quotes
    stay on the text's last line, as the file wrote them; an entry whose quotes had a line of
    their own keeps that."""
    src = ('[plan]\ncouncil = "C"\ntitle = "T"\nas_of = 2025-01-01\n\n[[theme]]\nid = "t"\n'
           'title = "T"\n\n[[theme.programme]]\nid = "p"\ntitle = "P"\n\n'
           '[[theme.programme.action]]\nid = "A"\ntitle = "A"\nprogress = """\nold"""\n'
           'next_steps = """\nsteps\n"""\n')
    doc = open_doc(src)
    node = doc.plan.find("A")
    for typed in ("old\n", "old\nn", "old\nne", "old\nnew"):
        doc.set_field(node, "progress", typed, merge=True)
    for typed in ("steps\nm", "steps\nmo"):
        doc.set_field(node, "next_steps", typed, merge=True)
    assert doc.text().endswith('progress = """\nold\nnew"""\nnext_steps = """\nsteps\nmo\n"""\n')
    doc.undo()
    doc.undo()
    assert doc.text() == src
