"""`cap history`: an action through the plan's git history, in real git repositories."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cap_tui.cli import main
from cap_tui.core.history import Reader, Version, action_history, history_all
from cap_tui.core.model import Plan
from cap_tui.core.source import decode, parse_toml

DATA = Path(__file__).resolve().parent / "data_diff"
ALICE = ("Alice Smith", "alice@example.org")
BOB = ("Bob Jones", "bob@example.org")


class Repo:
    """A throwaway repository whose commits have fixed authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("-c", "init.defaultBranch=main", "init", "-q")
        self.path = "plans/test.toml"

    def git(self, *args: str, who: tuple[str, str] = ALICE, when: str = "2024-04-01") -> str:
        stamp = f"{when}T09:00:00+01:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
               "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1],
               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True,
                              text=True)
        assert proc.returncode == 0 or args[0] == "merge", proc.stderr
        return proc.stdout

    @property
    def file(self) -> Path:
        return self.root / self.path

    def edit(self, *pairs: str) -> None:
        text = self.file.read_text()
        for old, new in zip(pairs[::2], pairs[1::2], strict=True):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        self.file.write_text(text)

    def commit(self, message: str, who: tuple[str, str], when: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-qm", message, who=who, when=when)
        return self.git("rev-parse", "HEAD").strip()


def _status(aid: str, old: str, new: str) -> tuple[str, str]:
    return (f'id = "{aid}"', f'id = "{aid}"') if old == new else (old, new)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A year of one plan: two authors, a rename, moves, a deletion, branches and merges."""
    r = Repo(tmp_path_factory.mktemp("history") / "repo")
    (r.root / "plans").mkdir()
    r.file.write_bytes((DATA / "old.toml").read_bytes())
    r.commit("Start of year plan", ALICE, "2024-04-02")
    r.edit('due = "2025-03"\nstatus = "in-progress"\nprogress', 'due = "2025-03"\nstatus = '
           '"amber"\nprogress', 'due = "2025-07"', 'due = "2025-09"')
    r.commit("Q1 update", BOB, "2024-06-30")
    r.git("mv", "plans/test.toml", "plans/testshire.toml")
    r.path = "plans/testshire.toml"
    r.commit("Rename the plan file", ALICE, "2024-07-15")
    r.edit('status = "amber"\nprogress', 'status = "green"\nprogress')
    # ENV-01 moves from net-zero to housing; COM-03 gets a new title
    text = r.file.read_text()
    env01 = text[text.index("[[theme.programme.action]]\nid = \"ENV-01\""):]
    text = text.replace(env01, "")
    text = text.replace('[[theme.programme]]\nid = "health"', env01 + '\n[[theme.programme]]\n'
                        'id = "health"')
    r.file.write_text(text.replace('title = "Family Hubs"', 'title = "Family Hubs: phase 2"'))
    r.commit("Q2 update", BOB, "2024-09-30")
    r.edit('status = "green"\nprogress', 'status = "amber"\nprogress')
    text = r.file.read_text()
    com04 = text[text.index('[[theme.programme.action]]\nid = "COM-04"'):
                 text.index('[[theme]]\nid = "environment"')]
    r.file.write_text(text.replace(com04, ""))
    r.commit("COM-04 dropped", ALICE, "2024-10-15")
    text = r.file.read_text()
    r.file.write_text(text.replace('title = "Community Health & Well-Being"\n',
                                   'title = "Community Health & Well-Being"\n\n'
                                   + com04.replace('"amber"', '"not-started"')))
    r.commit("COM-04 back, restarted", ALICE, "2024-11-01")
    # a branch changes COM-02 while main changes COM-01: a clean merge
    r.git("checkout", "-qb", "side")
    r.edit('status = "green"\nbudget', 'status = "completed"\nbudget')
    r.commit("COM-02 done", BOB, "2024-11-10")
    r.git("checkout", "-q", "main")
    r.edit('status = "amber"\nprogress', 'status = "green"\nprogress',
           "This is going to Scrutiny", "This went to Scrutiny")
    r.commit("COM-01 back on track", ALICE, "2024-11-12")
    r.git("merge", "-q", "--no-edit", "side", when="2024-11-20")
    # both sides change COM-03's lead; the merge settles on a third
    r.git("checkout", "-qb", "side2")
    r.edit('lead = "Customer Insights Team"', 'lead = "Team X"')
    r.commit("COM-03 to team X", BOB, "2024-12-01")
    r.git("checkout", "-q", "main")
    r.edit('lead = "Customer Insights Team"', 'lead = "Team Y"')
    r.commit("COM-03 to team Y", ALICE, "2024-12-02")
    r.git("merge", "-q", "--no-edit", "side2", when="2024-12-05")
    r.edit("<<<<<<< HEAD\n", "", 'lead = "Team Y"\n=======\nlead = "Team X"\n>>>>>>> side2\n',
           'lead = "Team Z"\n')
    r.commit("Merge side2: COM-03 to team Z", ALICE, "2024-12-05")
    # a commit that breaks the file, and the one that mends it
    r.edit('as_of = 2024-11-30', 'as_of = 2024-11-31')
    r.commit("Oops", BOB, "2025-01-10")
    r.edit('as_of = 2024-11-31', 'as_of = 2025-01-10', 'status = "green"\nprogress',
           'status = "completed"\nprogress')
    r.commit("Fix the date; COM-01 done", BOB, "2025-01-11")
    return r


def _rows(entries: list) -> list[tuple[str, str, str]]:
    return [(e.subject, e.change, e.author) for e in entries]


def test_one_action_through_the_year(repo: Repo) -> None:
    entries = action_history(repo.root, repo.path, "COM-01")
    assert _rows(entries) == [
        ("Start of year plan", "added", "Alice Smith"),
        ("Q1 update", "changed", "Bob Jones"),
        ("Q2 update", "changed", "Bob Jones"),
        ("COM-04 dropped", "changed", "Alice Smith"),
        ("COM-01 back on track", "changed", "Alice Smith"),
        ("Oops", "unreadable", "Bob Jones"),
        ("Fix the date; COM-01 done", "changed", "Bob Jones"),
    ]
    statuses = [(e.before.status if e.before else None, e.after.status if e.after else None)
                for e in entries]
    assert statuses == [(None, "in-progress"), ("in-progress", "amber"), ("amber", "green"),
                        ("green", "amber"), ("amber", "green"), (None, None),
                        ("green", "completed")]
    assert entries[1].field("status").new_text == "At risk"
    assert entries[0].day == "2024-04-02" and entries[1].path == "plans/test.toml"
    assert entries[2].path == "plans/testshire.toml"  # followed through the rename
    assert [f.key for f in entries[4].fields] == ["status", "progress"]
    assert "as_of" in entries[5].error or "date" in entries[5].error
    # the commit after the broken one is compared with the last version that parsed
    assert [f.key for f in entries[6].fields] == ["status"]


def test_slipped_expected_completion_and_a_branch(repo: Repo) -> None:
    entries = action_history(repo.root, repo.path, "COM-02")
    assert _rows(entries) == [("Start of year plan", "added", "Alice Smith"),
                              ("Q1 update", "changed", "Bob Jones"),
                              ("COM-02 done", "changed", "Bob Jones"),
                              ("Oops", "unreadable", "Bob Jones")]
    due = entries[1].field("due")
    assert (due.old_text, due.new_text, due.direction, due.delta) == (
        "2025-07", "2025-09", "later", "2 months")
    assert not any(e.merge for e in entries)  # the clean merge did not change COM-02 itself


def test_moved_renamed_deleted_and_readded(repo: Repo) -> None:
    env = action_history(repo.root, repo.path, "ENV-01")
    assert [(e.subject, e.moved) for e in env] == [("Start of year plan", False),
                                                   ("Q2 update", True), ("Oops", False)]
    assert (env[1].before.programme, env[1].after.programme) == ("net-zero", "housing")
    assert (env[1].before.theme, env[1].after.theme) == ("environment", "communities")
    com3 = action_history(repo.root, repo.path, "COM-03")
    assert com3[1].subject == "Q2 update" and com3[1].field("title").new == \
        "Family Hubs: phase 2"
    com4 = action_history(repo.root, repo.path, "COM-04")
    assert [(e.subject, e.change) for e in com4] == [
        ("Start of year plan", "added"), ("COM-04 dropped", "removed"),
        ("COM-04 back, restarted", "added"), ("Oops", "unreadable")]
    assert com4[2].after.status == "not-started"


def test_a_merge_that_settles_a_conflict_is_a_change(repo: Repo) -> None:
    com3 = action_history(repo.root, repo.path, "COM-03")
    leads = [(e.subject, e.merge, e.before.lead if e.before else None,
              e.after.lead if e.after else None) for e in com3 if e.field("lead")]
    assert leads == [
        ("COM-03 to team X", False, "Customer Insights Team", "Team X"),
        ("COM-03 to team Y", False, "Customer Insights Team", "Team Y"),
        ("Merge side2: COM-03 to team Z", True, "Team Y", "Team Z"),
    ]


def test_every_action_in_one_table(repo: Repo) -> None:
    lines = {t.id: t for t in history_all(repo.root, repo.path)}
    assert lines["COM-01"].statuses == ["in-progress", "amber", "green", "amber", "green",
                                        "completed"]
    assert lines["COM-01"].changes == 6
    assert lines["COM-02"].statuses == ["green", "completed"]
    assert lines["COM-02"].slipped == 1
    assert lines["COM-04"].statuses == ["amber", "(removed)", "not-started"]
    assert lines["ENV-01"].moves == 1
    assert all(t.present for t in lines.values())
    assert list(lines)[:3] == ["COM-01", "COM-02", "COM-03"]


def test_unknown_id_and_not_a_repository(repo: Repo, tmp_path: Path) -> None:
    assert action_history(repo.root, repo.path, "NOPE-1") == []
    code, _, err = _cap(repo.root, "history", "NOPE-1", repo.path)
    assert code == 1 and "NOPE-1" in err
    (tmp_path / "p.toml").write_bytes((DATA / "old.toml").read_bytes())
    code, _, err = _cap(tmp_path, "history", "COM-01", "p.toml")
    assert code == 2 and "not in a git repository" in err


def _cap(cwd: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def test_command_line(repo: Repo) -> None:
    code, out, err = _cap(repo.root, "history", "COM-01", repo.path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "COM-01 Review the Homelessness Strategy"
    assert "2024-06-30  " in out and "Bob Jones  Q1 update" in out
    assert any(ln.split() == ["status", "In", "progress", "->", "At", "risk"] for ln in lines)
    assert any(ln.startswith("  progress  ") and "[-is going-]{+went+}" in ln for ln in lines)
    assert lines[-2] == ("Status: In progress -> At risk -> On track -> At risk -> On track -> "
                         "Completed")
    assert lines[-1] == "Expected completion: 2025-03 (never slipped)"
    assert all(len(ln) <= 80 for ln in lines)
    code, out, _ = _cap(repo.root, "history", "--json", "COM-02", repo.path)
    doc = json.loads(out)
    assert [e["change"] for e in doc["entries"]] == ["added", "changed", "changed",
                                                     "unreadable"]
    assert doc["entries"][1]["fields"][0]["direction"] == "later"
    code, out, _ = _cap(repo.root, "history", "--all", repo.path)
    assert code == 0
    row = next(ln for ln in out.splitlines() if ln.startswith("COM-01"))
    assert row.endswith("in-progress -> amber -> green -> amber -> green -> completed")
    code, out, _ = _cap(repo.root, "history", "--all", "--json", repo.path)
    assert json.loads(out)["actions"][0]["id"] == "COM-01"
    # the plan found on its own when plans/ holds one
    code, out, _ = _cap(repo.root, "history", "COM-02")
    assert code == 0 and out.startswith("COM-02 Temporary Accommodation")


def test_the_editor_shows_what_cap_history_prints(repo: Repo) -> None:
    # one renderer (render/history.py) draws both; the editor adds colour, never other words
    from cap_tui.tui.screens.review import action_history_text

    code, out, _ = _cap(repo.root, "history", "COM-02", repo.path)
    assert code == 0
    shown = action_history_text(SimpleNamespace(path=str(repo.file)), "COM-02", 80)
    assert shown.plain.rstrip("\n") == out.rstrip("\n")


def test_history_from_a_subfolder_and_an_earlier_revision(repo: Repo) -> None:
    code, out, err = _cap(repo.root / "plans", "history", "--rev", "HEAD~3", "COM-01",
                          "testshire.toml")
    assert code == 0, err
    assert "Oops" not in out and "COM-01 back on track" in out


# -- the shortcuts read exactly what tomllib reads ---------------------------------------------
TRICKY = [
    # a line inside a string that looks like a header
    ('progress = """\nThis is going', 'progress = """\n[[theme.programme.action]]\nThis is going'),
    ('progress = """\nThis is going', 'progress = """\n[x]\nThis is going'),
    # headers written with spaces, or indented
    ('[[theme.programme]]\nid = "health"', '[[ theme.programme ]]\nid = "health"'),
    ('[[theme.programme.action]]\nid = "COM-02"', '  [[theme.programme.action]]\nid = "COM-02"'),
    # a sub-table of an action, and [plan] tables after the themes
    ('budget = 1400000\n', 'budget = 1400000\n\n[theme.programme.action.extra]\nnote = "x"\n'),
    ('[plan.fields]\nteam = { label = "Team", type = "line" }\n'
     'budget = { label = "Budget (£)", type = "number" }\n', ''),
    # an id written with an escape, and an id that is part of another
    ('id = "COM-03"', 'id = "COM\\u002d03"'),
    ('id = "COM-04"', 'id = "COM-0"'),
    # CRLF line endings, a byte-order mark
    ("\n", "\r\n"),
]


def _seen(v: Version | None) -> tuple | None:
    if v is None:
        return None
    return v.meta, {k: (dict(r.data), r.programme, r.theme) for k, r in v.actions.items()}


def _versions(raw: bytes, only: frozenset[str] | None, reader: Reader | None = None
              ) -> tuple[tuple | None, tuple]:
    """What the shortcut reads (None: it gave up) and what tomllib reads."""
    reader = reader or Reader("p.toml")
    text = b"\n" + (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
    return _seen(reader._split(text, only)), _seen(reader._whole(raw, only))


@pytest.mark.parametrize("old,new", TRICKY)
def test_shortcuts_agree_with_tomllib(old: str, new: str) -> None:
    text = (DATA / "old.toml").read_text().replace("\n[plan.fields]", "\n[plan.fields]")
    if old == "\n":
        text = text.replace(old, new)
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    for raw in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        data = parse_toml(decode("p.toml", raw))
        plan = Plan("p.toml", data)
        ids = {a.id for a in plan.actions()}
        for only in (None, frozenset({"COM-02"}), frozenset({"COM-03", "ENV-01"}),
                     frozenset({"COM-0"}), frozenset(ids)):
            split, whole = _versions(raw, only)
            assert split is None or split == whole, (old, only)
            assert _seen(Reader("p.toml").version(raw, only)) == whole


def test_shortcuts_are_taken_on_ordinary_plans() -> None:
    paths = [DATA / "old.toml", DATA / "new.toml",
             *sorted((DATA.parent.parent / "plans").glob("*.toml"))]
    for path in paths:
        raw = path.read_bytes()
        plan = Plan(str(path), parse_toml(decode(str(path), raw)))
        ids = [a.id for a in plan.actions()]
        split, whole = _versions(raw, frozenset(ids[:1]))
        assert split == whole, path
        split, whole = _versions(raw, None)
        assert split == whole, path


def test_one_reader_through_many_versions_agrees_with_tomllib() -> None:
    """The walk that reuses the last version's pieces, through edits of every kind and back."""
    base = (DATA / "old.toml").read_text()
    texts = [base, (DATA / "new.toml").read_text(), base]
    for old, new in TRICKY:
        texts.append(base.replace(old, new, 1) if old != "\n" else base.replace(old, new))
        texts.append(base)
    texts.append(base.replace('status = "green"', 'status = "red"'))
    texts.append(base.replace('[[theme]]\nid = "environment"', '[[theme]]\nid = "env"'))
    texts.append("")
    texts.append(base[: base.index('[[theme]]\nid = "environment"')])  # the last theme cut
    texts.append(base)
    sub_table = base.replace("budget = 1400000\n",
                             'budget = 1400000\n\n[theme.programme.action.extra]\nnote = "x"\n')
    for only in (None, frozenset({"COM-02"}), frozenset({"ENV-01", "COM-04"})):
        for seq in (texts, texts[::-1], [sub_table, base]):
            reader = Reader("p.toml")
            for text in seq:
                raw = text.encode("utf-8")
                assert _seen(reader.version(raw, only)) == _versions(raw, only)[1]


def test_a_file_never_committed(repo: Repo) -> None:
    (repo.root / "plans" / "draft.toml").write_bytes((DATA / "new.toml").read_bytes())
    code, _, err = _cap(repo.root, "history", "COM-01", "plans/draft.toml")
    assert code == 2 and "plans/draft.toml has no history in git" in err
    (repo.root / "plans" / "draft.toml").unlink()


PIECE = st.sampled_from([b"", b"a", b"[x]]\nk = 1", b"[y]]\nk = 2\n", b"plan]\n", b"z\n\n",
                         b"[x]]\nk = 1\n", b"\n", b"["])


@settings(max_examples=150, deadline=None)
@given(versions=st.lists(st.lists(PIECE, max_size=30), min_size=1, max_size=6))
def test_the_walk_cuts_exactly_where_split_does(versions: list[list[bytes]]) -> None:
    reader = Reader("p.toml")
    for pieces in versions:
        text = b"\n[".join(pieces)
        assert reader._parts(text) == text.split(b"\n[")
    for pieces in reversed(versions):  # and back, through the same reader
        text = b"\n[".join(pieces)
        assert reader._parts(text) == text.split(b"\n[")
