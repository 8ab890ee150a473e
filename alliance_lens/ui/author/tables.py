"""The Author page's table editors (ruptures, cues, prompts, chapters) with problems per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.journal import md_escape
from alliance_lens.library import Library
from alliance_lens.ui.loaders import thumbnail_uris

from .actions import commit
from .marking import item_label
from .state import ALLIANCE, PROMPT_KINDS, RESOLUTIONS, TYPES, key, state

TIME_HELP = "mm:ss.mmm, e.g. 01:02.500"


def table_editor(
    library: Library, table: str, track: int, mapped: au.RowProblems, vpath: Path | None
) -> None:
    current = state().file
    if current is None:
        return
    draft = current.draft
    if table != "chapters" and not au.tracks(draft):
        st.info("Add a track under File & tracks first.")
        return
    frame = au.to_frame(draft, table, track, mapped.rows.get(table))
    config: dict[str, Any] = {
        c: st.column_config.TextColumn(c.replace("_", " ").capitalize(), help=TIME_HELP)
        for c in au.TIME_FIELDS
        if c in frame
    }
    config[au.PROBLEM_COLUMN] = st.column_config.TextColumn("Problem", disabled=True, width="large")
    episode_ids = [str(e.get("id")) for e in au.items(draft, "episodes", track) if e.get("id")]
    config["episode"] = st.column_config.SelectboxColumn("Episode", options=episode_ids)
    config["id"] = st.column_config.TextColumn("Id", width="small")
    config["title"] = st.column_config.TextColumn("Title", required=table == "chapters")
    if table == "episodes":
        times = [au.time_ms(t) for t in frame["onset"]]
        frame.insert(0, "frame", thumbnails_for(vpath, times))
    config |= _columns(library, table, draft, track)
    edited = st.data_editor(
        frame,
        column_config=config,
        num_rows="dynamic",
        hide_index=True,
        key=key(f"{table}_{state().version}"),
        disabled=["frame", au.PROBLEM_COLUMN],
        column_order=column_order(list(frame.columns), bool(mapped.rows.get(table))),
    )
    new = au.from_frame(draft, table, edited, track)
    if new != draft:
        commit(new)
        st.rerun()
    rows = mapped.rows.get(table, {})
    if rows:
        with st.expander(f"Problems in {len(rows)} row(s)", expanded=True):
            for row, msgs in sorted(rows.items()):
                label = (
                    item_label(table, au.items(draft, table, track)[row], row)
                    if row < len(au.items(draft, table, track))
                    else f"row {row + 1}"
                )
                for msg in msgs:
                    st.markdown(f"- **{md_escape(label)}** — {md_escape(msg)}")


def _columns(library: Library, table: str, draft: au.Draft, track: int) -> dict[str, Any]:
    """The column settings of one table (beyond the times, ids and problems all share)."""
    vocab = library.vocabulary
    if table == "episodes":
        return {
            "frame": st.column_config.ImageColumn("Onset frame", width="small"),
            "onset": st.column_config.TextColumn("Onset", help=TIME_HELP, required=True),
            "resolved_at": st.column_config.TextColumn("Resolved at", help=TIME_HELP),
            "type": st.column_config.SelectboxColumn("Type", options=list(TYPES), required=True),
            "markers": st.column_config.MultiselectColumn(
                "Markers",
                options=list(vocab.markers),
                format_func=vocab.marker_label,
                width="large",
            ),
            "salience": st.column_config.NumberColumn("Salience", min_value=1, max_value=5, step=1),
            "resolution": st.column_config.SelectboxColumn("Resolution", options=list(RESOLUTIONS)),
            "alliance": st.column_config.MultiselectColumn("Alliance", options=list(ALLIANCE)),
            "commentary": st.column_config.TextColumn("Commentary", width="large"),
        }
    if table == "cues":
        return {
            "text": st.column_config.TextColumn("Text", width="large", required=True),
            "lens": st.column_config.SelectboxColumn(
                "Lens", options=list(vocab.lenses), format_func=lambda x: vocab.lens(str(x)).label
            ),
            "presenter_notes": st.column_config.TextColumn("Presenter notes"),
        }
    if table == "prompts":
        known = sorted(
            {
                o
                for p in au.items(draft, "prompts", track)
                for o in p.get("options") or []
                if isinstance(o, str)
            }
        )
        return {
            "question": st.column_config.TextColumn("Question", width="large", required=True),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(PROMPT_KINDS)),
            "options": st.column_config.MultiselectColumn(
                "Options (choice)", options=known, accept_new_options=True
            ),
            "reveal": st.column_config.TextColumn("Revealed commentary", width="large"),
            "rewind_to": st.column_config.TextColumn("Rewind to", help=TIME_HELP),
        }
    return {}


def thumbnails_for(path: Path | None, times: list[int | None]) -> list[str | None]:
    """The Ruptures table's onset pictures (None where there is no time or no video)."""
    if path is None:
        return [None for _ in times]
    uris = thumbnail_uris(path, [t for t in times if t is not None])
    return [uris.get(t) if t is not None else None for t in times]


def column_order(columns: list[str], has_problems: bool) -> list[str]:
    """The problem column next to the time columns while there are problems, else hidden."""
    rest = [c for c in columns if c != au.PROBLEM_COLUMN]
    if not has_problems:
        return rest
    at = 3 if rest[0] == "frame" else 2
    return [*rest[:at], au.PROBLEM_COLUMN, *rest[at:]]
