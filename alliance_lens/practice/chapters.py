"""Feedback at each chapter's end (a track's ``practice.feedback: chapter``): where practice
pauses, which stretch of the video a pause closes, and the score for that stretch.

A chapter runs from its start to the next chapter's start; the stretch before the first
chapter (when it starts after 0:00) counts as one too. Practice pauses at every chapter
start after 0:00, which is where the stretch before it ends; the last stretch ends with the
video, where the whole attempt is scored as usual.

>>> from alliance_lens.model import Chapter, CommentaryFile, Episode, Practice, Track
>>> track = Track(id="t", name="T", practice=Practice(feedback="chapter"), episodes=(
...     Episode(id="a", type="withdrawal", onset=3_000),
...     Episode(id="b", type="confrontation", onset=14_000)))
>>> doc = CommentaryFile(video="v.mp4", title="V", tracks=(track,), chapters=(
...     Chapter(start=0, title="Opening"), Chapter(start=10_000, title="Second half")))
>>> practice_stops(doc)
[10000]
>>> section = section_ending(doc, 10_000)
>>> section.title, section.start_ms, section.end_ms
('Opening', 0, 10000)
>>> result = score_section(track, [Mark(4_000), Mark(12_000)], section)
>>> [h.episode.id for h in result.hits], [e.id for e in result.misses], result.false_alarms
(['a'], [], ())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import CommentaryFile, Track
from .scoring import Mark, Score, practice_track, score


@dataclass(frozen=True)
class Section:
    """A stretch of the video that a chapter-end pause closes (``end_ms`` excluded)."""

    index: int  # 1 for the first stretch
    start_ms: int
    end_ms: int
    title: str  # the chapter's title; "" for the stretch before the first chapter


def chapter_starts(doc: CommentaryFile) -> list[tuple[int, str]]:
    """Each chapter's start and title, in time order (one per start time)."""
    seen: dict[int, str] = {}
    for chapter in sorted(doc.chapters, key=lambda c: c.start):
        seen.setdefault(chapter.start, chapter.title)
    return sorted(seen.items())


def practice_stops(doc: CommentaryFile, track: Track | None = None) -> list[int]:
    """Where practice pauses for a chapter's feedback (ms); empty unless the practice track
    asks for feedback per chapter and the file has chapters after 0:00."""
    track = track if track is not None else practice_track(doc)
    if track is None or track.practice is None or track.practice.feedback != "chapter":
        return []
    return [start for start, _ in chapter_starts(doc) if start > 0]


def section_ending(doc: CommentaryFile, end_ms: int) -> Section:
    """The stretch that ends at ``end_ms`` (a stop): from the chapter start before it."""
    titles = dict(chapter_starts(doc))
    bounds = [0, *(start for start in titles if start > 0)]
    begin = max((b for b in bounds if b < end_ms), default=0)
    return Section(bounds.index(begin) + 1, begin, end_ms, titles.get(begin, ""))


def score_section(track: Track, marks: Iterable[Mark], section: Section) -> Score:
    """Score the episodes beginning in ``section`` against the marks made in it."""
    inside = range(section.start_ms, section.end_ms)
    episodes = [e for e in track.episodes if e.onset in inside]
    return score(episodes, [m for m in marks if m.at_ms in inside], track.practice)
