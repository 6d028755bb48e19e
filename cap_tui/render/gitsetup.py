"""`cap git install|uninstall|status` output: what was changed in the repository, in words."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..core.gitdriver import DRIVER, DriverStatus


def write_installed(stream: IO[str], root: Path, changed: list[str]) -> None:
    if not changed:
        stream.write(f"cap's git diff driver is already installed in {root}\n")
        return
    stream.write(f"Installed cap's git diff driver in {root}:\n")
    for line in changed:
        stream.write(f"  {line}\n")
    stream.write("Now `git diff` and `git log -p` show plans action by action "
                 "(`--no-textconv` for the TOML itself).\n"
                 "Commit .gitattributes so that clones know which files are plans; each clone "
                 "runs `cap git install` once for its own .git/config.\n")


def write_uninstalled(stream: IO[str], root: Path, removed: list[str]) -> None:
    if not removed:
        stream.write(f"cap's git diff driver is not installed in {root}\n")
        return
    stream.write(f"Uninstalled cap's git diff driver from {root}:\n")
    for line in removed:
        stream.write(f"  {line}\n")


def write_driver_status(stream: IO[str], status: DriverStatus) -> None:
    stream.write(f"diff.{DRIVER}.textconv: {status.textconv or '(not set)'}\n")
    stream.write(f"diff.{DRIVER}.xfuncname: {'set' if status.xfuncname else '(not set)'}\n")
    if status.attributes is not None:
        stream.write(".gitattributes: " + "; ".join(status.attributes) + "\n")
    else:
        stream.write(".gitattributes: (no cap block)\n")
