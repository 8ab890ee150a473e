"""WebVTT (.vtt): one file is one track.

Import (any WebVTT file): each cue becomes a Cue with exact millisecond times. Voices
(``<v Anna>Hi</v>``, every span, not only the first) become a ``Anna: `` prefix in the text;
``<b>``/``<i>`` become Markdown emphasis (``**bold**``, ``*italic*``); other tags are removed
and character references decoded. A valid-id cue identifier becomes the cue's id. A plain
NOTE is a comment for authors: it is returned in ``Imported.comments`` (with the cue it
precedes), not put into the commentary; the facade makes NOTEs presenter notes (and those
before the first cue or after the last the track description) only when asked
(``notes_as_presenter_notes``). STYLE/REGION blocks and cue settings are presentation only:
they are left out with a warning. ``Imported.mapped`` says what became what.

Export: the cues of one track. Cue text is escaped (``&amp; &lt; &gt;``, control characters
as ``&#N;``), so ``-->`` in text is written ``--&gt;``; an empty line inside a text becomes an
empty ``<c></c>`` span, because an empty line would end the cue. What a cue cannot hold (lens,
episode, presenter notes, an open end) and the track's episodes, prompts, chapters and the
file's metadata go into ``NOTE alliance-lens <kind> <json>`` blocks, which players ignore and
the importer reads back, so yaml -> vtt -> yaml keeps one track completely. Chapters,
episodes and prompts are written at the top, in the model's order.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import webvtt as webvtt_lib

from ..errors import FormatError, Problem
from ..model import Chapter, CommentaryFile, Cue, Episode, Prompt, Track
from ..timecode import MAX_MS, parse_time
from ._common import (
    META_FIELDS,
    Comment,
    Imported,
    build,
    decode,
    dumps_json,
    encode,
    loads_json,
    meta_of,
    ms,
    shown_until,
    slug,
    track_head,
)
from ._lost import lost_fields
from ._registry import Format, Written
from ._vtt_text import escape, timestamp, unescape

TAG = "alliance-lens"
_KINDS = ("file", "track", "chapter", "episode", "prompt", "cue")
_LINE_END = re.compile(r"\r\n|\r|\n")
_TS = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?=\s|$)")


# ---------------------------------------------------------------- reading


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blocks with the 1-based number of their first line, split as WebVTT (and webvtt-py)
    does: at empty lines, and where a '-->' line cannot be the current block's timing line."""
    blocks: list[tuple[int, list[str]]] = []
    block: list[str] = []
    start = 1
    in_header = True
    for number, line in enumerate(lines, 1):
        starts_new = bool(
            block and "-->" in line and (in_header or len(block) > 1 or "-->" in block[0])
        )
        if (not line or starts_new) and block:
            blocks.append((start, block))
            block = []
            in_header = False
        if line:
            if not block:
                start = number
            block.append(line)
    if block:
        blocks.append((start, block))
    return blocks


def _scan(text: str, file: str) -> tuple[list[int], list[Problem]]:
    """Check every cue timing line with its line number (webvtt-py would skip a bad cue
    silently); return the timing line of each cue, in order, and warnings."""
    lines = _LINE_END.split(text)
    if not lines[0].startswith("WEBVTT"):
        raise FormatError(
            f"expected the first line to start with 'WEBVTT', found {lines[0][:40]!r}",
            file=file,
            line=1,
        )
    timing_lines: list[int] = []
    warnings: list[Problem] = []
    skipped = []
    for start, block in _blocks(lines)[1:]:
        arrow = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if arrow is None:
            if not block[0].startswith(("NOTE", "STYLE", "REGION")):
                skipped.append(start)
            continue
        number = start + arrow
        match = _TIMING.match(block[arrow])
        if not match:
            raise FormatError(
                f"bad cue timing {block[arrow][:80]!r}; expected "
                "'hh:mm:ss.mmm --> hh:mm:ss.mmm' (hours optional)",
                file=file,
                line=number,
            )
        for group in (1, 6):
            h, m, s, frac = match.group(group + 1, group + 2, group + 3, group + 4)
            if int(m) > 59 or int(s) > 59:
                raise FormatError(
                    f"bad timestamp {match[group]!r}: minutes and seconds must be below 60",
                    file=file,
                    line=number,
                )
            ms = ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))
            if ms > MAX_MS:
                raise FormatError(
                    f"timestamp {match[group]!r} is past the 100-hour limit",
                    file=file,
                    line=number,
                )
        timing_lines.append(number)
    if skipped:
        lines_list = ", ".join(map(str, skipped[:5])) + (", ..." if len(skipped) > 5 else "")
        warnings.append(
            Problem(
                "warning",
                f"{len(skipped)} block(s) that are not cues, NOTE or STYLE were ignored "
                f"(lines {lines_list})",
                file,
                skipped[0],
            )
        )
    return timing_lines, warnings


def read(raw: bytes | str, file: str, stem: str) -> Imported:
    text = decode(raw, file)
    timing_lines, warnings = _scan(text, file)
    try:
        vtt = webvtt_lib.WebVTT.from_string(text)
    except Exception as exc:  # webvtt-py raises its own and ValueError; _scan caught the usual
        raise FormatError(f"cannot read this WebVTT file: {exc}", file=file) from None
    captions = list(vtt.captions)
    if len(captions) != len(timing_lines):  # should not happen: then lines are unknown
        timing_lines = [0] * len(captions)

    state = _Notes(file)
    header = list(vtt.header_comments)
    first_extra: list[str] = []
    if captions and header and header[-1].startswith(f"{TAG} cue "):
        # webvtt-py files every comment before the first cue under the header
        first_extra = [header.pop()]
    for comment in header:
        state.take(comment, None)
    comments = [Comment(text) for text in state.plain]
    counts: Counter[str] = Counter()
    cues: list[Cue] = []
    empty: list[int] = []
    settings = 0
    for index, (caption, number) in enumerate(zip(captions, timing_lines, strict=True)):
        line = number or None
        extra: dict[str, Any] = {}
        for comment in [*caption.comments, *(first_extra if index == 0 else [])]:
            data = state.take(comment, line)
            if data is not None:
                extra |= data
            elif not comment.startswith(TAG):
                comments.append(Comment(comment, len(cues), line))
        if str(caption.settings):
            settings += 1
        body = unescape(list(caption.lines), counts)
        if not body:
            empty.append(number)
            continue
        start = parse_time(caption.start)  # start_in_seconds would drop the milliseconds
        end = None if extra.pop("end", "") is None else parse_time(caption.end)
        if end is not None and end < start:
            raise FormatError(
                f"cue ends ({caption.end}) before it starts ({caption.start})",
                file=file,
                line=line,
            )
        ident = caption.identifier
        if ident is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", ident):
            warnings.append(
                Problem(
                    "warning", f"cue identifier {ident!r} is not a valid id; left out", file, line
                )
            )
            ident = None
        data = {
            "id": ident,
            "start": ms(start),
            "end": None if end is None else ms(end),
            "text": body,
        }
        data |= {k: v for k, v in extra.items() if k in {"lens", "episode", "presenter_notes"}}
        cues.append(build(Cue, data, file=file, line=line, where=f"cues[{index}]"))
    before = len(state.plain)
    for comment in vtt.footer_comments:
        state.take(comment, None)
    comments += [Comment(text) for text in state.plain[before:]]

    if empty:
        warnings.append(
            Problem("warning", f"{len(empty)} cue(s) without text were left out", file, empty[0])
        )
    if vtt.styles or vtt.regions:
        warnings.append(
            Problem(
                "warning",
                "STYLE and REGION blocks are presentation only; they were left out",
                file,
            )
        )
    if settings:
        warnings.append(
            Problem(
                "warning",
                f"cue settings (position, alignment) of {settings} cue(s) were left out",
                file,
            )
        )

    head = state.track or {"id": slug(stem), "name": stem or "Imported"}
    track = build(
        Track,
        head | {"cues": cues, "episodes": state.episodes, "prompts": state.prompts},
        file=file,
        line=None,
        where="track",
    )
    return Imported(
        [track],
        state.chapters,
        state.meta,
        warnings,
        _mapped(len(cues), counts, comments),
        comments,
    )


def _mapped(cues: int, counts: Counter[str], comments: list[Comment]) -> list[str]:
    """What became what, for the import summary."""
    out = [f"{cues} WebVTT cue(s) -> cues"]
    if counts["b"] or counts["i"]:
        out.append(
            f"{counts['b']} <b> and {counts['i']} <i> span(s) -> Markdown **bold** and *italic*"
        )
    if counts["voice"]:
        out.append(f"{counts['voice']} voice span(s) <v Name> -> 'Name: ' before the text")
    if comments:
        out.append(f"{len(comments)} NOTE block(s) -> comments for authors (not commentary)")
    return out


class _Notes:
    """Collects NOTE blocks: ours (``alliance-lens <kind> <json>``) and plain comments."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.meta: dict[str, Any] | None = None
        self.track: dict[str, Any] | None = None
        self.chapters: list[Chapter] = []
        self.episodes: list[Episode] = []
        self.prompts: list[Prompt] = []
        self.plain: list[str] = []

    def take(self, comment: str, line: int | None) -> dict[str, Any] | None:
        """Handle one comment; returns the data of a ``cue`` note for the caption it precedes."""
        if not comment.startswith(TAG + " "):
            if line is None:
                self.plain.append(comment)
            return None
        kind, _, payload = comment[len(TAG) + 1 :].partition(" ")
        if kind not in _KINDS:
            raise FormatError(
                f"unknown {TAG} note kind {kind!r}; expected one of: {', '.join(_KINDS)}",
                file=self.file,
                line=line,
            )
        data = loads_json(payload, file=self.file, line=line, where=f"NOTE {TAG} {kind}")
        if not isinstance(data, dict):
            raise FormatError(
                f"{TAG} {kind} note: expected a JSON object", file=self.file, line=line
            )
        where = f"NOTE {TAG} {kind}"
        if kind == "file":
            self.meta = data
        elif kind == "track":
            self.track = data
        elif kind == "chapter":
            self.chapters.append(build(Chapter, data, file=self.file, line=line, where=where))
        elif kind == "episode":
            self.episodes.append(build(Episode, data, file=self.file, line=line, where=where))
        elif kind == "prompt":
            self.prompts.append(build(Prompt, data, file=self.file, line=line, where=where))
        else:
            return data
        return None


# ---------------------------------------------------------------- writing


# The file and track notes carry only these fields; anything else is named (see _lost.py).
CARRIED = {
    "file": {"version", "chapters", "tracks", *META_FIELDS},
    "track": {"id", "name", "colour", "description", "episodes", "cues", "prompts"},
}


def write(doc: CommentaryFile, file: str) -> Written:
    """WebVTT of the document's (only) track; its notes carry its items whole, the file's and
    track's fields outside ``CARRIED`` are named as lost."""
    track = doc.tracks[0]
    # chapters, episodes and prompts go at the top, in the model's order (an importer keeps
    # the file order, so sorting them by time here would reorder them)
    header = [_note("file", meta_of(doc)), _note("track", track_head(track))]
    header += [
        _note("chapter", c.model_dump(mode="json", exclude_defaults=True)) for c in doc.chapters
    ]
    header += [_note("episode", _dump(e)) for e in track.episodes]
    header += [_note("prompt", _dump(p)) for p in track.prompts]

    captions = []
    for index, cue in enumerate(track.cues):
        extra = cue.model_dump(
            mode="json", include={"lens", "episode", "presenter_notes"}, exclude_defaults=True
        )
        if cue.end is None:  # other players are given an end; this note says there is none
            extra["end"] = None
        end = shown_until(track.cues, index)
        caption = webvtt_lib.Caption(
            timestamp(cue.start), timestamp(end), escape(cue.text), identifier=cue.id
        )
        caption.comments = [_note("cue", extra)] if extra else []
        captions.append(caption)

    vtt = webvtt_lib.WebVTT(captions=captions, header_comments=header)
    try:
        return Written(encode(vtt.content, file), lost_fields(doc, CARRIED))
    except ValueError as exc:  # the escaping above should make this impossible
        raise FormatError(f"cannot write WebVTT: {exc}", file=file) from None


def _note(kind: str, data: dict[str, Any]) -> str:
    return f"{TAG} {kind} {dumps_json(data)}"


def _dump(model: Episode | Prompt) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_defaults=True) | {"id": model.id}


FORMAT = Format((".vtt",), "WebVTT", "text/vtt", one_track=True, read=read, write=write)
