"""The renderers on their own: core results in, text out, with no command line around them."""

from __future__ import annotations

import io

from cap_tui.core.problems import Problem, Severity
from cap_tui.render.problems import report, write_checked, write_problems, write_problems_json
from cap_tui.render.terminal import Out, write_bytes

BAD = Problem("p.toml", 3, 9, Severity.ERROR, "title \x1b[31m[bold]x", "P-01", "title")
ODD = Problem("p.toml", 4, 1, Severity.WARNING, "no lead", "P-02", "lead")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_problem_is_one_compiler_line_with_plan_text_made_safe():
    # GIVEN a message holding an escape sequence and markup WHEN it is written, plain and coloured
    plain, coloured, stderr = io.StringIO(), io.StringIO(), io.StringIO()
    write_problems(Out(stream=plain, colour=False), [BAD, ODD])
    write_problems(Out(stream=coloured, colour=True), [BAD])
    report(BAD, stderr)
    # THEN each is one line; the ESC is shown as \x1b, the markup as typed
    first = "p.toml:3:9: error: title \\x1b[31m[bold]x [P-01.title]"
    assert plain.getvalue() == first + "\np.toml:4:1: warning: no lead [P-02.lead]\n"
    assert stderr.getvalue() == first + "\n"
    assert "\x1b[31m[bold]" not in coloured.getvalue() and "[bold]x" in coloured.getvalue()


def test_the_count_is_silent_only_for_a_clean_run_in_a_pipe():
    for errors, warnings, quiet, expected in [
        (0, 0, False, ""),
        (0, 2, True, ""),
        (0, 2, False, "2 files checked: 0 errors, 2 warnings\n"),
        (1, 0, True, "2 files checked: 1 error, 0 warnings\n"),
    ]:
        stream = io.StringIO()
        write_checked(2, errors, warnings, quiet, stream)
        assert stream.getvalue() == expected
    on_tty = Tty()
    write_checked(1, 0, 0, False, on_tty)
    assert on_tty.getvalue() == "1 file checked: 0 errors, 0 warnings\n"


def test_problems_as_json_escape_c1_controls():
    stream = io.StringIO()
    write_problems_json(stream, [BAD._replace(message="CSI \x9b31m")], 1, 1, 0)
    assert "\\u009b" in stream.getvalue() and "\x9b" not in stream.getvalue()


def test_bytes_go_out_as_they_are():
    class Binary(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.buffer = io.BytesIO()

    binary, text = Binary(), io.StringIO()
    write_bytes(b"caf\xc3\xa9 \xff\n", binary)
    write_bytes(b"caf\xc3\xa9 \xff\n", text)
    assert binary.buffer.getvalue() == b"caf\xc3\xa9 \xff\n"
    assert text.getvalue() == "café \udcff\n"
