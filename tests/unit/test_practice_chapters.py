"""Feedback at each chapter's end: where practice pauses and what each pause scores."""

from __future__ import annotations

from alliance_lens.model import Chapter, CommentaryFile, Episode, Practice, Track
from alliance_lens.practice.chapters import practice_stops, score_section, section_ending
from alliance_lens.practice.scoring import Mark


def _doc(feedback: str = "chapter", chapters: tuple[int, ...] = (0, 10_000)) -> CommentaryFile:
    track = Track(
        id="t",
        name="T",
        practice=Practice(feedback=feedback),  # type: ignore[arg-type]
        episodes=(
            Episode(id="a", type="withdrawal", onset=3_000),
            Episode(id="b", type="confrontation", onset=10_000),
            Episode(id="c", type="withdrawal", onset=21_000),
        ),
    )
    return CommentaryFile(
        video="v.mp4",
        title="V",
        tracks=(track,),
        chapters=tuple(Chapter(start=s, title=f"At {s}") for s in chapters),
    )


def test_stops_only_when_the_track_asks_for_chapter_feedback() -> None:
    assert practice_stops(_doc()) == [10_000]
    assert practice_stops(_doc("end")) == []
    assert practice_stops(_doc(chapters=())) == []
    assert practice_stops(_doc(chapters=(0,))) == []  # one chapter: feedback at the end
    no_settings = _doc().tracks[0].model_copy(update={"practice": None})
    assert practice_stops(_doc(), no_settings) == []


def test_a_stretch_before_the_first_chapter_is_a_section_of_its_own() -> None:
    doc = _doc(chapters=(5_000, 20_000, 20_000))  # a repeated start counts once
    assert practice_stops(doc) == [5_000, 20_000]
    first, second = section_ending(doc, 5_000), section_ending(doc, 20_000)
    assert (first.index, first.start_ms, first.end_ms, first.title) == (1, 0, 5_000, "")
    assert (second.index, second.start_ms, second.end_ms) == (2, 5_000, 20_000)
    assert second.title == "At 5000"


def test_a_section_scores_its_own_onsets_against_its_own_marks() -> None:
    doc = _doc(chapters=(0, 10_000, 20_000))
    track = doc.tracks[0]
    marks = [Mark(4_000, "withdrawal"), Mark(9_999), Mark(10_500), Mark(25_000)]
    first = score_section(track, marks, section_ending(doc, 10_000))
    assert [h.episode.id for h in first.hits] == ["a"]
    assert [m.at_ms for m in first.false_alarms] == [9_999]  # b begins at the next chapter
    assert first.misses == ()
    second = score_section(track, marks, section_ending(doc, 20_000))
    assert [(h.episode.id, h.latency_ms) for h in second.hits] == [("b", 500)]
    assert second.false_alarms == () and second.onsets == 1


def test_no_marks_in_a_section_misses_its_onsets() -> None:
    doc = _doc()
    result = score_section(doc.tracks[0], [], section_ending(doc, 10_000))
    assert [e.id for e in result.misses] == ["a"] and result.hits == ()
