"""`cap schema`: print the plan format's JSON Schema, for taplo and other editors."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from ..schema import schema_text

    sys.stdout.write(schema_text())
    return 0
