"""The room's rupture taps against the expert onsets, pooled, with the practice-mode scoring:
each onset is a hit when a tap falls in its window, a miss otherwise (the stage's strip).

>>> from alliance_lens.model import Episode, Track
>>> track = Track(id="t", name="Expert", episodes=[
...     Episode(id="a", title="Goes quiet", type="withdrawal", onset=10_000),
...     Episode(id="b", type="confrontation", onset=62_000)])
>>> view = room_score(track, [9_000, 12_000, 14_000, 40_000], duration_ms=100_000)
>>> [(r["label"], r["hit"], r["taps"], r["latency_ms"]) for r in view["ruptures"]]
[('Goes quiet', True, 3, -1000), ('confrontation', False, 0, None)]
>>> view["noticed"], view["of"], view["outside"]
(1, 2, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alliance_lens.model import Track
from alliance_lens.practice.scoring import DEFAULT_PRACTICE, Mark, score


def room_score(track: Track, taps_ms: Iterable[int], duration_ms: int = 0) -> dict[str, Any]:
    """Plain data for the stage: per rupture (in time order) whether the room caught it, how
    many taps fell in its window and the matched tap's latency; the taps outside every window."""
    taps = sorted(int(t) for t in taps_ms)
    practice = track.practice or DEFAULT_PRACTICE
    result = score(track.episodes, [Mark(t) for t in taps], practice)
    hits = {h.episode.id: h for h in result.hits}
    last = max([duration_ms, *(e.onset + 1 for e in track.episodes), *(t + 1 for t in taps), 1])
    ruptures = []
    inside = [False] * len(taps)
    for e in sorted(track.episodes, key=lambda e: e.onset):
        low, high = e.onset - practice.window_before, e.onset + practice.window_after
        for i, t in enumerate(taps):
            inside[i] = inside[i] or low <= t <= high
        hit = hits.get(e.id)
        ruptures.append(
            {
                "label": e.title or e.type,
                "type": e.type,
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
