"""Helpers shared by the format modules: reading bytes, building models, naming losses.

Every importer gives back an ``Imported``: the tracks and chapters it found, the file-level
metadata it could carry (or nothing) and its warnings. ``formats.read_file`` turns that into
a ``CommentaryFile`` (or merges it into a base one). The interface a format implements is in
``_registry``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .. import ids
from ..errors import FormatError, Problem
from ..model import Chapter, CommentaryFile, Cue, Track
from ..timecode import MAX_MS, format_time

OPEN_END_MS = 3000  # how long other players show a cue without an end, when no cue follows
MAX_IMPORT_BYTES = 50 * 1024 * 1024  # ELAN files of long sessions are big; more is not ours
META_FIELDS = (
    "video",
    "title",
    "description",
    "language",
    "authors",
    "licence",
    "consent",
    "captions",
)

M = TypeVar("M", bound=BaseModel)


@dataclass
class Imported:
    tracks: list[Track]
    chapters: list[Chapter] = field(default_factory=list)
    meta: dict[str, Any] | None = None  # file-level fields, when the format carried them
    warnings: list[Problem] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)  # "3 <b>/<i> spans -> Markdown emphasis"
    comments: list[Comment] = field(default_factory=list)  # the source's own comments


@dataclass(frozen=True)
class Comment:
    """A comment in the source (a WebVTT NOTE): for authors, not part of the commentary."""

    text: str
    cue: int | None = None  # index of the cue it precedes (None: before the first or after all)
    line: int | None = None


def read_bytes(path: Path, text: bytes | str | None) -> bytes | str:
    """The input as given, or the file's bytes; missing/unreadable files are FormatErrors."""
    if text is not None:
        size = len(text)
    else:
        try:
            size = path.stat().st_size
            if size <= MAX_IMPORT_BYTES:
                text = path.read_bytes()
        except FileNotFoundError:
            raise FormatError("file not found", file=str(path)) from None
        except IsADirectoryError:
            raise FormatError("is a folder, expected a file", file=str(path)) from None
        except OSError as exc:
            raise FormatError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if size > MAX_IMPORT_BYTES or text is None:
        raise FormatError(
            f"file is {size:,} bytes; an import is at most {MAX_IMPORT_BYTES:,}", file=str(path)
        )
    return text


def decode(raw: bytes | str, file: str) -> str:
    """UTF-8 text (a BOM is dropped); NUL bytes mean binary data, not a text format."""
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                file=file,
                line=raw.count(b"\n", 0, exc.start) + 1,
            ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise FormatError(
            "binary data (NUL character); expected a text file",
            file=file,
            line=text.count("\n", 0, text.index("\x00")) + 1,
        )
    return text


def build(cls: type[M], data: dict[str, Any], *, file: str, line: int | None, where: str) -> M:
    """Validate one model; pydantic's complaints become a located FormatError."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function"))
            found = repr(err.get("input"))
            found = found if len(found) <= 60 else found[:57] + "..."
            msg = err["msg"].replace("Input should be", "expected").removeprefix("Value error, ")
            field_path = f"{where}.{loc}" if loc else where
            problems.append(Problem("error", f"{msg}; found {found}", file, line, None, field_path))
        first = problems[0]
        raise FormatError(
            first.message
            if len(problems) == 1
            else f"{first.message} (and {len(problems) - 1} more)",
            file=file,
            line=line,
            field=first.field,
            problems=problems,
        ) from None


def slug(name: str, taken: set[str] | None = None, fallback: str = "imported") -> str:
    """A valid, unused track id from any name: 'Therapist (T)' -> 'Therapist-T'."""
    return ids.track_id(name, taken, fallback)


def dumps_json(value: Any) -> str:
    """One-line JSON that is safe inside VTT NOTE blocks and XML text ('>' and noncharacters
    escaped, so no '-->' and nothing XML forbids)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace(">", "\\u003e").replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def loads_json(text: str, *, file: str, line: int | None, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FormatError(
            f"invalid JSON ({exc}); expected the data Alliance Lens wrote here",
            file=file,
            line=line,
            field=where,
        ) from None


def check_ms(ms: int, *, file: str, line: int | None, where: str) -> int:
    if ms < 0 or ms > MAX_MS:
        raise FormatError(
            f"time {ms} ms is outside 0 .. {MAX_MS} ms (100 hours)",
            file=file,
            line=line,
            field=where,
        )
    return ms


def meta_of(doc: CommentaryFile) -> dict[str, Any]:
    """File-level fields that differ from their defaults (plus the required ones)."""
    data = doc.model_dump(mode="json", include=set(META_FIELDS), exclude_defaults=True)
    return {"video": doc.video, "title": doc.title} | data


def track_head(track: Track) -> dict[str, Any]:
    return track.model_dump(
        mode="json", include={"id", "name", "colour", "description"}, exclude_defaults=True
    ) | {"id": track.id, "name": track.name}


def ms(value: int) -> str:
    """Milliseconds as the model's time text: plain numbers would be read as seconds."""
    return format_time(value)


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CR = re.compile(r"\r\n?")


def plain_lines(text: str) -> tuple[str, bool]:
    """Text as plain lines for formats without escapes (SRT, XML): CR/CRLF become LF and
    control characters they cannot hold are removed. Returns (text, changed)."""
    out = _XML_BAD.sub("", _CR.sub("\n", text))
    return out, out != text


def shown_until(cues: Sequence[Cue], index: int) -> int:
    """The end to write for ``cues[index]``: its own, or for an open-ended cue (which formats
    other than ours cannot hold) the start of the next later cue, else a few seconds on."""
    cue = cues[index]
    if cue.end is not None:
        return cue.end
    later = [c.start for c in cues[index + 1 :] if c.start > cue.start]
    return later[0] if later else min(cue.start + OPEN_END_MS, MAX_MS)


def encode(text: str, file: str, encoding: str = "utf-8") -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise FormatError(
            f"text holds a character that cannot be saved as UTF-8 ({exc.reason})", file=file
        ) from None
