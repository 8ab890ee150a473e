"""The draft: a commentary file as plain data (times as text), its tracks, rows and checks.

The *draft* is the commentary file exactly as it would be written to YAML (times as text,
``"01:02.5"``), not a model: an educator's half-typed or invalid edit must survive, be saved
to the draft file and be shown next to its row, which a model (that refuses invalid values)
could not hold. Validation is ``trackfile.check_data`` on the draft: the same checks and
messages as the CLI and the Watch page, without writing the draft as YAML first.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from ..ids import slug
from ..model import CommentaryFile, Episode, to_data
from ..timecode import format_time, parse_time
from ..trackfile import LoadResult, check_data

Draft = dict[str, Any]
TABLES = ("episodes", "cues", "prompts", "chapters")
COLUMNS: dict[str, tuple[str, ...]] = {
    "episodes": (
        "onset", "resolved_at", "id", "title", "type", "markers", "salience", "resolution",
        "alliance", "commentary",
    ),
    "cues": ("start", "end", "text", "lens", "episode", "presenter_notes", "id"),
    "prompts": (
        "at", "id", "question", "kind", "options", "expected", "reveal", "episode", "rewind_to",
    ),
    "chapters": ("start", "title", "id"),
    "repairs": ("at", "strategies", "depth", "directness", "note"),
}  # fmt: skip
TIME_FIELDS = frozenset({"start", "end", "onset", "resolved_at", "at", "rewind_to"})
LIST_FIELDS = frozenset({"markers", "alliance", "options", "strategies"})
# Required text: kept as "" when emptied, so the error stays on its row instead of the row
# silently losing the field.
REQUIRED = {
    "episodes": {"id", "type", "onset"},
    "cues": {"start", "text"},
    "prompts": {"id", "at", "question"},
    "chapters": {"start", "title"},
    "repairs": {"at"},
}
MAIN_TIME = {"episodes": "onset", "cues": "start", "prompts": "at", "chapters": "start"}
END_TIME = {"episodes": "resolved_at", "cues": "end"}
PROBLEM_COLUMN = "problem"


def time_cell(value: Any) -> str:
    """A stored time as the table shows it (``mm:ss.mmm``); unparseable text is kept as is.

    >>> time_cell("3"), time_cell("01:02.5"), time_cell(None), time_cell("soon")
    ('00:03.000', '01:02.500', '', 'soon')
    """
    if value is None or value == "":
        return ""
    try:
        return format_time(parse_time(value))
    except (ValueError, TypeError):
        return str(value)


_EMPHASIS = re.compile(r"\*\*|__|[*`]")


def one_line(text: str, limit: int) -> str:
    """``text`` as one line of at most ``limit`` characters, for a list entry: Markdown's
    emphasis marks dropped (a list shows them as typed), spaces and line breaks made single
    spaces, and a cut shown by "…" rather than letters clipped at the box's edge.

    >>> one_line("**Markers:** client\\n defends  `self`", 40)
    'Markers: client defends self'
    >>> one_line("The therapist defends the method", 20)
    'The therapist defen…'
    """
    flat = " ".join(_EMPHASIS.sub("", text).split())
    return flat if len(flat) <= limit else flat[: max(0, limit - 1)].rstrip() + "…"


def ms_text(ms: int) -> str:
    """Milliseconds as the draft stores a time (never a bare number: YAML numbers are seconds).

    >>> ms_text(3040), ms_text(60000)
    ('00:03.04', '01:00')
    """
    return format_time(max(0, int(ms)), compact=True)


def time_ms(value: Any) -> int | None:
    try:
        return parse_time(value)
    except (ValueError, TypeError):
        return None


def draft_from_doc(doc: CommentaryFile) -> Draft:
    return to_data(doc)


def new_draft(video: str, title: str) -> Draft:
    """A new commentary file for ``video`` (a path relative to media/) with one empty track."""
    return {
        "version": 1,
        "video": video,
        "title": title or "Untitled",
        "tracks": [{"id": "expert", "name": "Expert"}],
    }


def draft_yaml(draft: Draft) -> str:
    return yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=96)


def validate(
    draft: Draft,
    *,
    name: str = "draft.yaml",
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> LoadResult:
    """Check the draft as the file it would become, without writing it as YAML first
    (the page checks at every rerun; dumping a 2,000-cue draft cost ~1 s)."""
    return check_data(draft, name=name, vocabulary=vocabulary, duration_ms=duration_ms)


def tracks(draft: Draft) -> list[dict[str, Any]]:
    value = draft.get("tracks")
    return [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []


def items(draft: Draft, table: str, track: int = 0) -> list[dict[str, Any]]:
    """The rows of ``table`` (chapters belong to the file; the rest to track ``track``)."""
    if table == "chapters":
        holder: Any = draft
    else:
        ts = tracks(draft)
        if not 0 <= track < len(ts):
            return []
        holder = ts[track]
    value = holder.get(table)
    return value if isinstance(value, list) else []


def with_items(draft: Draft, table: str, track: int, rows: list[dict[str, Any]]) -> Draft:
    """A copy of the draft with ``table``'s rows replaced (an empty table is left out)."""
    out = copy.deepcopy(draft)
    holder = out if table == "chapters" else out["tracks"][track]
    if rows:
        holder[table] = rows
    else:
        holder.pop(table, None)
    return out


def add_track(draft: Draft, name: str) -> tuple[Draft, int]:
    """The draft with a new empty track called ``name``, and the new track's index."""
    out = copy.deepcopy(draft)
    taken = {str(t.get("id")) for t in tracks(out)}
    tid = slug(name, taken, "track", lower=True)
    out.setdefault("tracks", []).append({"id": tid, "name": name or tid})
    return out, len(out["tracks"]) - 1


def ordered(row: dict[str, Any], table: str) -> dict[str, Any]:
    """Fields in the documented order (id first), unknown ones after: stable YAML diffs."""
    order = {
        "episodes": list(Episode.model_fields),
        "repairs": ["at", "strategies", "depth", "directness", "note"],
        "cues": ["id", "start", "end", "lens", "episode", "text", "presenter_notes"],
        "prompts": [
            "id", "at", "question", "kind", "options", "expected", "reveal", "episode",
            "rewind_to",
        ],
        "chapters": ["id", "start", "title"],
    }[table]  # fmt: skip
    return {k: row[k] for k in order if k in row} | {k: v for k, v in row.items() if k not in order}
