"""Saving on the Author page: the save bar, the diff before saving, save, save as a copy,
conflicts, discard, history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import Library
from alliance_lens.trackfile import LoadResult, history, saved_at
from alliance_lens.tracksave import TrackConflictError, restore
from alliance_lens.ui.problems import show_problems
from alliance_lens.ui.safe_text import lit

from .actions import commit, open_entry, redo, undo
from .state import key, state


def do_save(library: Library, duration_ms: int | None) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    try:
        digest, _ = au.save(current, vocabulary=library.vocabulary, duration_ms=duration_ms)
    except TrackConflictError:
        s.conflict = True
        s.confirm = None
        return
    except AllianceLensError as exc:
        s.say("error", f"Not saved: {exc.message}. Your changes are kept in the draft.")
        return
    except OSError as exc:
        s.say("error", f"Not saved: {exc}. Your changes are kept in the draft.")
        return
    au.discard_draft(current.slug)
    s.confirm = None
    s.file = replace(current, base_digest=digest)
    s.dirty = False
    s.conflict = False
    s.say("success", f"Saved {Path(current.track_path).name}.")


def do_save_copy(library: Library, duration_ms: int | None) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    try:
        new, _ = au.save_as_copy(
            current,
            library.commentary_dir,
            vocabulary=library.vocabulary,
            duration_ms=duration_ms,
        )
    except (AllianceLensError, OSError) as exc:
        s.say("error", f"Not saved: {exc}. Your changes are kept in the draft.")
        return
    au.discard_draft(current.slug)
    s.file = new
    s.dirty = False
    s.conflict = False
    s.open_slug = new.slug
    s.say(
        "success",
        f"Saved as a copy: {Path(new.track_path).name}. "
        f"{Path(current.track_path).name} was not changed.",
    )


def do_reload(library: Library) -> None:
    current = state().file
    if current is None:
        return
    kept = au.set_aside_draft(current.slug)
    open_entry(library, current.slug)
    if kept is not None:
        state().say(
            "info",
            "Reloaded from disk. Your unsaved version is kept: see History → Set-aside drafts.",
        )


def do_discard(library: Library) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    # set aside, not deleted: another editor on this host may have made that draft
    kept = au.set_aside_draft(current.slug)
    if Path(current.track_path).exists():
        open_entry(library, current.slug)
    else:
        s.file = None
        s.open_slug = None
    note = " A copy is kept under History → Set-aside drafts." if kept else ""
    s.say("info", "Changes discarded." + note)


def do_restore(library: Library, version: Path) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    try:
        restore(current.track_path, version, expected_digest=current.base_digest)
    except TrackConflictError:
        s.conflict = True
        return
    except AllianceLensError as exc:
        s.say("error", f"Not restored: {exc.message}")
        return
    open_entry(library, current.slug)
    state().say("success", "Restored; the version it replaced is in the history.")


def do_resume(path: Path) -> None:
    s = state()
    current = s.file
    try:
        aside = au.read_draft("", path=path)
    except AllianceLensError as exc:
        s.say("error", exc.message)
        return
    if current is None or aside is None:
        return
    commit(aside.draft, "Set-aside draft resumed: saving it replaces the file on disk.")
    au.delete_set_aside(path)


def save_bar(
    library: Library, current: au.DraftFile, result: LoadResult, duration: int | None
) -> None:
    s = state()
    errors, warnings = len(result.errors), len(result.warnings)
    name = Path(current.track_path).name
    status = "Unsaved changes (kept in a draft)" if s.dirty else "Saved"
    check = (
        f":red[{errors} error(s): fix them to save]"
        if errors
        else f":green[valid]{f', {warnings} warning(s)' if warnings else ''}"
    )
    # one wrapping row: buttons keep their whole labels at any width (columns cut them short
    # at 1280 px with the sidebar open), Save first so it is always on the bar's first line
    with st.container(horizontal=True, vertical_alignment="center", key=key("save_row")):
        st.button(
            "Save",
            key=key("save"),
            type="primary",
            disabled=bool(errors) or not s.dirty,
            on_click=ask_save,
            help="Shows what the save changes in the file, before anything is written",
        )
        st.button(
            "Undo",
            key=key("undo"),
            icon=":material/undo:",
            disabled=not s.history.can_undo,
            on_click=undo,
            help="Take back the last edit (Ctrl+Z outside text fields)",
        )
        st.button(
            "Redo",
            key=key("redo"),
            icon=":material/redo:",
            disabled=not s.history.can_redo,
            on_click=redo,
            help="Make the edit again (Ctrl+Shift+Z or Ctrl+Y)",
        )
        st.button(
            "Save as copy",
            key=key("save_copy"),
            disabled=bool(errors),
            on_click=do_save_copy,
            args=(library, duration),
        )
        if st.button("Discard changes", key=key("discard"), disabled=not s.dirty):
            s.confirm = ("discard",)
        with st.container(key=key("save_status")):  # takes the rest of the line (page.STICKY)
            st.markdown(f"**{lit(name)}** · {status} · {check}")
    if s.confirm and s.confirm[0] == "discard":
        st.warning(
            "Discard every unsaved change in this file? A copy is kept under "
            "History → Set-aside drafts."
        )
        a, b = st.columns(2)
        a.button("Discard", key=key("discard_yes"), on_click=do_discard, args=(library,))
        if b.button("Keep my changes", key=key("discard_no")):
            s.confirm = None
            st.rerun()
    if s.confirm and s.confirm[0] == "save":
        save_preview(library, current, duration)
    if s.conflict:
        st.error(
            f"**Not saved: {lit(name)} changed on disk since you opened it** (another editor, or "
            "a restore). Saving now would overwrite that work. Your changes are safe in the "
            "draft. Choose:"
        )
        a, b, c = st.columns(3)
        a.button(
            "Save as a copy",
            key=key("conflict_copy"),
            type="primary",
            on_click=do_save_copy,
            args=(library, duration),
        )
        b.button(
            "Reload from disk (keep my version aside)",
            key=key("conflict_reload"),
            on_click=do_reload,
            args=(library,),
        )
        if c.button("Decide later", key=key("conflict_later")):
            s.conflict = False
            st.rerun()
    if result.errors or result.warnings:
        mapped_other = au.map_problems(result.problems, s.track).other
        if mapped_other:
            show_problems(mapped_other, title="Problems outside the tables")


def ask_save() -> None:
    state().confirm = ("save",)


def cancel_save() -> None:
    state().confirm = None


def save_preview(library: Library, current: au.DraftFile, duration: int | None) -> None:
    """What the save will change in the file (a diff), with "Save these changes" / "Cancel"."""
    preview = au.preview_save(current, vocabulary=library.vocabulary, duration_ms=duration)
    name = lit(Path(current.track_path).name)
    with st.container(border=True, key=key("save_preview")):
        if preview.text is None:
            st.error("The draft has errors now: fix them, then save.")
            st.button("Close", key=key("save_cancel"), on_click=cancel_save)
            return
        if preview.new_file:
            st.markdown(f"**Saving creates {name}** ({preview.added} lines).")
        elif not preview.changed:
            st.markdown(f"**Saving changes nothing in {name}**: the draft says what it says.")
        else:
            st.markdown(
                f"**What saving changes in {name}:** :green[+{preview.added}] "
                f":red[−{preview.removed}] line(s); everything else stays as written."
            )
        if not preview.in_place:
            st.warning(
                "This file cannot be edited in place, so the save writes it whole: its "
                "comments and layout will not be kept. Save as a copy to keep it as it is."
            )
        if preview.conflict:
            st.error(f"{name} changed on disk since you opened it: saving will not overwrite it.")
        if preview.changed and not preview.new_file:
            view = st.segmented_control(
                "Diff", ["Unified", "Side by side"], default="Unified", key=key("diff_view")
            )
            if view == "Side by side":
                st.dataframe(au.diff_table(preview.rows), hide_index=True, height=240)
            else:  # st.code shows the file's text as text (no Markdown from the file)
                st.code(preview.unified, language="diff", height=240)
        a, b = st.columns(2)
        a.button(
            "Save these changes",
            key=key("save_confirm"),
            type="primary",
            on_click=do_save,
            args=(library, duration),
        )
        b.button("Cancel", key=key("save_cancel"), on_click=cancel_save)


def history_panel(library: Library, current: au.DraftFile) -> None:
    s = state()
    if s.import_problems:
        show_problems(s.import_problems, title="Import")
    path = Path(current.track_path)
    versions = history(path) if path.exists() else []
    st.markdown("**Earlier saved versions**")
    if not versions:
        st.caption("None yet: each save keeps the version it replaces.")
    for version in versions[:10]:
        at = saved_at(version)
        when = at.astimezone().strftime("%d %b %Y %H:%M:%S") if at else lit(version.name)
        cols = st.columns([3, 1])
        cols[0].markdown(f"Saved before {when}")
        cols[1].button(
            "Restore",
            key=key(f"restore_{version.name}"),
            disabled=s.dirty,
            on_click=do_restore,
            args=(library, version),
            help="Save or discard your changes first" if s.dirty else None,
        )
    aside = au.set_aside_drafts(current.slug)
    if aside:
        st.markdown("**Set-aside drafts** (unsaved versions kept when you reloaded from disk)")
    for path_ in aside:
        cols = st.columns([3, 1, 1])
        cols[0].text(path_.name)
        cols[1].button(
            "Resume",
            key=key(f"resume_{path_.name}"),
            on_click=do_resume,
            args=(path_,),
            disabled=s.dirty,
        )
        cols[2].button(
            "Delete", key=key(f"del_{path_.name}"), on_click=au.delete_set_aside, args=(path_,)
        )
