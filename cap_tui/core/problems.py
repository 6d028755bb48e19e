"""One problem type for every checker: the command line, the editor and the tests share it."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    """How bad a problem is: errors fail `cap validate`; warnings are what a reviewer would ask."""

    ERROR = "error"
    WARNING = "warning"


class Problem(NamedTuple):
    """Something wrong in a plan file, said so an officer can find and fix it."""

    path: str
    line: int  # 1-based; 0 when the problem is about the whole file
    col: int  # 1-based
    severity: Severity
    message: str
    node_id: str = ""
    field: str = ""

    @property
    def where(self) -> str:
        """`id.field`, or what there is of it."""
        if self.node_id and self.field:
            return f"{self.node_id}.{self.field}"
        return self.node_id or self.field

    @property
    def position(self) -> str:
        """`:line:col` after the path; "" for a problem about the whole file (line 0)."""
        return f":{self.line}:{self.col}" if self.line else ""

    def format(self) -> str:
        """`path:line:col: severity: message [id.field]`, as a compiler would say it (`path:
        severity: ...` when the problem is about the whole file)."""
        tail = f" [{self.where}]" if self.where else ""
        return f"{self.path}{self.position}: {self.severity.value}: {self.message}{tail}"

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "severity": self.severity.value,
            "message": self.message,
            "id": self.node_id,
            "field": self.field,
        }


class PlanError(Exception):
    """A file that cannot be read as a plan at all (not UTF-8, not TOML 1.0)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem
