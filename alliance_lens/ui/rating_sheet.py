"""Streamlit helpers for the 3RS-style rating sheet: a rater fills it in practice mode on the
Watch page and sees their agreement with the expert; educators see agreement across raters.

The shaping and every figure come from ``alliance_lens.sheetreport``; storage from
``alliance_lens.ratingsheets`` through ``ui.learner``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from alliance_lens import sheetreport
from alliance_lens.errors import StoreError, StoreInputError
from alliance_lens.library import Entry, Library
from alliance_lens.practice.ratings import SheetRow, expert_sheet, segments_for
from alliance_lens.practicereport import learner_code
from alliance_lens.ratingsheets import SavedSheet, latest_sheet, latest_sheets, save_sheet
from alliance_lens.store import Store, UnknownLearnerError
from alliance_lens.ui import learner
from alliance_lens.ui.loaders import probe_video
from alliance_lens.ui.safe_text import lit

HOW = (
    "Rate each segment as a 3RS coder would: a significance from 1 (barely) to 5 (dominant) "
    "for each rupture type you saw (leave it empty if absent), the markers and repair "
    "strategies you saw, and how far the ruptures were resolved (1 not at all, 5 fully). "
    "Educators compare raters' sheets on the Reflections page."
)


def _duration_ms(entry: Entry) -> int | None:
    """The video's length, so the last segment ends with it (None: the content's end)."""
    if entry.video_path is None or not entry.video_path.is_file():
        return None
    return probe_video(entry.video_path).get("duration_ms")


def _saved(video_id: str, track_id: str) -> tuple[SheetRow, ...] | None:
    """This browser's latest sheet for the track, if it has one (None if it cannot tell)."""
    token = learner.browser_token(ensure_cookie=False)
    try:
        store = learner.get_store()
        me = store.find_learner(token) if token else None
        sheet = latest_sheet(store, me.id, video_id, track_id) if me else None
    except StoreError:
        return None
    return sheet.rows if sheet else None


def _save(
    video_id: str, track_id: str, rows: list[SheetRow], cohort: str
) -> tuple[SavedSheet | None, str | None]:
    """Store a new version of this browser's sheet; ``(sheet, None)`` or ``(None, why not)``."""
    token = learner.browser_token(ensure_cookie=False)
    if token is None:
        return None, "Not saved: this page was still getting ready. Please try again."
    try:
        store = learner.get_store()
        me = store.learner_for_token(token)
        try:
            return save_sheet(store, me.id, video_id, track_id, rows, cohort=cohort), None
        except UnknownLearnerError:  # deleted in another tab a moment ago: start afresh
            me = store.learner_for_token(token)
            return save_sheet(store, me.id, video_id, track_id, rows, cohort=cohort), None
    except StoreInputError as exc:
        return None, f"Not saved: {exc.message}."
    except StoreError as exc:  # driver errors come out as DatabaseError, a StoreError
        return None, learner.unavailable(exc).message


def _rating(label: str) -> Any:
    return st.column_config.NumberColumn(label, min_value=1, max_value=5, step=1, format="%d")


def _columns(library: Library) -> dict[str, Any]:
    vocab = library.vocabulary
    marker_ids = [m for t in ("withdrawal", "confrontation") for m in vocab.markers_of(t)]
    return {
        "segment": st.column_config.TextColumn("Segment", disabled=True),
        "withdrawal": _rating("Withdrawal (1-5)"),
        "confrontation": _rating("Confrontation (1-5)"),
        "markers": st.column_config.MultiselectColumn(
            "Markers seen", options=marker_ids, format_func=vocab.marker_label
        ),
        "strategies": st.column_config.MultiselectColumn(
            "Repair strategies seen",
            options=list(vocab.strategies),
            format_func=vocab.strategy_label,
        ),
        "resolution": _rating("Resolution (1-5)"),
    }


def render_rating_sheet(
    entry: Entry, library: Library, track: Any, cohort: str, *, compare: bool
) -> None:
    """The rater's sheet for this video's practice track, saved as a new version each time;
    compared with the expert's only when ``compare`` (the practice is finished): the
    expert's sheet says where the ruptures are, so it must not come before the marking."""
    if entry.doc is None or track is None:
        return
    segments = segments_for(entry.doc, track, _duration_ms(entry))
    key = f"rating_sheet_{entry.slug}"
    with st.expander("Rating sheet (3RS style)", icon=":material/table_edit:"):
        st.caption(HOW)
        saved = _saved(entry.slug, track.id)
        with st.form(f"{key}_form", border=False):
            edited = st.data_editor(
                pd.DataFrame(sheetreport.editor_rows(segments, saved)),
                column_config=_columns(library),
                hide_index=True,
                num_rows="fixed",
                width="stretch",
                key=f"{key}_editor",
            )
            submitted = st.form_submit_button("Save my rating sheet", icon=":material/save:")
        if submitted:
            vocab = library.vocabulary
            rows = sheetreport.sheet_from_editor(
                edited.to_dict("records"),
                segments,
                markers=[m for t in ("withdrawal", "confrontation") for m in vocab.markers_of(t)],
                strategies=vocab.strategies,
            )
            stored, problem = _save(entry.slug, track.id, rows, cohort)
            if problem:
                st.warning(problem, icon=":material/cloud_off:")
                return
            saved = stored.rows if stored else None
            st.success(f"Saved as version {stored.version}." if stored else "Saved.")
        if saved is None:
            return
        if not compare:
            st.caption(
                "Your sheet is saved. It is compared with the expert's once you finish this "
                "practice (Finish, or the end of the video): the expert's sheet would show "
                "where the ruptures are."
            )
            return
        expert = expert_sheet(track, segments)
        kappa = sheetreport.agreement_with_expert(saved, expert)
        st.markdown("**Your sheet against the expert's**")
        st.caption(
            lit(kappa.reading)
            + (
                f" Percent agreement {kappa.percent_agreement:.0f}%."
                if kappa.percent_agreement is not None
                else ""
            )
        )
        table = pd.DataFrame(sheetreport.comparison_rows(saved, expert, segments))
        st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_comparison")


def cohort_sheets(store: Store, entry: Entry, track: Any, *, names: bool = False) -> None:
    """Educators: Fleiss' kappa for presence and ICC for significance across raters' sheets."""
    st.markdown("**Rating sheet agreement**")
    if entry.doc is None:
        return
    pairs = latest_sheets(store, entry.slug, track.id)
    if len(pairs) < 2:
        st.caption(
            f"{len(pairs)} rating sheet(s) stored for this track. Agreement across raters "
            "(Fleiss' kappa for presence, ICC for significance) needs at least two."
        )
        return
    segments = segments_for(entry.doc, track, _duration_ms(entry))
    fleiss, icc = sheetreport.cohort_agreement([s.rows for _, s in pairs], segments)
    st.caption(f"{len(pairs)} raters, each rater's latest sheet.")
    left, right = st.columns(2)
    left.metric("Fleiss' kappa (presence)", "—" if fleiss.kappa is None else f"{fleiss.kappa:.2f}")
    left.caption(lit(fleiss.reading))
    right.metric(f"{icc.form} (significance)", "—" if icc.icc is None else f"{icc.icc:.2f}")
    right.caption(lit(icc.reading))
    coded = [
        (r.display_name if names and r.display_name else learner_code(r.id), s.rows)
        for r, s in pairs
    ]
    frame = pd.DataFrame(sheetreport.cohort_rows(coded, segments))
    st.dataframe(frame, hide_index=True, width="stretch", key=f"sheets_{entry.slug}_table")
    st.download_button(
        "Download the rating sheets (CSV)",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"alliance-lens-{entry.slug}-{track.id}-rating-sheets.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key=f"sheets_{entry.slug}_csv",
    )
