"""Validation problems placed on the table rows (and repair rows) the author can fix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import Problem
from .draft import TABLES

_PATH_PART = re.compile(r"\.?([A-Za-z_]+)|\[(\d+)\]")


def parse_field_path(text: str) -> tuple[str | int, ...]:
    """``tracks[0].cues[2].start`` -> ``('tracks', 0, 'cues', 2, 'start')``."""
    return tuple(int(m[2]) if m[2] is not None else m[1] for m in _PATH_PART.finditer(text or ""))


@dataclass
class RowProblems:
    """Validation messages placed where the author can act on them."""

    rows: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # table -> row -> msgs
    repairs: dict[int, dict[int, list[str]]] = field(default_factory=dict)  # episode -> row
    other: list[Problem] = field(default_factory=list)  # file/track level, or other tracks

    def count(self) -> int:
        return sum(len(v) for rows in self.rows.values() for v in rows.values()) + sum(
            len(v) for rows in self.repairs.values() for v in rows.values()
        )


def map_problems(problems: Iterable[Problem], track: int = 0) -> RowProblems:
    """Group problems by (table, row) of track ``track``; the rest go to ``other``."""
    out = RowProblems()
    for p in problems:
        path = parse_field_path(p.field)
        label = "" if p.is_error else "warning: "
        placed = False
        if len(path) >= 3 and path[0] == "chapters" and isinstance(path[1], int):
            out.rows.setdefault("chapters", {}).setdefault(path[1], []).append(
                f"{label}{_field_msg(path[2:], p.message)}"
            )
            placed = True
        elif (
            len(path) >= 4
            and path[:2] == ("tracks", track)
            and path[2] in TABLES
            and isinstance(path[3], int)
        ):
            table, row, rest = str(path[2]), path[3], path[4:]
            if table == "episodes" and len(rest) >= 2 and rest[0] == "repairs":
                if isinstance(rest[1], int):
                    out.repairs.setdefault(row, {}).setdefault(rest[1], []).append(
                        f"{label}{_field_msg(rest[2:], p.message)}"
                    )
                rest = ("repairs",) + tuple(rest[2:3])
            out.rows.setdefault(table, {}).setdefault(row, []).append(
                f"{label}{_field_msg(rest, p.message)}"
            )
            placed = True
        if not placed:
            out.other.append(p)
    return out


def _field_msg(rest: tuple[str | int, ...], message: str) -> str:
    name = next((str(x) for x in rest if isinstance(x, str)), "")
    return f"{name}: {message}" if name else message


_EMPTY = re.compile(r"^(\w+): \w+ should have at least 1 character; found ''$")
_ASK = {
    "text": "Write the cue text (below).",
    "question": "Write the question (below).",
    "reveal": "Write the commentary revealed after answering (below).",
    "title": "Give it a title (below).",
}


def in_words(message: str) -> str:
    """A row's problem as the selected item's editor says it: what to do, not the rule.

    >>> in_words("text: text should have at least 1 character; found ''")
    'Write the cue text (below).'
    >>> in_words("type: required field is missing")
    'Choose the rupture type: withdrawal (away from) or confrontation (against).'
    >>> in_words("onset: after the end of the video")
    'onset: after the end of the video'
    """
    if message == "type: required field is missing":
        return "Choose the rupture type: withdrawal (away from) or confrontation (against)."
    empty = _EMPTY.match(message)
    return _ASK.get(empty[1], message) if empty else message
