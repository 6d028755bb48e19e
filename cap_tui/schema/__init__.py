"""The JSON Schema of the plan format, for editors (taplo, VS Code's Even Better TOML).

Kept as a plain file beside this module so that `cap schema` can print it and editors can point
at it. Reading it needs nothing beyond the standard library.
"""

from __future__ import annotations

from pathlib import Path

SCHEMA_FILE: Path = Path(__file__).with_name("cap-plan.schema.json")


def schema_text() -> str:
    """The schema file's text, exactly as shipped."""
    return SCHEMA_FILE.read_text(encoding="utf-8")
