"""The Author page's file tabs: file details and tracks, and import / export."""

from __future__ import annotations

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens import formats
from alliance_lens.errors import FormatError
from alliance_lens.trackfile import LoadResult

from .actions import commit, do_import, file_changed, track_changed
from .state import key, state

EXPORTS = {
    ".yaml": "YAML (everything)",
    ".vtt": "WebVTT",
    ".srt": "SRT",
    ".eaf": "ELAN",
    ".csv": "CSV",
}
FILE_FIELDS = [
    ("title", "Title"),
    ("description", "Description"),
    ("licence", "Licence"),
    ("consent", "Consent note"),
    ("language", "Language (e.g. en, en-GB)"),
]


def file_panel(current: au.DraftFile, track: int) -> None:
    s = state()
    draft = current.draft
    v = s.version
    st.markdown("**File**")
    for name, label in FILE_FIELDS:
        st.text_input(
            label,
            value=str(draft.get(name) or ""),
            key=key(f"file_{name}_{v}"),
            on_change=file_changed,
            args=(name, key(f"file_{name}_{v}")),
        )
    ts = au.tracks(draft)
    st.markdown("**Tracks**")
    if ts:
        names = [str(t.get("name") or t.get("id")) for t in ts]
        picked = st.selectbox(
            "Track being edited",
            range(len(ts)),
            index=track,
            format_func=lambda i: names[i],
            key=key(f"track_box_{v}"),
        )
        if picked != track:
            s.track = picked
            s.selection = None
            s.bump()
            st.rerun()
        t = ts[track]
        for name, label in [("name", "Track name"), ("description", "What this track looks at")]:
            st.text_input(
                label,
                value=str(t.get(name) or ""),
                key=key(f"track_{name}_{v}"),
                on_change=track_changed,
                args=(track, name, key(f"track_{name}_{v}")),
            )
    with st.form(key(f"add_track_{v}"), border=False):
        name = st.text_input("New track name", placeholder="e.g. Mentalization lens")
        if st.form_submit_button("Add track") and name.strip():
            new, index = au.add_track(draft, name.strip())
            commit(new, f"Track {name.strip()!r} added.")
            s.track = index
            st.rerun()


def import_export(current: au.DraftFile, result: LoadResult, track: int) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**Import** WebVTT, SRT, ELAN or CSV into this file")
        up = st.file_uploader(
            "Commentary file", type=["vtt", "srt", "eaf", "csv", "yaml"], key=key("import_file")
        )
        ids = [str(t.get("id")) for t in au.tracks(current.draft)]
        target = st.selectbox(
            "Into",
            ["(a new track)", *ids],
            key=key("import_into"),
            help="Importing into an existing track replaces its cues.",
        )
        if st.button("Import", key=key("import_btn"), disabled=up is None) and up is not None:
            do_import(up.name, up.getvalue(), None if target.startswith("(") else target)
            st.rerun()
    with right:
        st.markdown("**Download**")
        if result.doc is None:
            st.info("Fix the errors first: downloads are made from a valid file.")
            return
        tid = au.tracks(current.draft)[track].get("id") if au.tracks(current.draft) else None
        for fmt, label in EXPORTS.items():
            try:
                data, warnings = formats.export_bytes(result.doc, fmt, track_id=tid)
            except FormatError as exc:
                st.error(f"{label}: {exc.message}")
                continue
            st.download_button(
                f"{label} ({fmt})",
                data,
                file_name=f"{current.slug}{fmt}",
                mime=formats.MEDIA_TYPES[fmt],
                key=key(f"dl_{fmt}"),
            )
            for w in warnings:
                st.caption(f"⚠ {w.message}")
