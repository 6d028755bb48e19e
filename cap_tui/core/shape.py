"""The plan's shape, declared once: its levels, how each is written and what fields it has.

A plan is the plan itself, its themes, their work programmes and the programmes' actions. Every
module that needs to know what a level is called, where its table sits in the file, which level
holds it or what fields it has reads it here, so adding a field or renaming a level is one edit.
`Level` is a str enum: `Level.ACTION == "action"`, and it is written to JSON as "action".
"""

from __future__ import annotations

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


SHAPE: dict[Level, LevelShape] = {
    Level.PLAN: LevelShape(Level.PLAN, 0, ("plan",), "[plan]", None, Level.THEME, PLAN_FIELDS,
                           "Plan", "plan"),
    Level.THEME: LevelShape(Level.THEME, 1, ("theme",), "[[theme]]", Level.PLAN,
                            Level.PROGRAMME, THEME_FIELDS, "Theme", "theme"),
    Level.PROGRAMME: LevelShape(Level.PROGRAMME, 2, ("theme", "programme"),
                                "[[theme.programme]]", Level.THEME, Level.ACTION,
                                PROGRAMME_FIELDS, "Programme", "programme"),
    Level.ACTION: LevelShape(Level.ACTION, 3, ("theme", "programme", "action"),
                             "[[theme.programme.action]]", Level.PROGRAMME, None, ACTION_FIELDS,
                             "Action", "action"),
}
LEVELS: tuple[Level, ...] = tuple(SHAPE)
NODE_LEVELS: tuple[Level, ...] = LEVELS[1:]  # the levels written as arrays of tables
BY_PATH: dict[tuple[str, ...], Level] = {s.path: s.level for s in SHAPE.values()
                                         if s.level is not Level.PLAN}


def shape(level: str) -> LevelShape:
    """The shape of a level, given as a Level or its name."""
    return SHAPE[Level(level)]


def child_of(level: str) -> Level | None:
    return SHAPE[Level(level)].child


def depth(level: str) -> int:
    return SHAPE[Level(level)].depth
