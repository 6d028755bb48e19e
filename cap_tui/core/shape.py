"""The plan's shape, declared once: its levels, how each is written and what fields it has.

A plan is the plan itself, its themes, their work programmes and the programmes' actions. Every
module that needs to know what a level is called, where its table sits in the file, which level
holds it or what fields it has reads it here, so adding a field or renaming a level is one edit.
`Level` is a str enum: `Level.ACTION == "action"`, and it is written to JSON as "action".
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from .vocab import ACTION_FIELDS, PLAN_FIELDS, PROGRAMME_FIELDS, THEME_FIELDS, FieldSpec


class Level(StrEnum):
    """A level of the plan, from the top."""

    PLAN = "plan"
    THEME = "theme"
    PROGRAMME = "programme"
    ACTION = "action"


class LevelShape(NamedTuple):
    """How one level is written in the file and shown to people."""

    level: Level
    depth: int  # 0 for the plan, 3 for an action
    path: tuple[str, ...]  # its table's name: ("theme", "programme") for [[theme.programme]]
    header: str  # the header line a new node of this level is written with
    parent: Level | None
    child: Level | None  # the level its children are; the key that holds them in the data
    fields: tuple[FieldSpec, ...]  # its built-in fields, in the order a plan writes them
    title: str  # "Programme": a heading
    word: str  # "programme": in a sentence
    plural: str  # "programmes": in a sentence, and the name of a list of them (JSON, PlanDiff)

    @property
    def key(self) -> str:
        """The key its tables are held under: "plan" and "theme" in the file's top level,
        "programme" in a theme's data, "action" in a programme's."""
        return self.path[-1]

    @property
    def child_key(self) -> str:
        """The key that holds its children: "programme" in a theme's data, "" for an action.
        The plan's themes ("theme") are in the file's top level, beside its [plan] table."""
        return self.child.value if self.child is not None else ""


SHAPE: dict[Level, LevelShape] = {
    Level.PLAN: LevelShape(Level.PLAN, 0, ("plan",), "[plan]", None, Level.THEME, PLAN_FIELDS,
                           "Plan", "plan", "plans"),
    Level.THEME: LevelShape(Level.THEME, 1, ("theme",), "[[theme]]", Level.PLAN,
                            Level.PROGRAMME, THEME_FIELDS, "Theme", "theme", "themes"),
    Level.PROGRAMME: LevelShape(Level.PROGRAMME, 2, ("theme", "programme"),
                                "[[theme.programme]]", Level.THEME, Level.ACTION,
                                PROGRAMME_FIELDS, "Programme", "programme", "programmes"),
    Level.ACTION: LevelShape(Level.ACTION, 3, ("theme", "programme", "action"),
                             "[[theme.programme.action]]", Level.PROGRAMME, None, ACTION_FIELDS,
                             "Action", "action", "actions"),
}
LEVELS: tuple[Level, ...] = tuple(SHAPE)
NODE_LEVELS: tuple[Level, ...] = LEVELS[1:]  # the levels written as arrays of tables
BY_PATH: dict[tuple[str, ...], Level] = {s.path: s.level for s in SHAPE.values()
                                         if s.level is not Level.PLAN}
_BY_ANY_PATH: dict[tuple[str, ...], Level] = {s.path: s.level for s in SHAPE.values()}


def shape(level: str) -> LevelShape:
    """The shape of a level, given as a Level or its name."""
    return SHAPE[Level(level)]


def child_of(level: str) -> Level | None:
    return SHAPE[Level(level)].child


def depth(level: str) -> int:
    return SHAPE[Level(level)].depth


def level_of(path: Sequence[str]) -> Level | None:
    """The level whose own table is written under this name: ("plan",) -> PLAN,
    ("theme", "programme") -> PROGRAMME; None for any other table (("plan", "statuses"))."""
    return _BY_ANY_PATH.get(tuple(path))
