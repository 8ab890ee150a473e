"""Streamlit helpers for practice mode on the Watch page: the finish trigger, the learner's
cohort settings, and the feedback against the expert track (issue 12).

The marks arrive once, in the ``practice`` trigger's callback (it runs before the script and
must not draw), which only keeps them in the session; the script then scores them with the
pure ``alliance_lens.practice`` functions, stores the attempt once, and draws the feedback.
"""

from __future__ import annotations

import uuid
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from alliance_lens import practicereport as report
from alliance_lens.attempts import PHASES
from alliance_lens.library import Entry, Library
from alliance_lens.playerdata import Command
from alliance_lens.practice.chapters import Section, score_section, section_ending
from alliance_lens.practice.scoring import clock, practice_track, score_track, summary
from alliance_lens.ui import learner
from alliance_lens.ui.rating_sheet import render_rating_sheet
from alliance_lens.ui.safe_text import lit, subheader
from alliance_lens.visibility import visible_tracks

FINISHED_KEY = "practice_finished"  # {slug: {"marks": [...], "saved": attempt no. | None, ...}}
CHAPTER_KEY = "practice_chapter"  # {slug: {"marks": [...], "until_ms": the chapter's end}}
COHORT_KEY = "practice_cohort"
PHASE_KEY = "practice_phase"
NO_PHASE = "not set"

HOW_IT_WORKS = (
    "Practice: the commentary is hidden. Press **M** (or the large button) the moment you "
    "notice a rupture begin; name its type with **1** / **2** if you like, and its markers. "
    "**U** undoes, **,** / **.** move the last mark. At the end (or when you press Finish) "
    "you see how your marks compare with the expert's."
)
OUTCOME_COLOURS = {"hit": "#009E73", "missed": "#D55E00", "false alarm": "#CC79A7"}


def handle_practice(payload: Any = None, *, slug: str | None = None) -> None:
    """The player sent the marks (video ended or Finish). Keep them for the script."""
    from alliance_lens.player import trigger_value
    from alliance_lens.ui.watch import PLAYER_KEY, SLUG_KEY

    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "practice")
    slug = slug or st.session_state.get(SLUG_KEY)
    if not isinstance(payload, dict) or not slug:
        return
    marks = report.marks_from_payload(payload)
    chapters = st.session_state.setdefault(CHAPTER_KEY, {})
    until = payload.get("until_ms")
    if payload.get("reason") == "chapter" and isinstance(until, int) and until > 0:
        chapters[slug] = {"marks": marks, "until_ms": until}  # the attempt goes on
        return
    chapters.pop(slug, None)
    st.session_state.setdefault(FINISHED_KEY, {})[slug] = {"marks": marks, "saved": None}


def sidebar_settings() -> tuple[str, Any]:
    """The cohort label and before/after-training tag the learner's attempts carry."""
    with st.sidebar:
        st.markdown("**Practice**")
        cohort = st.text_input(
            "Cohort label (optional)",
            key=COHORT_KEY,
            max_chars=80,
            help="Given by your educator, e.g. a course name; it groups attempts in the "
            "cohort view.",
        )
        phase = st.radio(
            "Before or after the training?",
            [NO_PHASE, *PHASES],
            key=PHASE_KEY,
            horizontal=True,
        )
    return cohort.strip(), None if phase == NO_PHASE else phase


def retry(slug: str) -> None:
    """Start over: forget the shown result and tell the player to clear its marks."""
    from alliance_lens.ui.watch import COMMAND_KEY

    st.session_state.get(FINISHED_KEY, {}).pop(slug, None)
    st.session_state.get(CHAPTER_KEY, {}).pop(slug, None)
    st.session_state[COMMAND_KEY] = Command("practice_reset", uuid.uuid4().hex)


def replay(at_ms: int) -> None:
    from alliance_lens.ui.watch import request_seek

    request_seek(at_ms)


def render_practice(entry: Entry, library: Library) -> None:
    """Below the player: how it works, or the feedback (saved once); then the rating sheet."""
    track = practice_track(entry.doc) if entry.doc is not None else None
    if entry.doc is not None and track not in visible_tracks(entry.doc, "practice"):
        track = None  # a draft track is not practised against (learners never see drafts)
    _practice_feedback(entry, library, track)
    if track is not None and track.episodes:
        finished = entry.slug in st.session_state.get(FINISHED_KEY, {})
        render_rating_sheet(entry, library, track, sidebar_settings_values()[0], compare=finished)


def _practice_feedback(entry: Entry, library: Library, track: Any) -> None:
    slug = entry.slug
    done = st.session_state.get(FINISHED_KEY, {}).get(slug)
    if done is None:
        chapter = st.session_state.get(CHAPTER_KEY, {}).get(slug)
        if chapter is not None and track is not None and entry.doc is not None:
            section = section_ending(entry.doc, chapter["until_ms"])
            _chapter_feedback(score_section(track, chapter["marks"], section), section, library)
            return
        st.caption(HOW_IT_WORKS)
        if track is None:
            st.info("This video has no expert ruptures to practise against yet.")
        return
    if track is None:
        return
    cohort, phase = sidebar_settings_values()
    if done["saved"] is None:
        attempt, problem = learner.save_practice_attempt(
            slug, track.id, done["marks"], cohort=cohort, phase=phase
        )
        done["saved"] = attempt.attempt if attempt else 0
        done["problem"] = problem
    result = score_track(track, done["marks"])
    _feedback(result, track, library, slug, done)


def sidebar_settings_values() -> tuple[str, Any]:
    cohort = str(st.session_state.get(COHORT_KEY) or "").strip()
    phase = st.session_state.get(PHASE_KEY)
    return cohort, phase if phase in PHASES else None


def _feedback(result: Any, track: Any, library: Library, slug: str, done: dict) -> None:
    st.subheader("Your feedback", divider="gray")
    if done.get("problem"):
        st.warning(done["problem"], icon=":material/cloud_off:")
    elif done["saved"]:
        st.caption(f"Saved as attempt {done['saved']} (see Reflections → Practice history).")
    for line in summary(result, library.vocabulary):
        st.markdown(lit(line))
    f = result.figures()
    cols = st.columns(5)
    cols[0].metric("Noticed", f"{f['hits']} of {f['onsets']}")
    cols[1].metric("False alarms", f["false_alarms"])
    cols[2].metric("Median latency", report.seconds_text(f["median_latency_ms"]))
    cols[3].metric("Type agreement", report.percent(f["type_agreement"]))
    cols[4].metric("Marker overlap", report.percent(f["marker_overlap"]))
    rows = report.timeline_rows(result)
    if rows:
        frame = pd.DataFrame(rows)
        chart = (
            alt.Chart(frame, title="Your marks and the expert's onsets")
            .mark_point(size=160, filled=True)
            .encode(
                x=alt.X("seconds:Q", title="Time in the video (s)"),
                y=alt.Y("who:N", title=None, sort=["Expert", "You"]),
                color=alt.Color(
                    "outcome:N",
                    scale=alt.Scale(
                        domain=list(OUTCOME_COLOURS), range=list(OUTCOME_COLOURS.values())
                    ),
                ),
                shape=alt.Shape("outcome:N"),
                tooltip=["who", "at", "outcome"],
            )
            .properties(height=160)
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(frame[["who", "at", "outcome"]], hide_index=True, width="stretch")
    for i, item in enumerate(report.feedback_items(result, library.vocabulary)):
        _item(item, i)
    st.button(
        "Retry: a fresh attempt",
        key=f"practice_retry_{slug}",
        on_click=retry,
        args=(slug,),
        icon=":material/replay:",
        type="primary",
    )


def _chapter_feedback(result: Any, section: Section, library: Library) -> None:
    """A chapter has ended: its ruptures against the marks made in it; the attempt goes on."""
    name = f"chapter {section.index}" + (f", {section.title}" if section.title else "")
    subheader(f"Feedback on {name}", divider="gray")
    st.caption(
        f"From {clock(section.start_ms)} to {clock(section.end_ms)}. Press **Space** (or Play)"
        " to go on: your marks are kept, and the whole attempt is scored at the end."
    )
    for line in summary(result, library.vocabulary):
        st.markdown(lit(line))
    for i, item in enumerate(report.feedback_items(result, library.vocabulary)):
        _item(item, i)


def _item(item: dict[str, Any], index: int) -> None:
    outcome = item["outcome"]
    with st.container(border=True):
        left, right = st.columns([4, 1.6], vertical_alignment="center")
        if outcome == "hit":
            line = (
                f"**Hit** at {clock(item['at_ms'])}: you marked it "
                f"{report.seconds_text(item['latency_ms'])} after the onset"
            )
            if item["type_match"] is not None:
                line += "; type " + ("as the expert's" if item["type_match"] else "differs")
            if item["marker_overlap"] is not None:
                line += f"; marker overlap {report.percent(item['marker_overlap'])}"
            line += "."
        elif outcome == "missed":
            line = f"**Missed** the rupture at {clock(item['at_ms'])}."
        else:
            line = (
                f"**False alarm** at {clock(item['at_ms'])}: the expert saw no rupture begin here."
            )
        left.markdown(line)
        right.button(
            "Replay from 3 s before",
            key=f"practice_replay_{index}",
            on_click=replay,
            args=(item["replay_ms"],),
            icon=":material/replay:",
            help=f"Seek the video to {clock(item['replay_ms'])}",
        )
        if "episode" in item:
            markers = ", ".join(item["markers"]) or "none given"
            left.caption(
                f"Expert: {lit(item['title'])} · {lit(item['type'])} · markers: {lit(markers)}"
            )
