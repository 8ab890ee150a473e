"""Naming what an export leaves out: every field a format does not carry, with counts.

A format lists the fields it *does* carry for each kind of item; any other field that differs
from its default somewhere is named, so a field added to the model later is reported as lost
by every format until that format learns to carry it (nothing is dropped without a word).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from ..model import CommentaryFile

# item kind -> how it is named in a warning (the file's own fields are named bare)
PLURALS = {
    "track": "tracks",
    "chapter": "chapters",
    "participant": "participants",
    "episode": "episodes",
    "repair": "repairs",
    "cue": "cues",
    "prompt": "prompts",
}


def _items(doc: CommentaryFile) -> Iterable[tuple[str, BaseModel]]:
    yield "file", doc
    for chapter in doc.chapters:
        yield "chapter", chapter
    for participant in doc.participants:
        yield "participant", participant
    for track in doc.tracks:
        yield "track", track
        for episode in track.episodes:
            yield "episode", episode
            for repair in episode.repairs:
                yield "repair", repair
        for cue in track.cues:
            yield "cue", cue
        for prompt in track.prompts:
            yield "prompt", prompt


def lost_fields(doc: CommentaryFile, carried: Mapping[str, Iterable[str]]) -> list[str]:
    """What ``doc`` holds that a format carrying only ``carried`` (kind -> field names; a kind
    left out is carried whole) cannot: ``"episodes' significance (2)"``, ``"participants (4)"``."""
    keep = {kind: set(names) for kind, names in carried.items()}
    counts: dict[tuple[str, str], int] = {}
    for kind, item in _items(doc):
        if kind not in keep:
            continue
        for name, info in type(item).model_fields.items():
            if name in keep[kind]:
                continue
            value = getattr(item, name)
            if value == info.get_default(call_default_factory=True):
                continue
            many = len(value) if kind == "file" and isinstance(value, tuple) else 1
            counts[kind, name] = counts.get((kind, name), 0) + many
    out = []
    for (kind, name), n in counts.items():
        out.append(f"{name} ({n})" if kind == "file" else f"{PLURALS[kind]}' {name} ({n})")
    return out
