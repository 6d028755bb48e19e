"""The exit codes of every `cap` command, as a compiler or diff would use them.

A module of its own, importing nothing, so that the command line, each command and the tests can
share it without importing one another.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """What a command's exit status says."""

    OK = 0
    PROBLEMS = 1  # errors found in a file that was read (or, for diff, the plans differ)
    FAILURE = 2  # a file could not be read or parsed, or the command line was wrong
    INTERRUPTED = 130  # ctrl+c, as a shell reports a SIGINT
