"""Whole-file rules: what a commentary file must meet beyond its fields' types (references
between items, times inside the video, vocabulary), each finding located by field path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .model import CommentaryFile, Track
from .teaching_rules import teaching_problems
from .timecode import format_time

Path_ = tuple[str | int, ...]


def semantic_problems(
    doc: CommentaryFile,
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> Iterator[tuple[str, Path_, str]]:
    """Yield ``(severity, field path, message)`` for rules that span fields or need context.

    Errors: end before start, duplicate ids, references to missing episodes, a choice prompt
    without options. Warnings: times past the video's end, overlapping episodes of one track,
    onset after resolution, unknown vocabulary ids. The rules for ratings, outcomes,
    participants and the multi/marker prompts are in ``teaching_rules``.
    """
    track_ids: set[str] = set()
    for ti, track in enumerate(doc.tracks):
        base: Path_ = ("tracks", ti)
        if track.id in track_ids:
            yield "error", (*base, "id"), f"duplicate track id {track.id!r}"
        track_ids.add(track.id)
        yield from _episode_problems(track, base, vocabulary, duration_ms)
        episode_ids = {e.id for e in track.episodes}
        for ci, cue in enumerate(track.cues):
            path = (*base, "cues", ci)
            if cue.end is not None and cue.end < cue.start:
                yield (
                    "error",
                    (*path, "end"),
                    (f"end {format_time(cue.end)} is before start {format_time(cue.start)}"),
                )
            if cue.episode is not None and cue.episode not in episode_ids:
                yield "error", (*path, "episode"), _missing_episode(cue.episode, episode_ids)
            if vocabulary is not None and cue.lens not in vocabulary.lenses:
                yield "warning", (*path, "lens"), _unknown("lens", cue.lens, vocabulary.lenses)
            yield from _past_end((*path, "start"), cue.start, duration_ms)
        prompt_ids: set[str] = set()
        for pi, prompt in enumerate(track.prompts):
            path = (*base, "prompts", pi)
            if prompt.id in prompt_ids:
                yield "error", (*path, "id"), f"duplicate prompt id {prompt.id!r}"
            prompt_ids.add(prompt.id)
            if prompt.kind != "text" and len(prompt.options) < 2:
                message = f"a {prompt.kind} prompt needs at least two options"
                yield "error", (*path, "options"), message
            if prompt.kind == "text" and prompt.options:
                yield "warning", (*path, "options"), "options are ignored for kind: text"
            if prompt.expected is not None and prompt.expected not in prompt.options:
                yield (
                    "error",
                    (*path, "expected"),
                    (f"expected {prompt.expected!r} is not one of the options"),
                )
            if prompt.episode is not None and prompt.episode not in episode_ids:
                yield "error", (*path, "episode"), _missing_episode(prompt.episode, episode_ids)
            if prompt.rewind_to is not None and prompt.rewind_to > prompt.at:
                yield "warning", (*path, "rewind_to"), "rewind point is after the prompt"
            if not prompt.reveal:
                yield "warning", (*path, "reveal"), "no commentary to reveal after answering"
            yield from _past_end((*path, "at"), prompt.at, duration_ms)
    for hi, chapter in enumerate(doc.chapters):
        yield from _past_end(("chapters", hi, "start"), chapter.start, duration_ms)
    yield from teaching_problems(doc, vocabulary)
    if doc.practice_track is not None and doc.practice_track not in track_ids:
        listed = ", ".join(sorted(track_ids))
        yield "error", ("practice_track",), f"no track with id {doc.practice_track!r} ({listed})"


def _episode_problems(
    track: Track, base: Path_, vocabulary: Any | None, duration_ms: int | None
) -> Iterator[tuple[str, Path_, str]]:
    seen: set[str] = set()
    for ei, ep in enumerate(track.episodes):
        path = (*base, "episodes", ei)
        if ep.id in seen:
            yield "error", (*path, "id"), f"duplicate episode id {ep.id!r}"
        seen.add(ep.id)
        if ep.resolved_at is not None and ep.resolved_at < ep.onset:
            yield (
                "warning",
                (*path, "resolved_at"),
                (
                    f"onset {format_time(ep.onset)} is after resolution "
                    f"{format_time(ep.resolved_at)}"
                ),
            )
        yield from _past_end((*path, "onset"), ep.onset, duration_ms)
        if vocabulary is not None:
            for mi, marker in enumerate(ep.markers):
                kind = vocabulary.marker_type(marker)
                if kind is None:
                    yield (
                        "warning",
                        (*path, "markers", mi),
                        _unknown("marker", marker, vocabulary.markers),
                    )
            for ri, repair in enumerate(ep.repairs):
                for si, strategy in enumerate(repair.strategies):
                    if strategy not in vocabulary.strategies:
                        yield (
                            "warning",
                            (*path, "repairs", ri, "strategies", si),
                            _unknown("strategy", strategy, vocabulary.strategies),
                        )
        for ri, repair in enumerate(ep.repairs):
            if repair.at < ep.onset:
                yield "warning", (*path, "repairs", ri, "at"), "repair is before the onset"
    ordered = sorted(track.episodes, key=lambda e: e.onset)
    for first, second in zip(ordered, ordered[1:], strict=False):
        end = first.resolved_at if first.resolved_at is not None else first.onset
        if second.onset < end:
            ei = track.episodes.index(second)
            yield (
                "warning",
                (*base, "episodes", ei, "onset"),
                (
                    f"episode {second.id!r} overlaps episode {first.id!r} "
                    f"(which runs to {format_time(end)})"
                ),
            )


def _past_end(path: Path_, ms: int, duration_ms: int | None) -> Iterator[tuple[str, Path_, str]]:
    if duration_ms is not None and ms > duration_ms:
        yield (
            "warning",
            path,
            (f"{format_time(ms)} is past the end of the video ({format_time(duration_ms)})"),
        )


def _missing_episode(ref: str, known: set[str]) -> str:
    listed = ", ".join(sorted(known)) or "none in this track"
    return f"no episode with id {ref!r} in this track (episodes: {listed})"


def _unknown(what: str, value: str, known: Any) -> str:
    return f"unknown {what} {value!r}; expected one of: {', '.join(sorted(known))}"
