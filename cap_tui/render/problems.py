"""Problems as `cap validate` writes them: `path:line:col: severity: message [id.field]`
(`path: severity: ...` for a problem about the whole file, such as one that cannot be read).

One line per problem on stdout (the severity coloured on a terminal), a count on stderr, or JSON
for tools. Every command that reports a problem on stderr (`cap status`, `cap list`, `cap set`)
writes it the same way, through `report`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO

from ..core.problems import Problem, Severity
from .terminal import Out, plural, safe, write_json


def report(problem: Problem, stream: IO[str] | None = None) -> None:
    """A problem on stderr, plain, as `cap validate` writes it."""
    (stream or sys.stderr).write(safe(problem.format()) + "\n")


def write_problems(out: Out, problems: Iterable[Problem]) -> None:
    """One line per problem: the severity in colour on a terminal, plan text made safe."""
    for p in problems:
        style = "bold red" if p.severity is Severity.ERROR else "yellow"
        head = f"{safe(p.path)}{p.position}: "
        tail = f" [{safe(p.where)}]" if p.where else ""
        out.line(head, (p.severity.value, style), f": {safe(p.message)}{tail}")


def write_problems_json(stream: IO[str], problems: Iterable[Problem], files: int, errors: int,
                        warnings: int) -> None:
    """`{"problems": [...], "files": N, "errors": N, "warnings": N}`."""
    write_json(stream, {"problems": [p.as_json() for p in problems], "files": files,
                        "errors": errors, "warnings": warnings})


def write_checked(files: int, errors: int, warnings: int, quiet: bool,
                  stream: IO[str] | None = None) -> None:
    """`3 files checked: 1 error, 0 warnings` on stderr: always on a terminal, and in a pipe
    when there is something to say (a clean run in a script stays silent)."""
    stream = stream or sys.stderr
    if stream.isatty() or errors or (warnings and not quiet):
        stream.write(f"{plural(files, 'file')} checked: {plural(errors, 'error')}, "
                     f"{plural(warnings, 'warning')}\n")
