"""The room's rupture taps against the expert onsets, pooled, with the practice-mode scoring:
each onset is a hit when a tap falls in its window, a miss otherwise (the stage's strip).

The console carries the expert's onsets (``expert_onsets``, made once per rerun) and sends
them with each poll of the room's stage route, which scores the taps stored at that moment
(``room_score``): the strip follows the room's taps live, with no Streamlit rerun.

>>> from alliance_lens.model import Episode, Track
>>> track = Track(id="t", name="Expert", episodes=[
...     Episode(id="b", type="confrontation", onset=62_000),
...     Episode(id="a", title="Goes quiet", type="withdrawal", onset=10_000)])
>>> expert = expert_onsets(track)
>>> expert["labels"], expert["onsets_ms"], expert["window_ms"]
(['Goes quiet', 'confrontation'], [10000, 62000], [2000, 10000])
>>> view = room_score([10_000, 62_000], (2_000, 10_000), [9_000, 12_000, 14_000, 40_000],
...                   duration_ms=100_000)
>>> [(r["hit"], r["taps"], r["latency_ms"], r["at"]) for r in view["ruptures"]]
[(True, 3, -1000, 0.1), (False, 0, None, 0.62)]
>>> view["noticed"], view["of"], view["outside"]
(1, 2, 1)
>>> parse_onsets("10000,62000", "2000,10000")
([10000, 62000], (2000, 10000))
>>> try:
...     parse_onsets("10000,x", "2000,10000")
... except RoomError as exc:
...     print(exc.message)
onsets must be whole milliseconds separated by commas
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from alliance_lens.model import Episode, Practice, Track
from alliance_lens.practice.scoring import DEFAULT_PRACTICE, Mark, score
from alliance_lens.rooms.core import MAX_TAP_MS, RoomError

MAX_ONSETS = 500  # a track's ruptures: more is not a session a room can follow


def expert_onsets(track: Track) -> dict[str, Any]:
    """What the console keeps of ``track`` to have the room scored: the ruptures' labels and
    onsets in time order and the practice window (no notes, no markers, no reveal)."""
    practice = track.practice or DEFAULT_PRACTICE
    episodes = sorted(track.episodes, key=lambda e: e.onset)[:MAX_ONSETS]
    return {
        "labels": [e.title or e.type for e in episodes],
        "onsets_ms": [e.onset for e in episodes],
        "window_ms": [practice.window_before, practice.window_after],
    }


def parse_onsets(onsets: str, window: str) -> tuple[list[int], tuple[int, int]]:
    """The stage route's ``onsets`` and ``window`` query values ("ms,ms,..."), checked."""

    def ints(raw: str, what: str) -> list[int]:
        parts = [p for p in raw.split(",") if p] if raw else []
        if not all(p.isdigit() and len(p) < 10 for p in parts):
            raise RoomError(f"{what} must be whole milliseconds separated by commas")
        return [int(p) for p in parts]

    found = ints(onsets, "onsets")
    if len(found) > MAX_ONSETS or any(t > MAX_TAP_MS for t in found):
        raise RoomError(f"at most {MAX_ONSETS} onsets, each within 24 hours")
    before_after = ints(window, "window")
    if len(before_after) != 2:
        raise RoomError("window must be two numbers: milliseconds before and after an onset")
    return found, (before_after[0], before_after[1])


def room_score(
    onsets_ms: Sequence[int],
    window_ms: tuple[int, int],
    taps_ms: Iterable[int],
    duration_ms: int = 0,
) -> dict[str, Any]:
    """Plain data for the stage: per onset (in the order given, which is time order) whether
    the room caught it, how many taps fell in its window and the matched tap's latency; the
    taps outside every window. The console adds the labels it holds."""
    taps = sorted(int(t) for t in taps_ms)
    practice = Practice(window_before=window_ms[0], window_after=window_ms[1])
    episodes = [Episode(id=f"o{i}", type="withdrawal", onset=t) for i, t in enumerate(onsets_ms)]
    result = score(episodes, [Mark(t) for t in taps], practice)
    hits = {h.episode.id: h for h in result.hits}
    last = max([duration_ms, *(t + 1 for t in onsets_ms), *(t + 1 for t in taps), 1])
    ruptures = []
    inside = [False] * len(taps)
    for e in episodes:
        low, high = e.onset - practice.window_before, e.onset + practice.window_after
        for i, t in enumerate(taps):
            inside[i] = inside[i] or low <= t <= high
        hit = hits.get(e.id)
        ruptures.append(
            {
                "onset_ms": e.onset,
                "at": round(e.onset / last, 4),  # where on the timeline, 0..1
                "hit": hit is not None,
                "taps": sum(low <= t <= high for t in taps),
                "latency_ms": hit.latency_ms if hit else None,
            }
        )
    return {
        "ruptures": ruptures,
        "noticed": len(result.hits),
        "of": result.onsets,
        # pooled, one tap per onset is its hit; the room's other taps in a window are no
        # false alarm, so "outside" counts only the taps no rupture's window holds
        "outside": inside.count(False),
        "taps": len(taps),
    }
