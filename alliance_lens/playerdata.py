"""The commentary model -> the JSON the player component receives (pure; no Streamlit).

Contract (``PLAYER_DATA_VERSION``): times are float **seconds**; every field whose name
ends in ``_html`` was produced by ``richtext`` and is the only thing the browser inserts
as HTML (everything else goes in with ``textContent``). Labels come from the vocabulary.

What each mode receives:

- ``learner``: everything but presenter notes. Reveal texts are sent up front and held
  back by the browser until the viewer answers: this is a self-study tool, not an exam,
  and fetching each reveal on demand would cost a Streamlit rerun at every prompt.
- ``presenter``: the same as learner; presenter notes are never in the player's data because
  the screen may be shared with the room. (The Watch page adds the console's notes beside it,
  shown only once a stage window is open; the stage itself gets ``stagedata``: no notes, no
  answers.)
- ``review`` and ``author``: everything, presenter notes included (educators' views).
- ``practice`` (issue 12): the video and captions only. No commentary, episodes, prompts or
  chapters are sent (their titles would give the ruptures away); instead ``practice`` carries
  the rupture types and the marker vocabulary for the learner's quick choice after a mark,
  and ``stops``: the chapter ends where a track with ``feedback: chapter`` pauses for
  feedback (times only).

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import Chapter, CommentaryFile, Cue, Track
from .playeritems import (
    RUPTURE_STYLE,
    UNTYPED,
    UNTYPED_STYLE,
    at_of,
    cue_json,
    episode_json,
    onset_of,
    open_ends,
    prompt_json,
    seconds,
    with_thumb,
)
from .practice.chapters import practice_stops
from .richtext import to_html
from .visibility import visible_tracks
from .vocabulary import ALLIANCE_ELEMENTS, Vocabulary

PLAYER_DATA_VERSION = 1
Mode = Literal["learner", "presenter", "review", "author", "practice"]
MODES: tuple[Mode, ...] = ("learner", "presenter", "review", "author", "practice")
PAGE_MODES: tuple[Mode, ...] = ("learner", "presenter", "review", "practice")  # author: own page
NOTES_MODES = frozenset({"review", "author"})

ItemKind = Literal["episode", "cue", "prompt", "chapter"]
TRACK_COLOURS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8a6d1f", "#5a6470")


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
        # where to pause for a chapter's feedback: chapter ends only, never their titles
        track = doc.practice_track_or_default()
        shown = any(t is track for t in visible_tracks(doc, "practice"))
        stops = [seconds(ms) for ms in practice_stops(doc, track)] if shown else []
        return data | {"practice": practice_choices(vocabulary) | {"stops": stops}}
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
            episode_json(e, vocabulary, untyped=True, thumb=options.thumbs.get(e.onset))
            if (track.id, e.id) in options.untyped
            else with_thumb(shown, options.thumbs.get(e.onset))
            for e, shown in zip(sorted(track.episodes, key=onset_of), episodes, strict=True)
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
    ends = open_ends(cues)
    value = (
        [cue_json(c, i, ends[i], vocabulary, notes) for i, c in enumerate(cues)],
        [episode_json(e, vocabulary) for e in sorted(track.episodes, key=onset_of)],
        [prompt_json(p, track, vocabulary) for p in sorted(track.prompts, key=at_of)],
        to_html(track.description),
    )
    with _rendered_lock:
        _rendered_cache[key] = (track, vocabulary, value)
        while len(_rendered_cache) > _RENDERED_ENTRIES:
            _rendered_cache.popitem(last=False)
    return value
