"""`python -m cap_tui.core.verify PATH`: check a quickly-read plan in a process of its own.

The editor opens a large plan read by rtoml (fastread) and checks it with tomllib, rtoml and
its own layout scan once the screen is up: a second or more of work for 5,000 actions. In a
thread it took turns with the editor for Python's lock, and every key typed meanwhile waited;
here it runs beside it. The plan's bytes, as the editor read them, come on standard input (the
file may have changed since); the verdict goes to standard output: nothing when the readers
agree, else the problem to show. Exit status 0 either way; anything else means it could not
check.
"""

from __future__ import annotations

import sys

from .fastread import verify_source
from .problems import PlanError
from .source import decode


def main() -> None:
    path = sys.argv[1]
    raw = sys.stdin.buffer.read()
    try:
        problem = verify_source(decode(path, raw))
    except PlanError as exc:
        problem = exc.problem.format()
    sys.stdout.write(problem or "")


if __name__ == "__main__":
    main()
