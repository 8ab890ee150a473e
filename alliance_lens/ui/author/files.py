"""The Author page's file tabs: file details and tracks, and import / export."""

from __future__ import annotations

import copy

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens import formats
from alliance_lens.errors import FormatError
from alliance_lens.trackfile import LoadResult
from alliance_lens.ui.safe_text import lit

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


def file_status(draft: au.Draft) -> None:
    """The whole file's draft/published switch, with what it means for learners."""
    if draft.get("status") == "draft":
        st.warning(
            "**The whole file is a draft**: learners do not see this video in their list, "
            "whatever its tracks say. Presenters and educators do."
        )
        st.button("Publish the file", key=key("publish_file"), on_click=set_status, args=(None,))
    else:
        st.caption("The file is published: learners see its published tracks.")
        st.button(
            "Make the whole file a draft",
            key=key("unpublish_file"),
            on_click=set_status,
            args=(None, "draft"),
        )


def track_status(draft: au.Draft, track: int) -> None:
    """The track's Publish control, with what it means for learners."""
    t = au.tracks(draft)[track]
    if t.get("status") == "draft":
        st.warning(
            "**Draft track**: learners do not see it (nor does *Preview as a learner*); "
            "presenters and educators do."
        )
        st.button(
            "Publish this track",
            key=key("publish_track"),
            type="primary",
            on_click=set_status,
            args=(track,),
        )
    else:
        st.caption("Published: learners see this track (once saved).")
        st.button(
            "Back to draft", key=key("unpublish_track"), on_click=set_status, args=(track, "draft")
        )


def set_status(track: int | None, status: str = "published") -> None:
    """Publish (or withdraw) a track, or the file when ``track`` is None; takes a save."""
    current = state().file
    if current is None:
        return
    draft = copy.deepcopy(current.draft)
    target = draft if track is None else draft["tracks"][track]
    what = "The file" if track is None else f"Track {target.get('name') or target.get('id')!r}"
    if status == "published":
        target.pop("status", None)  # published is the default: the file loses one line
        note = "learners will see it once you save"
        if track is not None and draft.get("status") == "draft":
            note += "; the file itself is still a draft (publish it too)"
    else:
        target["status"] = "draft"
        note = "hidden from learners once you save"
    commit(draft, f"{what} {'published' if status == 'published' else 'is a draft'}: {note}.")


def import_summary(track: int) -> None:
    """What the last import did: where it went, what became what, the NOTEs left out."""
    s = state()
    if s.imported is None:
        return
    name, summary = s.imported
    current = s.file
    ids = [str(t.get("id")) for t in au.tracks(current.draft)] if current else []
    with st.container(border=True, key=key("import_summary")):
        st.markdown(
            f"**{lit(name)} arrived as a new draft track**: learners do not see it until "
            "it is published (File & tracks); presenters and educators do."
        )
        for line in summary.mapped:
            st.markdown(f"- {lit(line)}")
        if summary.comments:
            st.markdown(f"{len(summary.comments)} NOTE block(s) kept as comments for authors:")
            for comment in summary.comments:
                cue = comment.cue
                where = f"before cue {cue + 1}" if cue is not None else "outside the cues"
                st.text(f"{where}: {comment.text}")
        first = summary.track_ids[0] if summary.track_ids else None
        if first in ids and ids.index(first) != track:
            st.button(
                f"Edit the imported track ({lit(first)})",
                key=key("edit_imported"),
                on_click=edit_track,
                args=(ids.index(first),),
            )


def edit_track(index: int) -> None:
    s = state()
    s.track = index
    s.selection = None
    s.bump()


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
    file_status(draft)
    ts = au.tracks(draft)
    st.markdown("**Tracks**")
    if ts:
        names = [
            str(t.get("name") or t.get("id")) + (" · draft" if t.get("status") == "draft" else "")
            for t in ts
        ]
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
        track_status(draft, track)
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
        st.markdown("**Import** WebVTT, SRT, ELAN or CSV as a new draft track")
        up = st.file_uploader(
            "Commentary file",
            type=["vtt", "srt", "eaf", "csv", "yaml"],
            key=key("import_file"),
            # the box states the import's own limit, not the server's 2 GB for videos
            max_upload_size=formats.MAX_IMPORT_BYTES // 1024**2,
        )
        keep = st.checkbox(
            "Keep WebVTT NOTE blocks as presenter notes",
            key=key("import_notes"),
            help="Otherwise a NOTE stays what WebVTT means by it: a comment for authors, "
            "listed in the import summary and shown to no one.",
        )
        if st.button("Import", key=key("import_btn"), disabled=up is None) and up is not None:
            do_import(up.name, up.getvalue(), keep)
            st.rerun()
        import_summary(track)
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
                st.error(f"{label}: {lit(exc.message)}")
                continue
            st.download_button(
                f"{label} ({fmt})",
                data,
                file_name=f"{current.slug}{fmt}",
                mime=formats.MEDIA_TYPES[fmt],
                key=key(f"dl_{fmt}"),
            )
            for w in warnings:
                st.caption(f"⚠ {lit(w.message)}")
