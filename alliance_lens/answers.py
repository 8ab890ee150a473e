"""How an answer naming several options (multi and marker prompts) is kept and compared.

The store has one ``choice`` column; several chosen options go into it as a JSON list of the
labels the learner saw, so a choice prompt's plain string and a multi answer never collide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

SEVERAL_KINDS = frozenset({"multi", "marker"})


def encode(chosen: Sequence[str]) -> str:
    """The ``choice`` column's value for several chosen options (in the order given)."""
    return json.dumps(list(chosen), ensure_ascii=False)


def decode(choice: str | None) -> tuple[str, ...] | None:
    """The options in a stored multi answer; None when ``choice`` is a single choice."""
    if not choice or not choice.startswith("["):
        return None
    try:
        value = json.loads(choice)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def shown(choice: str) -> str:
    """A stored choice as people read it: several options joined by "; "."""
    several = decode(choice)
    return choice if several is None else "; ".join(several) or "(none)"


def correct_labels(
    kind: str, correct: Sequence[str], label: Callable[[str], str]
) -> tuple[str, ...]:
    """The expert's options as the learner saw them (a marker prompt shows markers' labels)."""
    return tuple(label(c) for c in correct) if kind == "marker" else tuple(correct)


def verdict(chosen: Sequence[str], correct: Sequence[str]) -> str:
    """How several chosen options compare with the expert's: "" without an expert answer."""
    if not correct:
        return ""
    mine, theirs = set(chosen), set(correct)
    if mine == theirs:
        return "✓ the same as the expert"
    parts = [f"{len(mine & theirs)} of {len(theirs)} of the expert's"]
    if theirs - mine:
        parts.append("missed: " + "; ".join(c for c in correct if c not in mine))
    if mine - theirs:
        parts.append("not the expert's: " + "; ".join(c for c in chosen if c not in theirs))
    return " · ".join(parts)
