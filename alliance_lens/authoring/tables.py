"""The draft's tables for the editor grid (pandas): a round trip that loses no field.

Tables show times as ``mm:ss.mmm``; ``to_frame``/``from_frame`` keep every field a table does
not show (e.g. an episode's repairs).
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from .draft import (
    COLUMNS,
    LIST_FIELDS,
    PROBLEM_COLUMN,
    REQUIRED,
    TIME_FIELDS,
    Draft,
    items,
    ordered,
    time_cell,
    time_ms,
    with_items,
)


def _cell(name: str, value: Any) -> Any:
    if name in TIME_FIELDS:
        return time_cell(value)
    if name in LIST_FIELDS:
        return [str(v) for v in value] if isinstance(value, list) else []
    if name == "salience":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return "" if value is None else str(value)


def to_frame(
    draft: Draft,
    table: str,
    track: int = 0,
    problems: dict[int, list[str]] | None = None,
    *,
    episode: int | None = None,
) -> pd.DataFrame:
    """One table of the draft; the index is each row's position in the draft's list.

    ``problems`` (row -> messages) fills a read-only "problem" column. For ``repairs`` pass
    ``episode``: the index of the episode whose repairs to show.
    """
    rows = _repairs(draft, track, episode) if table == "repairs" else items(draft, table, track)
    columns = list(COLUMNS[table])
    records = [{c: _cell(c, row.get(c)) for c in columns} for row in rows]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.index = pd.RangeIndex(len(rows))
    if "salience" in frame:
        frame["salience"] = frame["salience"].astype("Int64")
    for c in columns:
        if c not in LIST_FIELDS and c != "salience":
            frame[c] = frame[c].astype(object)
    frame[PROBLEM_COLUMN] = ["; ".join((problems or {}).get(i, [])) for i in range(len(rows))]
    return frame


def _repairs(draft: Draft, track: int, episode: int | None) -> list[dict[str, Any]]:
    eps = items(draft, "episodes", track)
    if episode is None or not 0 <= episode < len(eps):
        return []
    value = eps[episode].get("repairs")
    return value if isinstance(value, list) else []


def _value(table: str, name: str, cell: Any, old: Any) -> Any:
    """A cell back into draft data; ``_MISSING`` removes the field."""
    required = name in REQUIRED[table]
    if hasattr(cell, "tolist") and not isinstance(cell, str):  # arrays from the grid
        cell = cell.tolist()
    if isinstance(cell, list | tuple):
        values = [str(v).strip() for v in cell if str(v).strip()]
        return values or _MISSING
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return "" if required else _MISSING
    if name == "salience":
        try:
            return int(cell)
        except (TypeError, ValueError):
            return str(cell)
    text = str(cell)
    if name in TIME_FIELDS:
        text = text.strip()
        if text and old is not None and time_ms(text) is not None and time_ms(text) == time_ms(old):
            return old  # same time, written differently: keep the file's spelling
    if text == "" and not required:
        return _MISSING
    if name in LIST_FIELDS:  # typed as text (fallback): comma-separated
        return [v.strip() for v in text.split(",") if v.strip()] or _MISSING
    return text


_MISSING = object()


def from_frame(
    draft: Draft,
    table: str,
    frame: pd.DataFrame,
    track: int = 0,
    *,
    episode: int | None = None,
) -> Draft:
    """The draft with ``table`` replaced by the (edited) frame.

    Rows keep their index from ``to_frame``: an index that was an old position updates that
    item (fields the table does not show are kept); any other index is a new row; missing
    indexes were deleted.
    """
    old_rows = _repairs(draft, track, episode) if table == "repairs" else items(draft, table, track)
    columns = [c for c in COLUMNS[table] if c in frame.columns]
    rows: list[dict[str, Any]] = []
    for index, record in zip(frame.index, frame.to_dict("records"), strict=True):
        is_old = (
            isinstance(index, int | float)
            and not pd.isna(index)
            and 0 <= int(index) < len(old_rows)
            and float(index).is_integer()
        )
        base = copy.deepcopy(old_rows[int(index)]) if is_old else {}
        if not is_old and all(_empty(record.get(c)) for c in columns):
            continue  # a blank row the grid added and the user never filled
        for c in columns:
            if is_old and _unchanged(record.get(c), _cell(c, base.get(c))):
                continue  # untouched cells keep the draft's data exactly (absent stays absent)
            value = _value(table, c, record.get(c), base.get(c))
            if value is _MISSING:
                base.pop(c, None)
            else:
                base[c] = value
        rows.append(ordered(base, table))
    if table != "repairs":
        return with_items(draft, table, track, rows)
    out = copy.deepcopy(draft)
    ep = out["tracks"][track]["episodes"][episode]
    if rows:
        ep["repairs"] = rows
    else:
        ep.pop("repairs", None)
    return out


def _unchanged(cell: Any, shown: Any) -> bool:
    if hasattr(cell, "tolist") and not isinstance(cell, str):
        cell = cell.tolist()
    if _empty(cell) and _empty(shown):
        return True
    if isinstance(cell, list | tuple) or isinstance(shown, list | tuple):
        return list(cell or []) == list(shown or []) if not _empty(cell) else False
    try:
        return bool(cell == shown)
    except (TypeError, ValueError):
        return False


def _empty(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return not value
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""
