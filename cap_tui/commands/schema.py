"""`cap schema`: print the plan format's JSON Schema, for taplo and other editors."""

from __future__ import annotations

import argparse
import sys

from ..exit import Exit


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    pass


def run(args: argparse.Namespace) -> Exit:
    from ..schema import schema_text

    sys.stdout.write(schema_text())  # the shipped file as it is: nothing to render
    return Exit.OK
