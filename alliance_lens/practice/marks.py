"""Read a learner's rupture marks from CSV: ``at_ms`` and optional ``type`` and ``markers``.

``markers`` holds vocabulary ids separated by ``;``. Every bad cell is reported at once, each
naming the file, the line, the column and what was expected.

>>> read_marks_csv("m.csv", text="at_ms,type,markers\\n14000,withdrawal,denial;minimal_response\\n")
[Mark(at_ms=14000, type='withdrawal', markers=('denial', 'minimal_response'))]
>>> try:
...     read_marks_csv("m.csv", text="at_ms\\n1.5\\n")
... except FormatError as exc:
...     print(exc.problems[0])
m.csv:2: error: at_ms: expected a whole number of milliseconds >= 0, found '1.5'
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import FormatError, Problem
from ..timecode import MAX_MS
from .scoring import RUPTURE_TYPES, Mark

COLUMNS = ("at_ms", "type", "markers")


def read_marks_csv(source: Path | str, *, text: str | None = None) -> list[Mark]:
    """Parse marks; raise FormatError listing every problem (file, line, column, expected)."""
    name = str(source)
    if text is None:
        path = Path(source)
        if path.exists() and not path.is_file():  # a folder, or a FIFO that would block
            raise FormatError("not a regular file; expected a CSV file of marks", file=name)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8", file=name
            ) from None
        except OSError as exc:
            raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=name, line=1) from None
    if not header or not any(cell.strip() for cell in header):
        raise FormatError(
            "empty file; expected a header line with the columns at_ms, type, markers",
            file=name,
            line=1,
        )
    columns = [cell.strip().lstrip("\ufeff") for cell in header]
    problems = [
        Problem("error", f"unknown column; expected one of: {', '.join(COLUMNS)}", name, 1, None, c)
        for c in columns
        if c not in COLUMNS
    ]
    problems += [
        Problem("error", "this column appears twice; keep one", name, 1, None, c)
        for i, c in enumerate(columns)
        if c in COLUMNS and c in columns[:i]
    ]
    if "at_ms" not in columns:
        problems.append(
            Problem(
                "error",
                "missing column at_ms (the time of each mark, in ms)",
                name,
                1,
                None,
                "at_ms",
            )
        )
    if problems:
        raise FormatError(f"{len(problems)} problem(s) in {name}", file=name, problems=problems)
    marks: list[Mark] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) > len(columns):
                problems.append(
                    Problem(
                        "error",
                        f"{len(row)} cells; the header has {len(columns)} columns",
                        name,
                        line,
                    )
                )
                continue
            cells = dict(zip(columns, (c.strip() for c in row), strict=False))
            mark = _mark(cells, name, line, problems)
            if mark is not None:
                marks.append(mark)
    except csv.Error as exc:
        problems.append(Problem("error", f"not valid CSV: {exc}", name, reader.line_num))
    if problems:
        raise FormatError(f"{len(problems)} problem(s) in {name}", file=name, problems=problems)
    return marks


def _mark(cells: dict[str, str], name: str, line: int, problems: list[Problem]) -> Mark | None:
    before = len(problems)
    raw = cells.get("at_ms", "")
    at_ms = int(raw) if raw.isascii() and raw.isdigit() else -1
    if not 0 <= at_ms <= MAX_MS:
        problems.append(
            Problem(
                "error",
                f"expected a whole number of milliseconds >= 0, found {raw!r}"
                if at_ms < 0
                else f"expected at most {MAX_MS} ms (100 hours), found {raw}",
                name,
                line,
                None,
                "at_ms",
            )
        )
    rupture = cells.get("type", "") or None
    if rupture is not None and rupture not in RUPTURE_TYPES:
        problems.append(
            Problem(
                "error",
                f"expected withdrawal, confrontation or nothing, found {rupture!r}",
                name,
                line,
                None,
                "type",
            )
        )
    markers = tuple(m.strip() for m in cells.get("markers", "").split(";") if m.strip())
    if len(problems) > before:
        return None
    return Mark(at_ms, rupture, markers)
