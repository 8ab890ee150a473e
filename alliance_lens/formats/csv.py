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

from ..errors import Problem
from ..model import CommentaryFile
from ._common import META_FIELDS, encode
from ._csv_read import COLUMNS, read
from ._lost import lost_fields
from ._registry import Format, Written

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


FORMAT = Format((".csv",), "CSV", "text/csv", one_track=False, read=read, write=write)
