"""The commentary model -> the JSON the player component receives (pure; no Streamlit).

Contract (``PLAYER_DATA_VERSION``): times are float **seconds**; every field whose name
ends in ``_html`` was produced by ``richtext`` and is the only thing the browser inserts
as HTML (everything else goes in with ``textContent``). Labels come from the vocabulary.

What each mode receives:

- ``learner``: everything but presenter notes. Reveal texts are sent up front and held
  back by the browser until the viewer answers: this is a self-study tool, not an exam,
  and fetching each reveal on demand would cost a Streamlit rerun at every prompt.
- ``presenter``: the same as learner; presenter notes are never sent because the screen
  is shared with the room.
- ``review`` and ``author``: everything, presenter notes included (educators' views).
- ``practice`` (issue 12): the video and captions only. No commentary, episodes, prompts or
  chapters are sent (their titles would give the ruptures away); instead ``practice`` carries
  the rupture types and the marker vocabulary for the learner's quick choice after a mark.

The teaching fields follow the same rule as the episode data they belong to: 3RS ratings
(``significance``, ``resolution_rating``), each repair's ``outcome`` and ``stages``, who is
``involved`` and a prompt's ``correct`` answers are sent in every mode and, in learner mode,
held back by the browser exactly like the episode spans, repairs and reveals are today (no
field reaches a learner earlier than those). Each marker carries its ``kind`` (withdrawal or
confrontation; an episode may hold both). Chapters carry ``safe_to_show_early``; a marker
prompt's options and correct answers are sent as vocabulary labels.

Draft tracks (and every track of a draft file) are left out in ``learner`` mode only
(``visibility``); presenters and educators preview them.

Fields for the Author page (``PlayerOptions``; the Watch page never sets them):

- ``selected``: ``{kind: episode|cue|prompt|chapter, track, id}`` (author mode only; ``track``
  is None for chapters): the item the page has selected, highlighted on the timeline and
  in the list, and the target of the ``nudge`` trigger and the in/out marks.
- ``dirty``: True while the page has unsaved changes; the player then registers a
  ``beforeunload`` warning (any mode: the Author page's learner preview keeps it too).
- ``untyped``: episodes (track id, episode id) whose type is not chosen yet; they are sent
  with ``type: "untyped"`` and drawn grey with a "?" (``UNTYPED_STYLE``).

An episode may carry ``thumb``, a ``data:image/jpeg;base64,`` picture of its onset frame
(``PlayerOptions.thumbs``, by onset ms), shown in its timeline tooltip. It is a picture of the
video itself, so it is sent in every mode; learners only see it once the span is revealed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import Chapter, CommentaryFile, Cue, Episode, Prompt, Repair, Track
from .richtext import to_html
from .visibility import visible_tracks
from .vocabulary import ALLIANCE_ELEMENTS, Vocabulary

PLAYER_DATA_VERSION = 1
Mode = Literal["learner", "presenter", "review", "author", "practice"]
MODES: tuple[Mode, ...] = ("learner", "presenter", "review", "author", "practice")
PAGE_MODES: tuple[Mode, ...] = ("learner", "presenter", "review", "practice")  # author: own page
NOTES_MODES = frozenset({"review", "author"})

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
ItemKind = Literal["episode", "cue", "prompt", "chapter"]
TRACK_COLOURS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8a6d1f", "#5a6470")


def seconds(ms: int | None) -> float | None:
    """Integer milliseconds -> float seconds for the browser.

    >>> seconds(1500), seconds(None)
    (1.5, None)
    """
    return None if ms is None else ms / 1000


@dataclass(frozen=True)
class VideoSource:
    """What the page knows about the video, already resolved to browser URLs."""

    src: str | None  # media route URL or https URL; None when there is nothing to play
    fps: float | None = None
    duration_ms: int | None = None
    captions_src: str | None = None
    problem: str = ""  # shown over the player instead of the video when set


@dataclass(frozen=True)
class Command:
    """A Python -> browser command; the browser acts once per new nonce."""

    action: Literal["seek", "play", "pause", "practice_reset"]
    nonce: str
    at_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "nonce": self.nonce, "at": seconds(self.at_ms)}


@dataclass(frozen=True)
class Selected:
    """The item the Author page has selected, as the player knows it."""

    kind: ItemKind
    id: str
    track: str | None = None  # None for chapters (they belong to the file)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "track": self.track}


@dataclass(frozen=True)
class PlayerOptions:
    mode: Mode = "learner"
    track_ids: tuple[str, ...] | None = None  # None: every track
    captions_on: bool = True
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # "track/prompt"
    command: Command | None = None
    selected: Selected | None = None  # author mode only
    dirty: bool = False
    untyped: frozenset[tuple[str, str]] = frozenset()  # (track id, episode id)
    thumbs: Mapping[int, str] = field(default_factory=dict)  # onset ms -> data URI


def answer_key(track_id: str, prompt_id: str) -> str:
    return f"{track_id}/{prompt_id}"


def build_player_data(
    doc: CommentaryFile,
    vocabulary: Vocabulary,
    video: VideoSource,
    options: PlayerOptions | None = None,
) -> dict[str, Any]:
    """Everything the player needs for one video, shaped for ``mode``."""
    options = options or PlayerOptions()
    if options.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {options.mode!r}")
    if options.mode == "practice":
        # blind: nothing of the commentary leaves the server, only what a mark may name
        data = build_video_only_data(doc.title, video, options, language=doc.language)
        return data | {"practice": practice_choices(vocabulary)}
    notes = options.mode in NOTES_MODES
    chosen = set(options.track_ids) if options.track_ids is not None else None
    visible = {id(t) for t in visible_tracks(doc, options.mode)}  # learners never get a draft
    tracks = [
        _track(track, index, vocabulary, notes, options)
        for index, track in enumerate(doc.tracks)
        if id(track) in visible and (chosen is None or track.id in chosen)
    ]
    known = {answer_key(t["id"], p["id"]) for t in tracks for p in t["prompts"]}
    data = build_video_only_data(doc.title, video, options, language=doc.language)
    data |= {
        "chapters": [_chapter(c, i) for i, c in enumerate(sorted(doc.chapters, key=_start))],
        "participants": [p.model_dump(mode="json") for p in doc.participants],
        "tracks": tracks,
        "answers": {k: dict(v) for k, v in options.answers.items() if k in known},
    }
    return data


def practice_choices(vocabulary: Vocabulary) -> dict[str, Any]:
    """The quick choice after a practice mark: the two types and each type's markers."""
    return {
        "types": [{"id": t, "label": style["label"]} for t, style in RUPTURE_STYLE.items()],
        "markers": {
            t: [{"id": m.id, "label": m.label} for m in vocabulary.markers_of(t).values()]
            for t in RUPTURE_STYLE
        },
    }


def build_video_only_data(
    title: str, video: VideoSource, options: PlayerOptions | None = None, *, language: str = "en"
) -> dict[str, Any]:
    """Player data with no commentary (a file with errors): the video still plays."""
    options = options or PlayerOptions()
    if options.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {options.mode!r}")
    author = options.mode == "author"
    return {
        "version": PLAYER_DATA_VERSION,
        "mode": options.mode,
        "title": title,
        "language": language,
        "video": {
            "src": video.src,
            "fps": video.fps,
            "duration": seconds(video.duration_ms),
            "problem": video.problem,
        },
        "captions": (
            {"src": video.captions_src, "lang": language, "on": options.captions_on}
            if video.captions_src
            else None
        ),
        "chapters": [],
        "participants": [],
        "alliance_elements": {
            k: {"label": label, "definition": definition}
            for k, (label, definition) in ALLIANCE_ELEMENTS.items()
        },
        "tracks": [],
        "rupture_types": RUPTURE_STYLE | {UNTYPED: UNTYPED_STYLE}
        if author or options.untyped
        else RUPTURE_STYLE,
        "answers": {},
        "command": options.command.to_json() if options.command else None,
        "selected": options.selected.to_json() if author and options.selected else None,
        "dirty": bool(options.dirty),
    }


def _start(item: Chapter | Cue) -> int:
    return item.start


def _chapter(chapter: Chapter, index: int) -> dict[str, Any]:
    return {
        "id": chapter.id or f"chapter-{index + 1}",
        "start": seconds(chapter.start),
        "title": chapter.title,
        "safe_to_show_early": chapter.safe_to_show_early,
    }


def _track(
    track: Track, index: int, vocabulary: Vocabulary, notes: bool, options: PlayerOptions
) -> dict[str, Any]:
    cues, episodes, prompts, description = _rendered(track, vocabulary, notes)
    return {
        "id": track.id,
        "name": track.name,
        "colour": track.colour or TRACK_COLOURS[index % len(TRACK_COLOURS)],
        "description_html": description,
        "cues": cues,
        "episodes": [
            _episode(e, vocabulary, untyped=True, thumb=options.thumbs.get(e.onset))
            if (track.id, e.id) in options.untyped
            else _with_thumb(shown, options.thumbs.get(e.onset))
            for e, shown in zip(sorted(track.episodes, key=_onset), episodes, strict=True)
        ],
        "prompts": prompts,
    }


# A track's rendered items (Markdown to HTML is most of the cost: ~0.1 ms an item) kept for
# the few tracks on screen, so a rerun with a 10,000-cue track does not render it again.
# Keyed by identity; the entry holds the track and vocabulary so their ids stay theirs.
# Models are immutable; the lists are shared, and nothing downstream changes them.
_RENDERED_ENTRIES = 16
_rendered_cache: OrderedDict[tuple[int, int, bool], tuple[Any, ...]] = OrderedDict()
_rendered_lock = threading.Lock()


def _rendered(
    track: Track, vocabulary: Vocabulary, notes: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]:
    key = (id(track), id(vocabulary), notes)
    with _rendered_lock:
        hit = _rendered_cache.get(key)
        if hit is not None and hit[0] is track and hit[1] is vocabulary:
            _rendered_cache.move_to_end(key)
            return hit[2]
    cues = sorted(track.cues, key=_start)
    ends = _open_ends(cues)
    value = (
        [_cue(c, i, ends[i], vocabulary, notes) for i, c in enumerate(cues)],
        [_episode(e, vocabulary) for e in sorted(track.episodes, key=_onset)],
        [_prompt(p, track, vocabulary) for p in sorted(track.prompts, key=_at)],
        to_html(track.description),
    )
    with _rendered_lock:
        _rendered_cache[key] = (track, vocabulary, value)
        while len(_rendered_cache) > _RENDERED_ENTRIES:
            _rendered_cache.popitem(last=False)
    return value


def _open_ends(ordered: list[Cue]) -> list[int | None]:
    """Each cue's end; a cue without one stays current until a later one begins (one pass)."""
    ends: list[int | None] = [None] * len(ordered)
    later: int | None = None
    for i in range(len(ordered) - 1, -1, -1):
        if i + 1 < len(ordered) and ordered[i + 1].start > ordered[i].start:
            later = ordered[i + 1].start
        ends[i] = ordered[i].end if ordered[i].end is not None else later
    return ends


def _with_thumb(episode: dict[str, Any], thumb: str | None) -> dict[str, Any]:
    if isinstance(thumb, str) and thumb.startswith(THUMB_PREFIX):
        return {**episode, "thumb": thumb}
    return episode


def _onset(episode: Episode) -> int:
    return episode.onset


def _at(item: Prompt | Repair) -> int:
    return item.at


def _cue(
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


def _labelled(ids: Iterable[str], label: Any) -> list[dict[str, str]]:
    return [{"id": i, "label": label(i)} for i in ids]


def _episode(
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
            for m in _labelled(episode.markers, vocabulary.marker_label)
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
                "strategies": _labelled(r.strategies, vocabulary.strategy_label),
                "depth": r.depth,
                "directness": r.directness,
                "outcome": r.outcome,
                "stages": _labelled(r.stages, vocabulary.stage_label),
                "note_html": to_html(r.note),
            }
            for r in sorted(episode.repairs, key=_at)
        ],
        "commentary_html": to_html(episode.commentary),
    }
    if isinstance(thumb, str) and thumb.startswith(THUMB_PREFIX):
        out["thumb"] = thumb
    return out


def _prompt(prompt: Prompt, track: Track, vocabulary: Vocabulary) -> dict[str, Any]:
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
