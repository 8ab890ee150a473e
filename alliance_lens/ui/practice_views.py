"""Practice on the Reflections page: a learner's practice history and the educators' cohort view.

Figures come from ``alliance_lens.practice`` through ``alliance_lens.practicereport``; every
chart has its table and a CSV download beside it, and cohort exports name learners by stable
codes unless the educator asks for names.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from alliance_lens import practicereport as report
from alliance_lens.attempts import attempts_for_track, attempts_of_learner
from alliance_lens.journal import format_when
from alliance_lens.library import Entry, Library
from alliance_lens.practice.scoring import practice_track
from alliance_lens.store import Learner, Store
from alliance_lens.ui.rating_sheet import cohort_sheets
from alliance_lens.ui.safe_text import lit


def practice_history(store: Store, library: Library, learner: Learner) -> None:
    """The learner's practice attempts with their figures, newest first."""
    st.subheader("Practice history", divider="gray")
    attempts = attempts_of_learner(store, learner.id)
    if not attempts:
        st.caption(
            "No practice attempts yet. On the Watch page choose *Practice*: mark the ruptures "
            "you notice, then compare with the expert."
        )
        return
    tracks = {(e.slug, t.id): t for e in library.entries if e.doc is not None for t in e.doc.tracks}
    titles = {e.slug: e.title for e in library.entries}
    rows = report.history_rows(attempts, tracks, titles)
    frame = pd.DataFrame(rows)
    # shown as "when", in the browser's time zone, where "created_at" was
    frame.insert(
        list(frame.columns).index("created_at"),
        "when",
        [format_when(ms, st.context.timezone) for ms in frame.pop("created_at")],
    )
    st.dataframe(frame, hide_index=True, width="stretch", key="practice_history_table")


def _table_with_download(frame: pd.DataFrame, name: str, label: str, key: str) -> None:
    st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}_table")
    st.download_button(
        f"Download {label} (CSV)",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=name,
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key=f"{key}_csv",
    )


def _chart_and_table(chart: Any, frame: pd.DataFrame, name: str, label: str, key: str) -> None:
    left, right = st.columns([3, 2])
    with left:
        st.altair_chart(chart, width="stretch")
    with right:
        _table_with_download(frame, name, label, key)


def cohort_view(store: Store, entry: Entry) -> None:
    """Per-episode detection and latency, type confusion, false-alarm density, before/after."""
    st.subheader("Practice: the cohort", divider="gray")
    if entry.doc is None:
        return
    track = practice_track(entry.doc)
    if track is None or not track.episodes:
        st.info("This video has no expert ruptures to practise against.")
        return
    pairs = attempts_for_track(store, entry.slug, track.id)
    cohorts = sorted({a.cohort for _, a in pairs})
    left, right = st.columns(2)
    cohort = left.selectbox(
        "Cohort",
        ["(all)", *cohorts],
        format_func=lambda c: c if c != "" else "(no label)",
        key=f"cohort_pick_{entry.slug}",
    )
    every = right.toggle(
        "Count every attempt",
        key=f"cohort_every_{entry.slug}",
        help="Off: each learner's latest attempt per phase (before / after / none).",
    )
    if cohort != "(all)":
        pairs = [(lr, a) for lr, a in pairs if a.cohort == cohort]
    if not pairs:
        st.info("No practice attempts at this video yet.", icon=":material/hourglass_empty:")
        cohort_sheets(store, entry, track)  # raters may have rated without practising
        return
    entries = report.cohort_entries(pairs, latest=not every)
    st.caption(
        f"Track {lit(track.name)}: {len({lr.id for lr, _ in pairs})} learner(s), "
        f"{len(entries)} attempt(s) counted. Learners appear as codes (L001...), not names."
    )
    base = f"alliance-lens-{entry.slug}-{track.id}"

    st.markdown("**Detection per episode**")
    det = pd.DataFrame(report.detection_rows(track, entries))
    chart = (
        alt.Chart(det)
        .mark_bar()
        .encode(
            x=alt.X("episode:N", sort=None),
            y=alt.Y("detection rate:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=list(det.columns),
        )
        .properties(height=220)
    )
    _chart_and_table(chart, det, f"{base}-detection.csv", "detection", "cohort_det")

    st.markdown("**Latency: how long after the onset learners marked it**")
    lat = pd.DataFrame(
        report.latency_rows(track, entries), columns=["episode", "learner", "latency (s)"]
    )
    chart = (
        alt.Chart(lat)
        .mark_tick(thickness=3, size=24)
        .encode(x=alt.X("latency (s):Q"), y=alt.Y("episode:N"), tooltip=list(lat.columns))
        .properties(height=220)
    )
    _chart_and_table(chart, lat, f"{base}-latency.csv", "latencies", "cohort_lat")

    st.markdown("**Type confusion: the expert's type against what learners answered**")
    conf = pd.DataFrame(
        report.confusion_rows(track, entries), columns=["expert type", "learner answer", "count"]
    )
    base_chart = alt.Chart(conf).encode(x="learner answer:N", y="expert type:N")
    chart = (
        base_chart.mark_rect().encode(
            color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", domainMin=0))
        )
        + base_chart.mark_text(fontSize=14).encode(text="count:Q")
    ).properties(height=200)
    _chart_and_table(chart, conf, f"{base}-type-confusion.csv", "type confusion", "cohort_conf")

    st.markdown("**Where learners see ruptures the expert does not (false alarms per 5 s)**")
    dens = pd.DataFrame(
        report.density_rows(track, entries), columns=["from (s)", "to (s)", "at", "false alarms"]
    )
    chart = (
        alt.Chart(dens)
        .mark_bar()
        .encode(
            x=alt.X("from (s):Q", title="Time in the video (s)", scale=alt.Scale(domainMin=0)),
            x2="to (s):Q",
            # a density strip: height and colour both say how many false alarms fell there
            y=alt.Y("false alarms:Q", scale=alt.Scale(domainMin=0)),
            y2=alt.datum(0),  # x has a range too, so the bar's base must be said
            color=alt.Color("false alarms:Q", scale=alt.Scale(scheme="oranges", domainMin=0)),
            tooltip=list(dens.columns),
        )
        .properties(height=160)
    )
    _chart_and_table(chart, dens, f"{base}-false-alarms.csv", "false alarms", "cohort_dens")

    st.markdown("**Before and after training**")
    phases = pd.DataFrame(report.phase_rows(track, entries))
    chart = (
        alt.Chart(phases)
        .mark_bar()
        .encode(
            x=alt.X("phase:N", sort=["before", "after"]),
            y=alt.Y("detection rate:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=list(phases.columns),
        )
        .properties(height=200)
    )
    _chart_and_table(chart, phases, f"{base}-before-after.csv", "before/after", "cohort_phase")

    cohort_sheets(store, entry, track)

    names = st.checkbox(
        "Include learners' names in the attempts export",
        key=f"cohort_names_{entry.slug}",
        help="Off by default, so the export can go into a research data set.",
    )
    export = pd.DataFrame(report.attempt_export_rows(pairs, track, identify=names))
    st.download_button(
        "Download every attempt with its figures (CSV)",
        export.to_csv(index=False).encode("utf-8"),
        file_name=f"{base}-attempts.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="cohort_export_csv",
    )
