"""Whole-file rules for the teaching fields: ratings, outcomes, participants, newer prompts.

``file_rules.semantic_problems`` yields these after its own rules; each finding is
``(severity, field path, message)`` like the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .timecode import format_time

if TYPE_CHECKING:  # model imports this module: no import at run time
    from .model import CommentaryFile, Episode, Prompt

Finding = tuple[str, tuple[str | int, ...], str]


def teaching_problems(doc: CommentaryFile, vocabulary: Any | None = None) -> Iterator[Finding]:
    """Problems in participants, episode codings (3RS) and multi/marker prompts."""
    people: set[str] = set()
    for pi, person in enumerate(doc.participants):
        if person.id in people:
            yield "error", ("participants", pi, "id"), f"duplicate participant id {person.id!r}"
        people.add(person.id)
    for ti, track in enumerate(doc.tracks):
        for ei, episode in enumerate(track.episodes):
            yield from _episode(episode, ("tracks", ti, "episodes", ei), people, vocabulary)
        for pi, prompt in enumerate(track.prompts):
            yield from _prompt(prompt, ("tracks", ti, "prompts", pi), vocabulary)


def _episode(
    ep: Episode, path: tuple[str | int, ...], people: set[str], vocabulary: Any | None
) -> Iterator[Finding]:
    # 3RS codes withdrawal and confrontation markers side by side, so an episode may hold
    # both kinds; `type` is its primary type, so at least one marker should be of that type.
    if vocabulary is not None and ep.markers:
        kinds = {vocabulary.marker_type(m) for m in ep.markers} - {None}
        if kinds and ep.type not in kinds:
            yield (
                "warning",
                (*path, "type"),
                f"type is {ep.type} but every marker is a {' or '.join(sorted(kinds))} marker",
            )
    if ep.salience is not None and ep.significance not in (None, ep.salience):
        yield (
            "warning",
            (*path, "salience"),
            "salience is the older name of significance; keep one (significance is used)",
        )
    for ii, who in enumerate(ep.involved):
        if who not in people:
            listed = ", ".join(sorted(people)) or "none declared"
            # a file with no participants at all (e.g. from a format that cannot carry them)
            # still loads: the ids are kept, only the names are missing
            yield (
                "error" if people else "warning",
                (*path, "involved", ii),
                f"no participant with id {who!r} (participants: {listed})",
            )
    for ri, repair in enumerate(ep.repairs):
        if ep.resolved_at is not None and repair.at > ep.resolved_at:
            yield (
                "warning",
                (*path, "repairs", ri, "at"),
                (
                    f"repair at {format_time(repair.at)} is after the episode's resolution "
                    f"{format_time(ep.resolved_at)}"
                ),
            )
        if vocabulary is not None:
            for si, stage in enumerate(repair.stages):
                if stage not in vocabulary.stages:
                    known = ", ".join(sorted(vocabulary.stages))
                    yield (
                        "warning",
                        (*path, "repairs", ri, "stages", si),
                        f"unknown stage {stage!r}; expected one of: {known}",
                    )


def _prompt(
    prompt: Prompt, path: tuple[str | int, ...], vocabulary: Any | None
) -> Iterator[Finding]:
    several = prompt.kind in ("multi", "marker")
    if several and not prompt.correct:  # like a choice without expected: allowed, but said
        message = f"a {prompt.kind} prompt without correct: [...] has no expert answer to compare"
        yield "warning", (*path, "correct"), message
    if not several and prompt.correct:
        yield "warning", (*path, "correct"), "correct is for kind: multi or marker; use expected"
    if several and prompt.expected is not None:
        yield "warning", (*path, "expected"), "expected is for kind: choice; use correct"
    for ci, answer in enumerate(prompt.correct):
        if answer not in prompt.options:
            yield "error", (*path, "correct", ci), f"correct {answer!r} is not one of the options"
    if prompt.kind == "marker" and vocabulary is not None:
        for oi, option in enumerate(prompt.options):
            if option not in vocabulary.markers:
                known = ", ".join(sorted(vocabulary.markers))
                yield (
                    "warning",
                    (*path, "options", oi),
                    f"unknown marker {option!r}; a marker prompt's options are marker ids: {known}",
                )
