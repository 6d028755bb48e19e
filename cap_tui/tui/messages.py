"""Messages between cap's screens and the app: small dataclasses, posted, never direct calls."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenPlan(Message):
    """The officer chose a plan to open (in the picker): the app opens it over the picker."""

    path: str
