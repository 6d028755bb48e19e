"""Expected completion as councils write it: a month, a date, or "ongoing"."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FY_RE = re.compile(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})")


class Due(NamedTuple):
    """A parsed expected completion. `end` is the last day it can be met; None when ongoing."""

    kind: str  # "month", "date" or "ongoing"
    end: date | None

    def label(self) -> str:
        if self.end is None:
            return "ongoing"
        if self.kind == "month":
            return self.end.strftime("%Y-%m")
        return self.end.isoformat()


ONGOING = Due("ongoing", None)


def parse_due(value: object) -> Due:
    """Read a `due` value. Raises ValueError with an officer-readable reason."""
    if isinstance(value, datetime):
        raise ValueError(f"{value.isoformat()} has a time of day: write the date alone, like "
                         f"{value.date().isoformat()}")
    if isinstance(value, date):
        return Due("date", value)
    if not isinstance(value, str):
        raise ValueError('expected completion must be a month ("2025-03"), a date or "ongoing"')
    return _parse_due_text(value)


@lru_cache(maxsize=1024)
def _parse_due_text(value: str) -> Due:
    """A written `due`: a plan repeats a few (its months), read once each. (A Due is immutable;
    a ValueError is raised again at each call, never kept.)"""
    text = value.strip()
    if text.lower() == "ongoing":
        return ONGOING
    m = _MONTH_RE.fullmatch(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f'"{value}" is not a month: months run 01 to 12')
        if year < 1:
            raise ValueError(f'"{value}" is not a real month')
        try:
            following = date(year + month // 12, month % 12 + 1, 1)
        except ValueError:
            raise ValueError(f'"{value}" is not a month cap can count to') from None
        return Due("month", date.fromordinal(following.toordinal() - 1))
    m = _DATE_RE.fullmatch(text)
    if m:
        try:
            return Due("date", date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            raise ValueError(f'"{value}" is not a real date') from None
    raise ValueError(
        f'"{value}" is not an expected completion: write a month ("2025-03"), '
        'a date (2025-03-31) or "ongoing"'
    )


def parse_date(text: str) -> date:
    """A date typed by a person: YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f'"{text}" is not a date: write it as YYYY-MM-DD') from None


def financial_year(period: str) -> tuple[date, date] | None:
    """ "2024-25" -> 1 April 2024 to 31 March 2025 (a UK council's financial year)."""
    m = _FY_RE.fullmatch(period.strip())
    if not m:
        return None
    start = int(m.group(1))
    end_text = m.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end < start:
        end += 100
    if end != start + 1 or not 1 <= start < end <= 9999:
        return None
    return date(start, 4, 1), date(end, 3, 31)
