"""One commentary item (cue, episode with its repairs, prompt) as the player's JSON, and the
rupture styles the timeline draws; the per-item half of playerdata.py (pure; no Streamlit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import Cue, Episode, Prompt, Repair, Track
from .richtext import to_html
from .vocabulary import Vocabulary

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. The timeline
# also draws a pattern and a letter, so the type never rests on colour alone.
RUPTURE_STYLE: dict[str, dict[str, str]] = {
    "withdrawal": {"colour": "#0072B2", "pattern": "dots", "letter": "W", "label": "Withdrawal"},
    "confrontation": {
        "colour": "#D55E00",
        "pattern": "stripes",
        "letter": "C",
        "label": "Confrontation",
    },
}
# An onset marked before its type is chosen (author mode): neutral, and never mistaken for
# either type (grey, dashed border, "?").
UNTYPED = "untyped"
UNTYPED_STYLE: dict[str, str] = {
    "colour": "#767676",  # 4.5:1 against the white letter
    "pattern": "dashed",
    "letter": "?",
    "label": "Type not chosen yet",
}
THUMB_PREFIX = "data:image/jpeg;base64,"


def seconds(ms: int | None) -> float | None:
    """Integer milliseconds -> float seconds for the browser.

    >>> seconds(1500), seconds(None)
    (1.5, None)
    """
    return None if ms is None else ms / 1000


def open_ends(ordered: list[Cue]) -> list[int | None]:
    """Each cue's end; a cue without one stays current until a later one begins (one pass)."""
    ends: list[int | None] = [None] * len(ordered)
    later: int | None = None
    for i in range(len(ordered) - 1, -1, -1):
        if i + 1 < len(ordered) and ordered[i + 1].start > ordered[i].start:
            later = ordered[i + 1].start
        ends[i] = ordered[i].end if ordered[i].end is not None else later
    return ends


def with_thumb(episode: dict[str, Any], thumb: str | None) -> dict[str, Any]:
    if isinstance(thumb, str) and thumb.startswith(THUMB_PREFIX):
        return {**episode, "thumb": thumb}
    return episode


def onset_of(episode: Episode) -> int:
    return episode.onset


def at_of(item: Prompt | Repair) -> int:
    return item.at


def cue_json(
    cue: Cue, index: int, end: int | None, vocabulary: Vocabulary, notes: bool
) -> dict[str, Any]:
    lens = vocabulary.lens(cue.lens)
    out: dict[str, Any] = {
        "id": cue.id or f"cue-{index + 1}",
        "start": seconds(cue.start),
        "end": seconds(end),
        "lens": cue.lens,
        "lens_label": lens.label,
        "lens_colour": lens.colour,
        "episode": cue.episode,
        "html": to_html(cue.text),
    }
    if notes and cue.presenter_notes:
        out["notes_html"] = to_html(cue.presenter_notes)
    return out


def labelled(ids: Iterable[str], label: Any) -> list[dict[str, str]]:
    return [{"id": i, "label": label(i)} for i in ids]


def episode_json(
    episode: Episode, vocabulary: Vocabulary, *, untyped: bool = False, thumb: str | None = None
) -> dict[str, Any]:
    style = UNTYPED_STYLE if untyped else RUPTURE_STYLE[episode.type]
    out: dict[str, Any] = {
        "id": episode.id,
        "title": episode.title or ("New rupture" if untyped else f"{style['label']} rupture"),
        "type": UNTYPED if untyped else episode.type,
        "type_label": style["label"],
        "onset": seconds(episode.onset),
        "resolved": seconds(episode.resolved_at),
        "markers": [
            m | {"kind": vocabulary.marker_type(m["id"])}
            for m in labelled(episode.markers, vocabulary.marker_label)
        ],
        "salience": episode.salience,
        "significance": episode.rated_significance,
        "resolution": episode.resolution,
        "resolution_rating": episode.resolution_rating,
        "alliance": list(episode.alliance),
        "involved": list(episode.involved),
        "repairs": [
            {
                "at": seconds(r.at),
                "strategies": labelled(r.strategies, vocabulary.strategy_label),
                "depth": r.depth,
                "directness": r.directness,
                "outcome": r.outcome,
                "stages": labelled(r.stages, vocabulary.stage_label),
                "note_html": to_html(r.note),
            }
            for r in sorted(episode.repairs, key=at_of)
        ],
        "commentary_html": to_html(episode.commentary),
    }
    if isinstance(thumb, str) and thumb.startswith(THUMB_PREFIX):
        out["thumb"] = thumb
    return out


def prompt_json(prompt: Prompt, track: Track, vocabulary: Vocabulary) -> dict[str, Any]:
    # a marker prompt names vocabulary ids; the viewer sees (and answers with) their labels
    label = vocabulary.marker_label if prompt.kind == "marker" else str
    several = prompt.kind in ("multi", "marker")
    return {
        "id": prompt.id,
        "at": seconds(prompt.at),
        "kind": prompt.kind,
        "question_html": to_html(prompt.question),
        "options": [label(o) for o in prompt.options] if prompt.kind != "text" else [],
        "expected": prompt.expected if prompt.kind == "choice" else None,
        "correct": [label(c) for c in prompt.correct] if several else [],
        "reveal_html": to_html(prompt.reveal),
        "episode": prompt.episode,
        "rewind_to": seconds(track.rewind_point(prompt)),
    }
