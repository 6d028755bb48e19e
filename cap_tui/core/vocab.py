"""A plan's status vocabulary and its custom fields, with cap's defaults."""

from __future__ import annotations

from typing import NamedTuple


class Status(NamedTuple):
    """One status of a plan's vocabulary. The label is always shown; the colour only helps."""

    key: str
    label: str
    colour: str
    finished: bool


DEFAULT_STATUSES: tuple[Status, ...] = (
    Status("not-started", "Not started", "grey", False),
    Status("green", "On track", "green", False),
    Status("amber", "At risk", "amber", False),
    Status("red", "Off track", "red", False),
    Status("completed", "Completed", "blue", True),
    Status("carried-forward", "Carried forward", "magenta", True),
    Status("cancelled", "Cancelled", "grey", True),
)

# What a plan may call the status a new (or newly carried) action starts with, by key or label.
_STARTING_NAMES = ("not-started", "not started", "pending", "not yet started", "planned")


def starting_status(statuses: dict[str, Status]) -> str:
    """The status an action starts with: one named like "not started" or "pending" (by key or
    label, in that order of preference), else the first unfinished status of the vocabulary.
    A plan whose vocabulary is all finished statuses (or empty) gets its first key, or ""."""
    by_name = {name.casefold(): s.key for s in statuses.values() for name in (s.key, s.label)}
    for name in _STARTING_NAMES:
        if name in by_name:
            return by_name[name]
    for s in statuses.values():
        if not s.finished:
            return s.key
    return next(iter(statuses), "")


COLOURS = ("green", "amber", "red", "blue", "grey", "magenta", "cyan", "yellow")
FIELD_TYPES = ("line", "text", "number", "date", "choice")


class FieldSpec(NamedTuple):
    """How to edit and check one field of an action."""

    key: str
    label: str
    type: str  # one of FIELD_TYPES
    required: bool = False
    choices: tuple[str, ...] = ()
    custom: bool = False


# The built-in fields of an action, in the order a plan writes them.
ACTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "Id", "line", True),
    FieldSpec("title", "Title", "line", True),
    FieldSpec("description", "Description", "text"),
    FieldSpec("lead", "Lead", "line", True),
    FieldSpec("due", "Expected completion", "due", True),
    FieldSpec("status", "Status", "status", True),
    FieldSpec("progress", "Progress update", "text"),
    FieldSpec("next_steps", "Next steps", "text"),
)
PROGRAMME_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "Id", "line", True),
    FieldSpec("title", "Title", "line", True),
    FieldSpec("kind", "Kind", "choice", False, ("programme", "projects")),
    FieldSpec("lead", "Lead", "line"),
    FieldSpec("description", "Description", "text"),
)
THEME_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "Id", "line", True),
    FieldSpec("title", "Title", "line", True),
    FieldSpec("description", "Description", "text"),
)
PLAN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("council", "Council", "line", True),
    FieldSpec("title", "Title", "line", True),
    FieldSpec("period", "Period", "line"),
    FieldSpec("vision", "Vision", "text"),
    FieldSpec("reporting_point", "Reporting point", "line"),
    FieldSpec("as_of", "As of", "date", True),
)
