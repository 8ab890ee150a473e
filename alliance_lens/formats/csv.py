"""CSV (.csv): the whole commentary file, one row per item, for spreadsheets.

Columns (the first five are required on import; the rest may be left out):

- ``track, kind, start_ms, end_ms, text``. ``kind`` is one of ``meta`` (file metadata:
  ``text`` is the title, ``meta`` JSON the rest), ``track`` (``track_name``,
  ``track_colour``, ``track_description``), ``chapter`` (``text``: title), ``episode``
  (``start_ms``: onset, ``end_ms``: resolution, ``text``: title), ``cue`` and ``prompt``
  (``start_ms``: when it stops, ``text``: the question). Times are whole milliseconds.
- ``id, lens, episode, type, markers, salience, resolution, alliance, repairs, commentary,
  prompt_kind, options, expected, reveal, rewind_ms, presenter_notes``: lists (markers,
  alliance, options) are joined with ``|``, or written as a JSON list when an item holds a
  ``|`` or is empty; repairs are JSON.

An empty cell means "not set" (so an empty ``expected`` answer reads back as none). A CSV
without ``meta``/``track`` rows (say, typed in a spreadsheet) is fine: tracks are made from
the ``track`` column. Written as UTF-8 with a BOM and CRLF rows, which Excel reads.
"""

from __future__ import annotations

import csv as csv_lib
import io
import json
import re
from typing import Any

from ..errors import FormatError, Problem
from ..model import Chapter, CommentaryFile, Cue, Episode, Prompt, Track
from ._common import META_FIELDS, Imported, build, check_ms, decode, encode, loads_json, ms, slug
from ._lost import lost_fields
from ._registry import Format, Written

REQUIRED = ("track", "kind", "start_ms", "end_ms", "text")
COLUMNS = (
    *REQUIRED,
    "id",
    "lens",
    "episode",
    "type",
    "markers",
    "salience",
    "resolution",
    "alliance",
    "repairs",
    "commentary",
    "prompt_kind",
    "options",
    "expected",
    "reveal",
    "rewind_ms",
    "presenter_notes",
    "track_name",
    "track_colour",
    "track_description",
    "meta",
)
KINDS = ("meta", "track", "chapter", "episode", "cue", "prompt")
_COLUMN_OF = {
    "onset": "start_ms",
    "start": "start_ms",
    "at": "start_ms",
    "resolved_at": "end_ms",
    "end": "end_ms",
    "title": "text",
    "question": "text",
    "rewind_to": "rewind_ms",
    "kind": "prompt_kind",
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


# ---------------------------------------------------------------- writing


def _list(items: tuple[str, ...]) -> str:
    if any(not item or "|" in item or item.startswith("[") for item in items):
        return json.dumps(list(items), ensure_ascii=False)
    return "|".join(items)


def _t(value: int | None) -> str:
    return "" if value is None else str(value)


def rows(doc: CommentaryFile) -> list[dict[str, str]]:
    meta = doc.model_dump(
        mode="json", include=set(META_FIELDS) - {"title"}, exclude_defaults=True
    ) | {"video": doc.video}
    out = [{"kind": "meta", "text": doc.title, "meta": json.dumps(meta, ensure_ascii=False)}]
    for ch in doc.chapters:
        out.append(
            {"kind": "chapter", "start_ms": _t(ch.start), "text": ch.title, "id": ch.id or ""}
        )
    for tr in doc.tracks:
        out.append(
            {
                "track": tr.id,
                "kind": "track",
                "track_name": tr.name,
                "track_colour": tr.colour or "",
                "track_description": tr.description,
            }
        )
        for ep in tr.episodes:
            out.append(
                {
                    "track": tr.id,
                    "kind": "episode",
                    "start_ms": _t(ep.onset),
                    "end_ms": _t(ep.resolved_at),
                    "text": ep.title,
                    "id": ep.id,
                    "type": ep.type,
                    "markers": _list(ep.markers),
                    "salience": _t(ep.salience),
                    "resolution": ep.resolution or "",
                    "alliance": _list(ep.alliance),
                    "repairs": json.dumps(
                        [r.model_dump(mode="json", exclude_defaults=True) for r in ep.repairs],
                        ensure_ascii=False,
                    )
                    if ep.repairs
                    else "",
                    "commentary": ep.commentary,
                }
            )
        for cue in tr.cues:
            out.append(
                {
                    "track": tr.id,
                    "kind": "cue",
                    "start_ms": _t(cue.start),
                    "end_ms": _t(cue.end),
                    "text": cue.text,
                    "id": cue.id or "",
                    "lens": cue.lens,
                    "episode": cue.episode or "",
                    "presenter_notes": cue.presenter_notes,
                }
            )
        for p in tr.prompts:
            out.append(
                {
                    "track": tr.id,
                    "kind": "prompt",
                    "start_ms": _t(p.at),
                    "text": p.question,
                    "id": p.id,
                    "episode": p.episode or "",
                    "prompt_kind": p.kind,
                    "options": _list(p.options),
                    "expected": p.expected or "",
                    "reveal": p.reveal,
                    "rewind_ms": _t(p.rewind_to),
                }
            )
    return out


# The fields the rows above carry; anything else is named as lost (see _lost.py).
CARRIED = {
    "file": {"version", "chapters", "tracks", *META_FIELDS},
    "track": {"id", "name", "colour", "description", "episodes", "cues", "prompts"},
    "chapter": {"id", "start", "title"},
    "episode": {"id", "title", "type", "onset", "resolved_at", "markers", "salience"}
    | {"resolution", "alliance", "repairs", "commentary"},
    "prompt": {"id", "at", "question", "kind", "options", "expected", "reveal", "episode"}
    | {"rewind_to"},
}


def write(doc: CommentaryFile, file: str) -> Written:
    buffer = io.StringIO(newline="")
    writer = csv_lib.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    nul = 0
    for row in rows(doc):
        clean = {k: v.replace("\x00", "") for k, v in row.items()}
        nul += clean != row
        writer.writerow(clean)
    problems = []
    if nul:
        problems.append(
            Problem("warning", f"{nul} row(s) held NUL characters; they were removed", file)
        )
    if any(p.expected == "" for t in doc.tracks for p in t.prompts):
        problems.append(
            Problem("warning", "an empty expected answer cannot be told from none in CSV", file)
        )
    lost = lost_fields(doc, CARRIED)
    return Written(encode(buffer.getvalue(), file, "utf-8-sig"), lost, problems)


# ---------------------------------------------------------------- reading


class _Row:
    """One CSV row with its line number, reading typed cells with located errors."""

    def __init__(self, cells: dict[str, str], line: int, columns: dict[str, int], file: str):
        self.cells, self.line, self.columns, self.file = cells, line, columns, file

    def error(self, column: str, message: str) -> FormatError:
        return FormatError(
            message, file=self.file, line=self.line, column=self.columns.get(column), field=column
        )

    def text(self, column: str) -> str:
        return self.cells.get(column) or ""

    def opt(self, column: str) -> str | None:
        return self.cells.get(column) or None

    def time(self, column: str, required: bool = False) -> str | None:
        raw = self.text(column).strip()
        if not raw:
            if required:
                raise self.error(column, f"{column} is empty; expected whole milliseconds")
            return None
        if not raw.isdigit() or not raw.isascii():
            raise self.error(
                column, f"expected whole milliseconds like 62500 in {column}, found {raw[:40]!r}"
            )
        return ms(check_ms(int(raw), file=self.file, line=self.line, where=column))

    def items(self, column: str) -> list[str]:
        raw = self.text(column)
        if not raw:
            return []
        if raw.startswith("["):
            value = self.json(column)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self.error(column, f"expected a JSON list of texts in {column}")
            return value
        return raw.split("|")

    def json(self, column: str) -> Any:
        return loads_json(self.text(column), file=self.file, line=self.line, where=column)

    def number(self, column: str) -> int | None:
        raw = self.text(column).strip()
        if not raw:
            return None
        if not (raw.isdigit() and raw.isascii() and len(raw) < 6):
            raise self.error(column, f"expected a whole number in {column}, found {raw[:40]!r}")
        return int(raw)


def _delimiter(header: str) -> str:
    # spreadsheets in many locales write ';' (or tabs) instead of ','
    for sep in (",", ";", "\t"):
        if all(col in [c.strip().strip('"') for c in header.split(sep)] for col in REQUIRED):
            return sep
    return ","


def read(raw: bytes | str, file: str, stem: str) -> Imported:
    text = decode(raw, file)
    first = text.split("\n", 1)[0].rstrip("\r")
    reader = csv_lib.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            records.append((line, record))
            line = reader.line_num + 1
    except csv_lib.Error as exc:
        raise FormatError(f"cannot read CSV: {exc}", file=file, line=line) from None
    if not records:
        raise FormatError(
            f"the file is empty; expected a header row with {', '.join(REQUIRED)}",
            file=file,
            line=1,
        )
    header = [h.strip() for h in records[0][1]]
    columns = {name: i + 1 for i, name in reversed(list(enumerate(header)))}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FormatError(
            f"missing column(s) {', '.join(missing)} in the header; expected at least "
            f"{', '.join(REQUIRED)}",
            file=file,
            line=1,
            field=missing[0],
        )
    warnings = []
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        warnings.append(
            Problem("warning", f"unknown column(s) ignored: {', '.join(unknown)}", file, 1)
        )
    return _Builder(file, stem, warnings).build(
        _Row(dict(zip(header, rec, strict=False)), number, columns, file)
        for number, rec in records[1:]
        if any(cell.strip() for cell in rec)
    )


class _Builder:
    def __init__(self, file: str, stem: str, warnings: list[Problem]) -> None:
        self.file, self.stem, self.warnings = file, stem, warnings
        self.meta: dict[str, Any] | None = None
        self.heads: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, list[Any]]] = {}
        self.chapters: list[Chapter] = []

    def track_id(self, row: _Row) -> str:
        raw = row.text("track").strip()
        if not raw:
            raw = self.stem or "imported"
        tid = raw if _ID.match(raw) else slug(raw)
        if tid not in self.heads:
            self.heads[tid] = {"id": tid, "name": raw}
            self.items[tid] = {"episodes": [], "cues": [], "prompts": []}
        return tid

    def build(self, rows: Any) -> Imported:
        for row in rows:
            kind = row.text("kind").strip()
            if kind not in KINDS:
                raise row.error(
                    "kind", f"unknown kind {kind!r}; expected one of: " + ", ".join(KINDS)
                )
            getattr(self, f"_{kind}")(row)
        tracks = [
            build(
                Track,
                self.heads[tid] | self.items[tid],
                file=self.file,
                line=None,
                where=f"track {tid!r}",
            )
            for tid in self.heads
        ]
        if not tracks:
            raise FormatError(
                "no track, cue, episode or prompt rows; nothing to import", file=self.file
            )
        return Imported(tracks, self.chapters, self.meta, self.warnings)

    def _build(self, cls: Any, row: _Row, data: dict[str, Any]) -> Any:
        data = {k: v for k, v in data.items() if v is not None}
        kind = row.text("kind").strip()
        try:
            return build(cls, data, file=self.file, line=row.line, where=kind)
        except FormatError as exc:  # point at the cell: field 'cue.start' -> column start_ms
            problems = []
            for p in exc.problems:
                key = p.field.removeprefix(f"{kind}.").split(".")[0]
                column = _COLUMN_OF.get(key, key)
                problems.append(
                    Problem(p.severity, p.message, p.file, p.line, row.columns.get(column), column)
                )
            first = problems[0]
            raise FormatError(
                exc.message,
                file=self.file,
                line=row.line,
                column=first.column,
                field=first.field,
                problems=problems,
            ) from None

    def _meta(self, row: _Row) -> None:
        meta = row.json("meta") if row.text("meta") else {}
        if not isinstance(meta, dict):
            raise row.error("meta", "expected a JSON object of file metadata in meta")
        self.meta = meta | {"title": row.text("text")}

    def _track(self, row: _Row) -> None:
        tid = self.track_id(row)
        head = self.heads[tid]
        head["name"] = row.text("track_name") or head["name"]
        head["colour"] = row.opt("track_colour")
        head["description"] = row.text("track_description")
        build(Track, head, file=self.file, line=row.line, where="track")  # check it here

    def _chapter(self, row: _Row) -> None:
        data = {"start": row.time("start_ms", True), "title": row.text("text"), "id": row.opt("id")}
        self.chapters.append(self._build(Chapter, row, data))

    def _needs_id(self, row: _Row) -> None:
        if not row.text("id").strip():
            kind = row.text("kind")
            raise row.error("id", f"this {kind} row needs an id (letters, digits, . _ -)")

    def _episode(self, row: _Row) -> None:
        self._needs_id(row)
        repairs = row.json("repairs") if row.text("repairs") else []
        data = {
            "id": row.text("id"),
            "onset": row.time("start_ms", True),
            "resolved_at": row.time("end_ms"),
            "title": row.text("text"),
            "type": row.text("type"),
            "markers": row.items("markers"),
            "salience": row.number("salience"),
            "resolution": row.opt("resolution"),
            "alliance": row.items("alliance"),
            "repairs": repairs,
            "commentary": row.text("commentary"),
        }
        self.items[self.track_id(row)]["episodes"].append(self._build(Episode, row, data))

    def _cue(self, row: _Row) -> None:
        data = {
            "id": row.opt("id"),
            "start": row.time("start_ms", True),
            "end": row.time("end_ms"),
            "text": row.text("text"),
            "lens": row.opt("lens"),
            "episode": row.opt("episode"),
            "presenter_notes": row.text("presenter_notes"),
        }
        self.items[self.track_id(row)]["cues"].append(self._build(Cue, row, data))

    def _prompt(self, row: _Row) -> None:
        self._needs_id(row)
        data = {
            "id": row.text("id"),
            "at": row.time("start_ms", True),
            "question": row.text("text"),
            "episode": row.opt("episode"),
            "kind": row.opt("prompt_kind"),
            "options": row.items("options"),
            "expected": row.opt("expected"),
            "reveal": row.text("reveal"),
            "rewind_to": row.time("rewind_ms"),
        }
        self.items[self.track_id(row)]["prompts"].append(self._build(Prompt, row, data))


FORMAT = Format((".csv",), "CSV", "text/csv", one_track=False, read=read, write=write)
