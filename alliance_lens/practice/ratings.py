"""3RS-style rating sheets: segments, the expert sheet from the episodes, and agreement.

A sheet has one row per segment (the chapters, or fixed N-minute segments): each rupture type
absent or present with a significance 1-5, the markers and repair strategies seen, and a
resolution 1-5. Agreement is computed over segments x types.

>>> from alliance_lens.model import Episode, Track
>>> track = Track(id="t", name="T", episodes=(
...     Episode(id="a", type="withdrawal", onset=70_000, resolved_at=130_000, salience=4),))
>>> segs = fixed_segments(60_000, 180_000)
>>> [(r.start_ms, r.withdrawal, r.confrontation) for r in expert_sheet(track, segs)]
[(0, None, None), (60000, 4, None), (120000, 4, None)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model import CommentaryFile, Episode, Practice, Track
from .agreement import ICC, CohenKappa, FleissKappa, cohen_kappa, fleiss_kappa, icc_2_1

RUPTURE_TYPES = ("withdrawal", "confrontation")
DEFAULT_SEGMENT_MS = 5 * 60_000  # the 3RS rates five-minute segments
DEFAULT_SIGNIFICANCE = 3  # an episode without a salience counts as middling
RESOLUTION_SCALE = {"unresolved": 1, "partly": 3, "resolved": 5}


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int  # exclusive
    title: str = ""


@dataclass(frozen=True)
class SheetRow:
    """One segment's ratings; a type is present when it has a significance (1-5)."""

    start_ms: int
    withdrawal: int | None = None
    confrontation: int | None = None
    markers: frozenset[str] = frozenset()
    strategies: frozenset[str] = frozenset()
    resolution: int | None = None

    def significance(self, rupture_type: str) -> int | None:
        return self.withdrawal if rupture_type == "withdrawal" else self.confrontation


Sheet = Sequence[SheetRow]


def fixed_segments(length_ms: int, end_ms: int) -> list[Segment]:
    """Consecutive segments of ``length_ms`` covering 0..end_ms (at least one).

    >>> fixed_segments(300_000, 650_000)[-1]
    Segment(start_ms=600000, end_ms=650000, title='10:00')
    """
    if length_ms <= 0:
        raise ValueError(f"segment length must be positive, found {length_ms} ms")
    starts = range(0, max(end_ms, 1), length_ms)
    return [
        Segment(s, min(s + length_ms, max(end_ms, 1)), f"{s // 60_000}:{s // 1000 % 60:02d}")
        for s in starts
    ]


def segments_for(
    doc: CommentaryFile, track: Track, duration_ms: int | None = None
) -> list[Segment]:
    """The track's segments: fixed N minutes if its practice says so, else the chapters,
    else five-minute segments. Without a known duration the last episode or chapter ends it."""
    end = duration_ms if duration_ms is not None else _content_end(doc, track)
    minutes = track.practice.segment_minutes if track.practice else None
    if minutes is not None:
        return fixed_segments(minutes * 60_000, end)
    chapters = sorted(doc.chapters, key=lambda c: c.start)
    if not chapters:
        return fixed_segments(DEFAULT_SEGMENT_MS, end)
    bounds = [c.start for c in chapters[1:]] + [max(end, chapters[-1].start + 1)]
    # Time before the first chapter belongs to it: every moment is in some segment.
    return [
        Segment(0 if i == 0 else c.start, bound, c.title)
        for i, (c, bound) in enumerate(zip(chapters, bounds, strict=True))
    ]


def _content_end(doc: CommentaryFile, track: Track) -> int:
    times = [c.start for c in doc.chapters]
    for ep in track.episodes:
        times += [ep.onset, ep.resolved_at or 0, *(r.at for r in ep.repairs)]
    return max(times, default=0) + 1


def _overlaps(episode: Episode, segment: Segment) -> bool:
    end = episode.resolved_at if episode.resolved_at is not None else episode.onset
    return episode.onset < segment.end_ms and max(end, episode.onset) >= segment.start_ms


def expert_sheet(
    track: Track, segments: Sequence[Segment], practice: Practice | None = None
) -> list[SheetRow]:
    """The expert's sheet: the authored one if the track has it, else derived from episodes.

    Derived: an episode overlapping a segment makes its type present there with its salience
    (the highest, if several), its markers, the strategies of its repairs in the segment, and
    its resolution mapped to 1/3/5 (the lowest, if several).
    """
    practice = practice or track.practice
    if practice is not None and practice.sheet:
        rows = []
        for seg in segments:
            # A row rates the segment its start falls in (a later row for it wins).
            inside = [r for r in practice.sheet if seg.start_ms <= r.start < seg.end_ms]
            r = inside[-1] if inside else None
            rows.append(
                SheetRow(seg.start_ms)
                if r is None
                else SheetRow(
                    seg.start_ms,
                    r.withdrawal,
                    r.confrontation,
                    frozenset(r.markers),
                    frozenset(r.strategies),
                    r.resolution,
                )
            )
        return rows
    return [_derived_row(track.episodes, seg) for seg in segments]


def _derived_row(episodes: Iterable[Episode], seg: Segment) -> SheetRow:
    significance: dict[str, int] = {}
    markers: set[str] = set()
    strategies: set[str] = set()
    resolutions: list[int] = []
    for ep in episodes:
        if not _overlaps(ep, seg):
            continue
        level = ep.salience or DEFAULT_SIGNIFICANCE
        significance[ep.type] = max(significance.get(ep.type, 0), level)
        markers.update(ep.markers)
        for repair in ep.repairs:
            if seg.start_ms <= repair.at < seg.end_ms:
                strategies.update(repair.strategies)
        if ep.resolution is not None:
            resolutions.append(RESOLUTION_SCALE[ep.resolution])
    return SheetRow(
        seg.start_ms,
        significance.get("withdrawal"),
        significance.get("confrontation"),
        frozenset(markers),
        frozenset(strategies),
        min(resolutions, default=None),
    )


# ---------------------------------------------------------------- agreement


def _by_start(sheet: Sheet) -> Mapping[int, SheetRow]:
    return {row.start_ms: row for row in sheet}


def _items(sheet: Sheet, starts: Sequence[int]) -> list[int | None]:
    """Significance (None = absent) per segment x type, in a fixed order."""
    rows = _by_start(sheet)
    return [rows[s].significance(t) if s in rows else None for s in starts for t in RUPTURE_TYPES]


def presence_agreement(learner: Sheet, expert: Sheet) -> CohenKappa:
    """Cohen's kappa for presence over the expert's segments x types (a segment the learner
    left out counts as absent), with percent agreement."""
    starts = [row.start_ms for row in expert]
    mine = [v is not None for v in _items(learner, starts)]
    theirs = [v is not None for v in _items(expert, starts)]
    return cohen_kappa(mine, theirs)


def cohort_presence(sheets: Sequence[Sheet], starts: Sequence[int]) -> FleissKappa:
    """Fleiss' kappa for presence across learners over segments x types."""
    columns = [_items(sheet, starts) for sheet in sheets]
    counts = []
    for i in range(len(starts) * len(RUPTURE_TYPES)):
        present = sum(col[i] is not None for col in columns)
        counts.append([len(columns) - present, present])
    return fleiss_kappa(counts)


def cohort_significance(sheets: Sequence[Sheet], starts: Sequence[int]) -> ICC:
    """ICC(2,1) for significance across learners over segments x types; absent counts as 0."""
    columns = [[v or 0 for v in _items(sheet, starts)] for sheet in sheets]
    items = len(starts) * len(RUPTURE_TYPES)
    return icc_2_1([[col[i] for col in columns] for i in range(items)])
