"""SubRip (.srt): one file is one track of cues; nothing else.

SRT holds a start, an end (both to the millisecond) and text per subtitle. Text is kept as
written (tags such as ``<i>`` included: SRT has no escapes). Export folds what would break
the block structure, and import unfolds it exactly: a line that is empty, or that starts like
a timestamp or holds ``-->``, is written with a ZERO WIDTH SPACE (U+200B) in front; one such
leading character is removed again on import. Line ends become LF; control characters other
than tab and newline are dropped (with a warning).

Not carried (named in a warning on export): cue ids, lenses, episode links, presenter notes,
open ends, episodes, prompts, chapters, other tracks and the file's metadata.
"""

from __future__ import annotations

import re
from datetime import timedelta

import srt as srt_lib

from ..errors import FormatError, Problem
from ..model import CommentaryFile, Cue, Track
from ..timecode import MAX_MS, TimeFormatError, parse_time
from ._common import Imported, build, decode, encode, ms, plain_lines, shown_until, slug
from ._registry import Format, Written

MARK = "\u200b"
_DANGER = re.compile(r"^[\s\u200b]*[0-9]+[,.:，．。：][0-9]+[,.:，．。：][0-9]+[,.:，．。：]")
_INDEX = re.compile(r"^\s*-?[0-9]+\.?[0-9]*\s*$")
_TIMING = re.compile(
    r"^\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{3})"
    r"(?:\s.*)?$"
)


def _needs_mark(line: str) -> bool:
    return not line.strip(MARK) or "-->" in line or bool(_DANGER.match(line))


def fold(text: str) -> str:
    """Text as SRT content; ``unfold`` undoes it.

    >>> fold("a\\n\\n00:01:02,000 --> x")
    'a\\n\\u200b\\n\\u200b00:01:02,000 --> x'
    """
    return "\n".join(MARK + line if _needs_mark(line) else line for line in text.split("\n"))


def unfold(text: str) -> str:
    return "\n".join(
        line[1:] if line[:1] == MARK and _needs_mark(line[1:]) else line
        for line in text.split("\n")
    )


def _timings(lines: list[str], file: str) -> list[tuple[int, int, int]]:
    """(line, start, end) of every timing line, checked with its line number: the srt
    library would fold a block with a bad timestamp into the previous subtitle's text."""
    found = []
    for index, line in enumerate(lines):
        if "-->" not in line or line.startswith(MARK):
            continue
        before = lines[index - 1] if index else ""
        if not (not before.strip() or _INDEX.match(before)):
            continue  # a '-->' inside a subtitle's text
        match = _TIMING.match(line)
        if not match:
            raise FormatError(
                f"bad timing line {line[:80]!r}; expected 'hh:mm:ss,mmm --> hh:mm:ss,mmm'",
                file=file,
                line=index + 1,
            )
        times = []
        for h, m, s, frac in (match.groups()[:4], match.groups()[4:]):
            try:
                times.append(parse_time(f"{int(h)}:{m}:{s}.{frac}"))
            except TimeFormatError as exc:
                raise FormatError(f"bad timestamp: {exc}", file=file, line=index + 1) from None
        found.append((index + 1, times[0], times[1]))
    return found


def read(raw: bytes | str, file: str, stem: str) -> Imported:
    text = decode(raw, file)
    timings = _timings(re.split(r"\r\n|\r|\n", text), file)
    try:
        subs = list(srt_lib.parse(text))
    except srt_lib.SRTParseError as exc:
        offset = (
            exc.expected_start + len(exc.unmatched_content) - len(exc.unmatched_content.lstrip())
        )
        bad = exc.unmatched_content.strip().split("\n")[0][:80]
        raise FormatError(
            f"expected a subtitle block (a number, a line 'hh:mm:ss,mmm --> hh:mm:ss,mmm', "
            f"then the text), found {bad!r}",
            file=file,
            line=text.count("\n", 0, offset) + 1,
        ) from None
    except (ValueError, OverflowError) as exc:  # a timestamp the regex let through
        raise FormatError(f"bad timestamp: {exc}", file=file) from None
    if len(timings) != len(subs):
        timings = [(0, -1, -1)] * len(subs)  # lines unknown; trust the library
    cues = []
    warnings: list[Problem] = []
    empty = []
    for index, (sub, (number, start, end)) in enumerate(zip(subs, timings, strict=True)):
        line = number or None
        if start < 0:
            start = sub.start // timedelta(milliseconds=1)
            end = sub.end // timedelta(milliseconds=1)
            if not (0 <= start <= MAX_MS and 0 <= end <= MAX_MS):
                raise FormatError("time outside 0 .. 100 hours", file=file, line=line)
        content = unfold(sub.content)
        if not content:
            empty.append(number)
            continue
        if end < start:
            raise FormatError(f"subtitle {sub.index} ends before it starts", file=file, line=line)
        cues.append(
            build(
                Cue,
                {"start": ms(start), "end": ms(end), "text": content},
                file=file,
                line=line,
                where=f"cues[{index}]",
            )
        )
    if not subs:
        warnings.append(Problem("warning", "no subtitles in the file; the track is empty", file))
    if empty:
        warnings.append(
            Problem(
                "warning",
                f"{len(empty)} subtitle(s) without text were left out",
                file,
                empty[0] or None,
            )
        )
    if any(sub.proprietary.strip() for sub in subs):
        warnings.append(Problem("warning", "text after the timings (positions) was left out", file))
    track = build(
        Track,
        {"id": slug(stem), "name": stem or "Imported", "cues": cues},
        file=file,
        line=None,
        where="track",
    )
    return Imported([track], warnings=warnings)


def write(doc: CommentaryFile, file: str) -> Written:
    """SRT of the document's (only) track, what was left out, and other warnings."""
    track = doc.tracks[0]
    subs = []
    changed = 0
    for index, cue in enumerate(track.cues):
        text, was_changed = plain_lines(cue.text)
        changed += was_changed
        subs.append(
            srt_lib.Subtitle(
                index=index + 1,
                start=timedelta(milliseconds=cue.start),
                end=timedelta(milliseconds=shown_until(track.cues, index)),
                content=fold(text),
            )
        )
    # reindex=True would drop subtitles whose end is not after their start: keep them all
    out = srt_lib.compose(subs, reindex=False, strict=False)
    counts = {
        "cue ids": sum(c.id is not None for c in track.cues),
        "lenses": sum(c.lens != "alliance" for c in track.cues),
        "episode links": sum(c.episode is not None for c in track.cues),
        "presenter notes": sum(bool(c.presenter_notes) for c in track.cues),
        "open ends (given an end)": sum(c.end is None for c in track.cues),
        "episodes": len(track.episodes),
        "prompts": len(track.prompts),
        "chapters": len(doc.chapters),
    }
    lost = [f"{name} ({n})" for name, n in counts.items() if n]
    lost.append("file metadata (title, authors, licence, consent...)")
    problems = []
    if changed:
        problems.append(
            Problem(
                "warning",
                f"{changed} cue text(s) had CR line ends or control characters SRT cannot "
                "hold; they were normalised",
                file,
            )
        )
    return Written(encode(out, file), lost, problems)


FORMAT = Format((".srt",), "SRT", "application/x-subrip", one_track=True, read=read, write=write)
