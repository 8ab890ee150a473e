"""Field editors of the selected item: text fields, and a rupture's type, markers and repairs."""

from __future__ import annotations

from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.library import Library

from .actions import commit, field_changed
from .state import DEPTHS, DIRECTNESS, RESOLUTIONS, TYPES, key, state


def text_field(
    sel: au.Selection,
    track: int,
    name: str,
    label: str,
    item: dict[str, Any],
    prefix: str,
    area: bool = False,
) -> None:
    widget = st.text_area if area else st.text_input
    widget(
        label,
        value=str(item.get(name) or ""),
        key=prefix + name,
        on_change=field_changed,
        args=(sel, track, name, prefix + name),
    )


def episode_fields(
    library: Library,
    current: au.DraftFile,
    sel: au.Selection,
    track: int,
    item: dict[str, Any],
    prefix: str,
    mapped: au.RowProblems,
) -> None:
    vocab = library.vocabulary
    cols = st.columns([1.2, 3, 1.2])
    rtype = item.get("type")
    cols[0].radio(
        "Rupture type",
        TYPES,
        index=TYPES.index(rtype) if rtype in TYPES else None,
        format_func=str.capitalize,
        key=prefix + "type",
        on_change=field_changed,
        args=(sel, track, "type", prefix + "type"),
    )
    options = list(vocab.markers_of(rtype)) if rtype in TYPES else list(vocab.markers)
    chosen = [m for m in item.get("markers") or [] if isinstance(m, str)]
    options += [m for m in chosen if m not in options]
    cols[1].multiselect(
        "Markers",
        options,
        default=chosen,
        format_func=vocab.marker_label,
        key=prefix + "markers",
        placeholder="Choose the rupture markers",
        on_change=field_changed,
        args=(sel, track, "markers", prefix + "markers"),
    )
    res = item.get("resolution")
    cols[2].selectbox(
        "Resolution",
        RESOLUTIONS,
        index=RESOLUTIONS.index(res) if res in RESOLUTIONS else None,
        key=prefix + "resolution",
        on_change=field_changed,
        args=(sel, track, "resolution", prefix + "resolution"),
    )
    text_field(sel, track, "title", "Short title", item, prefix)
    st.markdown("**Repair moves** (the therapist's; add a row per move)")
    frame = au.to_frame(
        current.draft, "repairs", track, mapped.repairs.get(sel.row), episode=sel.row
    )
    config = {
        "at": st.column_config.TextColumn("At (mm:ss.mmm)", required=True),
        "strategies": st.column_config.MultiselectColumn(
            "Strategies",
            options=list(vocab.strategies),
            format_func=vocab.strategy_label,
            width="large",
        ),
        "depth": st.column_config.SelectboxColumn("Depth", options=list(DEPTHS)),
        "directness": st.column_config.SelectboxColumn("Directness", options=list(DIRECTNESS)),
        "note": st.column_config.TextColumn("Note", width="large"),
        au.PROBLEM_COLUMN: st.column_config.TextColumn("Problem", disabled=True),
    }
    edited = st.data_editor(
        frame,
        column_config=config,
        num_rows="dynamic",
        hide_index=True,
        key=key(f"repairs_{state().version}"),
    )
    new = au.from_frame(current.draft, "repairs", edited, track, episode=sel.row)
    if new != current.draft:
        commit(new)
        st.rerun()
