"""What the stage window and the presenter's console receive beyond the player's data (pure).

The **stage** is the window shared with the room. It gets presenter-mode data with every
answer held back: no presenter notes (presenter mode never sends them) and, for each prompt,
no ``reveal_html``, ``expected`` or ``correct``. The console sends those over the channel only
when the presenter reveals the prompt, so the stage's page never holds them before that.

The **console** (the Watch page in presenter mode) gets ``console``: the stage's address and,
only while a stage window follows it, the presenter notes of the chosen tracks (a list of noted
cues). Until a stage is open the console may itself be the screen the room sees, so the notes
are not even sent (``notes_held`` says how many there are); the console's ``stage`` trigger
tells the page when a stage connects or goes away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from .model import CommentaryFile
from .playerdata import PlayerOptions, VideoSource, build_player_data
from .playeritems import open_ends, seconds
from .richtext import to_html
from .visibility import visible_tracks
from .vocabulary import Vocabulary

STAGE_ROUTE = "/stage"  # the page; its data is at STAGE_DATA_ROUTE, its scripts at STAGE_ASSETS
STAGE_DATA_ROUTE = "/stage-data"
STAGE_ASSETS = "/stage-assets"
HELD_BACK = ("reveal_html", "expected", "correct")  # a prompt's answer: sent on reveal only


def stage_query(track_ids: Sequence[str] | None) -> str:
    """The query naming the chosen tracks (empty: every track).

    >>> stage_query(["expert", "b c"]), stage_query(None)
    ('?tracks=expert%2Cb+c', '')
    """
    return "" if track_ids is None else "?" + urlencode({"tracks": ",".join(track_ids)})


def stage_url(slug: str, track_ids: Sequence[str] | None = None) -> str:
    """The stage page for a video and its chosen tracks.

    >>> stage_url("sample 1", ["expert"])
    '/stage/sample%201?tracks=expert'
    """
    return f"{STAGE_ROUTE}/{quote(slug, safe='')}{stage_query(track_ids)}"


def stage_data_url(slug: str, track_ids: Sequence[str] | None = None) -> str:
    return f"{STAGE_DATA_ROUTE}/{quote(slug, safe='')}{stage_query(track_ids)}"


def parse_tracks(raw: str | None) -> tuple[str, ...] | None:
    """``?tracks=a,b`` -> ("a", "b"); absent -> None (every track); empty -> none.

    >>> parse_tracks("a,b"), parse_tracks(None), parse_tracks("")
    (('a', 'b'), None, ())
    """
    if raw is None:
        return None
    return tuple(t for t in raw.split(",") if t)


def build_stage_data(
    doc: CommentaryFile,
    vocabulary: Vocabulary,
    video: VideoSource,
    track_ids: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Presenter data without any answer: what the room's window may hold at any moment."""
    options = PlayerOptions(mode="presenter", track_ids=track_ids)
    data = build_player_data(doc, vocabulary, video, options)
    # the rendered lists are shared with a cache: build new dicts, never change them
    data["tracks"] = [
        {**t, "prompts": [_without_answer(p) for p in t["prompts"]]} for t in data["tracks"]
    ]
    data["answers"] = {}
    data["mode"] = "stage"
    return data


def _without_answer(prompt: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prompt.items() if k not in HELD_BACK}


def console_data(
    doc: CommentaryFile, slug: str, track_ids: tuple[str, ...] | None = None, *, notes: bool
) -> dict[str, Any]:
    """The console's extras: where its stage is, and (``notes``) the notes by cue, in time."""
    chosen = set(track_ids) if track_ids is not None else None
    noted: list[dict[str, Any]] = []
    for track in visible_tracks(doc, "presenter"):
        if chosen is not None and track.id not in chosen:
            continue
        cues = sorted(track.cues, key=lambda c: c.start)
        ends = open_ends(cues)
        for index, cue in enumerate(cues):
            if cue.presenter_notes:
                noted.append(
                    {
                        "track": track.id,
                        "cue": cue.id or f"cue-{index + 1}",
                        "start": seconds(cue.start),
                        "end": seconds(ends[index]),
                        "notes_html": to_html(cue.presenter_notes),
                    }
                )
    noted.sort(key=lambda n: n["start"])
    return {
        "stage_url": stage_url(slug, track_ids),
        "channel": f"alliance-lens-stage:{slug}",
        "notes": noted if notes else [],
        "notes_held": 0 if notes else len(noted),
    }
