"""The block scanner: where tables, keys and values are, checked against tomllib's reading."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from cap_tui.core.layout import LineIndex, scan, split_dotted, value_end
from cap_tui.core.structure import own_blocks, places

TESTS = Path(__file__).resolve().parent
SAMPLES = sorted((TESTS.parent / "plans").glob("*.toml")) + sorted((TESTS / "data").glob("*.toml"))

TRICKY = '''\
# leading comment
top = "root value" # comment
"quoted key" = 'literal'
"a=b" . c = 1
x=1#tight comment
empty = ""
tight="x"#c
spaced = "y" \t
esc2 = "a \\"b\\""  # c
ml2 = """"quoted" start"""

[ plan ]  # spaces inside the brackets
council = "C"
as_of = 1979-05-27
stamp = 1979-05-27T07:32:00Z
offset = 1979-05-27 07:32:00-08:00
clock = 07:32:00
floats = [ +inf, -1.5e3, 0.5 ]
yes = true
hash = "not # a comment"
esc = "a \\"quoted\\" word \\\\ and a \\u00e9"
ml = """
[[theme]]
key = "this is text, not a key"
# nor is this a comment
quotes at the end"""""
lit = \'\'\'
[not.a.header]
it's fine\'\'\'\'
arr = [
  "one", # comment ] with a bracket
  ["nested", "]"],
  { a = "}" },
]
inline = { name = "n", list = [1, 2], sub = { deep = "[x]" } }

["plan".fields]
team = { label = "Team" }

[[ theme ]]
id = "t"
'''


def _body(text: str, block: Any) -> dict[str, Any]:
    return tomllib.loads(text[block.body : block.end] if block.name else text[: block.end])


def _check_scan(text: str) -> None:
    blocks = scan(text)
    # the blocks cover the text, in order, with no gap
    assert blocks[0].start == 0
    assert blocks[-1].end == len(text)
    for a, b in pairwise(blocks):
        assert a.end == b.start
    for block in blocks:
        body = _body(text, block)
        if block.name:
            header = text[block.header : block.body]
            assert header.lstrip(" \t").startswith("[[" if block.is_array else "[")
            assert tomllib.loads(header) == _nest(block.name, [{}] if block.is_array else {})
        # every key of the table is an entry, and each value's extent is the whole value
        assert {e.key[0] for e in block.entries} == set(body)
        for e in block.entries:
            raw = text[e.value_start : e.value_end]
            expected: Any = body
            for part in e.key:
                expected = expected[part]
            assert tomllib.loads(f"k = {raw}")["k"] == expected, (e.key, raw)
            # after the value, only blanks and a comment up to the end of the line
            assert text[e.line_end : e.line_end + 1] in ("", "\n", "\r")
            rest = text[e.value_end : e.line_end].strip(" \t")
            assert rest == "" or rest.startswith("#")


def _nest(name: tuple[str, ...], leaf: Any) -> dict[str, Any]:
    out: Any = leaf
    for part in reversed(name):
        out = {part: out}
    return out


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scan_agrees_with_tomllib_on_samples(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    _check_scan(text)
    _check_scan(text.replace("\r\n", "\n").replace("\n", "\r\n"))


def test_scan_agrees_with_tomllib_on_tricky_text() -> None:
    _check_scan(TRICKY)
    _check_scan(TRICKY.replace("\n", "\r\n"))
    names = [b.name for b in scan(TRICKY)]
    assert names == [(), ("plan",), ("plan", "fields"), ("theme",)]


def test_text_inside_multiline_strings_is_not_structure() -> None:
    blocks = scan(TRICKY)
    plan = blocks[1]
    ml = plan.entry("ml")
    assert ml is not None
    assert TRICKY[ml.value_start : ml.value_end].endswith('quotes at the end"""""')
    lit = plan.entry("lit")
    assert lit is not None
    assert TRICKY[lit.value_start : lit.value_end].endswith("it's fine''''")
    assert [e.key for e in plan.entries if e.key[0] in ("key", "not")] == []


def test_scalar_values_end_before_blanks_and_comments() -> None:
    text = "a = 1   # one\nb = 1979-05-27 07:32:00 # dt\nc = 1979-05-27 \nd = true#c\n"
    for key, raw in [("a", "1"), ("b", "1979-05-27 07:32:00"), ("c", "1979-05-27"),
                     ("d", "true")]:
        start = text.index(f"{key} = ") + 4
        assert text[start : value_end(text, start)] == raw


def test_comment_directly_above_a_header_belongs_to_its_table() -> None:
    text = (
        "[plan]\n"
        "x = 1\n"
        "# about plan, after a blank: stays with [plan]\n"
        "\n"
        "# about the theme, part one\n"
        "# part two\n"
        "[[theme]]\n"
        "id = \"t\"\n"
    )
    plan, theme = scan(text)[1:]
    assert text[plan.start : plan.end] == (
        "[plan]\nx = 1\n# about plan, after a blank: stays with [plan]\n\n"
    )
    assert text[theme.start : theme.end] == (
        "# about the theme, part one\n# part two\n[[theme]]\nid = \"t\"\n"
    )
    assert text[theme.header : theme.body] == "[[theme]]\n"


def test_indented_keys_tabs_and_odd_spacing() -> None:
    text = '[plan]\n\tcouncil   =   "C"\t# tab\n    title="T"\n'
    plan = scan(text)[1]
    council, title = plan.entries
    assert council.key == ("council",)
    assert text[council.start : council.value_end] == 'council   =   "C"'
    assert text[council.value_end : council.line_end] == "\t# tab"
    assert text[title.start : title.value_end] == 'title="T"'


def test_file_without_final_newline() -> None:
    text = '[plan]\ncouncil = "C" # last'
    (entry,) = scan(text)[1].entries
    assert text[entry.value_start : entry.value_end] == '"C"'
    assert entry.line_end == len(text)


def test_split_dotted() -> None:
    assert split_dotted("a") == ("a",)
    assert split_dotted('a . "b c".d') == ("a", "b c", "d")
    assert split_dotted("'x.y'.z") == ("x.y", "z")
    assert split_dotted('"\\u00e9"') == ("é",)


def test_line_index() -> None:
    idx = LineIndex("ab\ncd\r\nef")
    assert idx.line_col(0) == (1, 1)
    assert idx.line_col(3) == (2, 1)
    assert idx.line_col(4) == (2, 2)
    assert idx.line_col(7) == (3, 1)


def test_places_with_a_table_between_runs_and_sub_tables(data_dir: Path) -> None:
    blocks = scan((data_dir / "between.toml").read_text(encoding="utf-8"))
    got = [(b.name, place, own) for b, (place, own) in zip(blocks, places(blocks), strict=True)]
    assert got == [
        ((), None, False),
        (("plan",), (), True),
        (("theme",), (0,), True),
        (("theme", "programme"), (0, 0), True),
        (("theme", "programme", "action"), (0, 0, 0), True),
        (("theme", "programme", "action"), (0, 0, 1), True),
        (("theme", "programme", "action", "budget"), (0, 0, 1), False),
        (("notes",), None, False),
        (("theme",), (1,), True),
        (("theme", "programme"), (1, 0), True),
        (("theme", "programme", "action"), (1, 0, 0), True),
    ]
    assert own_blocks(blocks)[(0, 0, 1)] == 5
