"""The Author page: choose or upload a video, then the save bar, player, editors and tabs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import Library, resolve_media
from alliance_lens.timecode import format_time
from alliance_lens.transcoding import start_transcode
from alliance_lens.ui import loaders
from alliance_lens.ui.safe_text import lit
from alliance_lens.ui.uploader import upload_widget

from .actions import commit, open_entry, open_new
from .files import file_panel, import_export
from .marking import player_panel, selected_panel
from .saving import history_panel, save_bar
from .state import key, state
from .tables import table_editor

# The save bar stays in view under Streamlit's header while the page scrolls. Sticky goes on
# the wrapper Streamlit puts around a container: the container alone is as tall as its wrapper.
STICKY = f"""<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-{key("save_bar")}) {{
  position: sticky; top: 3.75rem; z-index: 99;
  background: var(--background-color, #fff); padding: 0.25rem 0;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25);
}}
/* what focus scrolls to (Tab, a field a message points at) stops below the bar, not under it
   (WCAG 2.4.11): Streamlit's header and the bar end about 9.2rem down at 1280 wide */
[data-testid="stMain"] {{ scroll-padding-top: 10.5rem; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{key("save_status")}) {{
  flex: 1 1 22rem; min-width: 22rem;  /* the status wraps under the buttons, not into them */
}}
/* compact buttons under the selected item: four to a row in the column beside the player */
.st-key-{key("nudges")} button, .st-key-{key("item_actions")} button {{
  padding: 0.25rem 0.4rem; min-height: 2.25rem;
}}
.st-key-{key("nudges")} button p, .st-key-{key("item_actions")} button p {{ font-size: 0.9rem; }}
</style>"""


def render_author_page(library: Library) -> None:
    st.title("Author")
    choose_video(library)
    current = state().file
    # Parts whose element count varies sit in containers of their own, so that a message
    # coming or going never shifts the player's place on the page (which would remount it).
    with st.container():
        show_message()
    if current is None:
        st.info(
            "Choose a video above, or upload one. Every change is kept "
            "in a draft until you save, even if the page is reloaded."
        )
        return
    draft = current.draft
    vpath, facts = video_facts(library, draft)
    duration = facts.get("duration_ms")
    result = au.validate(
        draft,
        name=Path(current.track_path).name,
        vocabulary=library.vocabulary,
        duration_ms=duration,
    )
    track = min(state().track, max(0, len(au.tracks(draft)) - 1))
    mapped = au.map_problems(result.problems, track)

    with st.container(key=key("save_bar")):  # sticky (see STICKY): Save without scrolling
        save_bar(library, current, result, duration)
    st.html(STICKY)
    with st.container():
        video_line(library, vpath, facts)
    transcode_progress(library)
    # edit where you look: the selected item's editor beside the picture
    left, right = st.columns([3, 2], gap="medium")
    with left:
        player_panel(library, current, vpath, facts, track)
    with right:
        selected_panel(library, current, track, facts, mapped)
    # keyed, so the tab stays where the educator left it after an upload, import or save
    tabs = st.tabs(
        ["Ruptures", "Cues", "Prompts", "Chapters", "File & tracks", "Import / export", "History"],
        key=key("tabs"),
        on_change="rerun",
    )
    for tab, table in zip(tabs, ("episodes", "cues", "prompts", "chapters"), strict=False):
        with tab:
            table_editor(library, table, track, mapped, vpath)
    with tabs[4]:
        file_panel(current, track)
    with tabs[5]:
        import_export(current, result, track)
    with tabs[6]:
        history_panel(library, current)


def show_message() -> None:
    s = state()
    if s.message:
        kind, text = s.message
        getattr(st, kind)(lit(text))  # messages quote file names, ids and file problems
        s.message = None


def video_options(library: Library) -> tuple[list[str], dict[str, str]]:
    """The chooser's options (entries by title, as on every page, then videos without
    commentary) and what each shows."""
    entries = library.by_title()
    options = [f"entry:{e.slug}" for e in entries]
    options += [f"new:{library.media_relative(p)}" for p in library.orphan_videos]
    titles = {f"entry:{e.slug}": f"{e.title}  ({e.slug}.yaml)" for e in entries}
    titles |= {
        f"new:{library.media_relative(p)}": f"New commentary for {library.media_relative(p)}"
        for p in library.orphan_videos
    }
    return options, titles


def current_choice(library: Library, options: list[str]) -> str | None:
    """The chooser's option for the open file (a new file is its video's option)."""
    current = state().file
    if current is None:
        return None
    if f"entry:{current.slug}" in options:
        return f"entry:{current.slug}"
    video_ref = current.draft.get("video")
    return f"new:{video_ref}" if f"new:{video_ref}" in options else None


def choice_made(library: Library) -> None:
    """One choice opens a file; with unsaved changes the page asks first."""
    s = state()
    choice = st.session_state.get(key("choice"))
    options, _ = video_options(library)
    if choice is None or choice == current_choice(library, options):
        return
    if s.dirty and s.file is not None:
        s.confirm = ("switch", choice)
    else:
        open_choice(library, choice)


def stay(library: Library) -> None:
    state().confirm = None
    options, _ = video_options(library)
    st.session_state[key("choice")] = current_choice(library, options)


def switch(library: Library, choice: str) -> None:
    open_choice(library, choice)


def choose_video(library: Library) -> None:
    s = state()
    options, titles = video_options(library)
    wanted = s.open_slug or st.query_params.get("video")
    if s.file is None and wanted and f"entry:{wanted}" in options:
        open_entry(library, wanted)  # a reload comes back to the same file (and its draft)
        s.open_slug = wanted
    current = s.file
    confirm = s.confirm
    if not (confirm and confirm[0] == "switch"):
        # the chooser shows the open file, whatever opened it (upload, save as copy, reload)
        st.session_state[key("choice")] = current_choice(library, options)
    st.selectbox(
        "Video and commentary",
        options,
        format_func=lambda o: titles.get(o, o),
        key=key("choice"),
        placeholder="Choose a video…",
        on_change=choice_made,
        args=(library,),
    )
    with st.container():
        switch_question(library, current, confirm)
    # inline, not in a popover: closing a popover could unmount the widget mid-upload
    with st.expander("Upload a video", expanded=current is None):
        upload(library)


def switch_question(
    library: Library, current: au.DraftFile | None, confirm: tuple[str, ...] | None
) -> None:
    if confirm and confirm[0] == "switch":
        st.warning(
            f"You have unsaved changes in **{lit(current.slug if current else '')}**. They stay "
            "in a draft and come back when you open it again."
        )
        a, b = st.columns(2)
        a.button(
            "Open the other video",
            key=key("switch_yes"),
            type="primary",
            on_click=switch,
            args=(library, confirm[1]),
        )
        b.button("Stay here", key=key("switch_no"), on_click=stay, args=(library,))


def open_choice(library: Library, choice: str) -> None:
    kind, _, value = choice.partition(":")
    if kind == "entry":
        open_entry(library, value)
        state().open_slug = value
        st.query_params["video"] = value
    else:
        open_new(library, library.media_dir / value)
        current = state().file
        state().open_slug = current.slug if current else None


def upload(library: Library) -> None:
    """Streamed to disk by the app's upload route; the route checks it is a readable video."""
    name = upload_widget(key("upload_video"))
    if name:
        open_new(library, library.media_dir / name)
        st.rerun()


def video_line(library: Library, vpath: Path | None, facts: dict[str, Any]) -> None:
    if "error" in facts:
        st.warning(f"Video: {lit(facts['error'])}. You can still edit the commentary.")
        return
    assert vpath is not None
    size = vpath.stat().st_size / 1024**2
    dims = f"{facts.get('width', '?')}×{facts.get('height', '?')}"
    st.caption(
        f"Video **{lit(library.media_relative(vpath))}** · {format_time(facts['duration_ms'])} · "
        f"{facts['fps']:.3g} fps · {dims} · {lit(facts['codec'])} in {lit(facts['container'])} · "
        f"{size:,.1f} MB"
    )
    if not facts["playable"] and state().job is None:
        st.warning(
            f"Browsers cannot play this file ({lit(facts['codec'])} in {lit(facts['container'])}). "
            "Convert it to H.264/AAC MP4; the original is kept."
        )
        if st.button("Convert for browsers", key=key("convert")):
            state().job = start_transcode(vpath)
            st.rerun()


@st.fragment(run_every=0.5)
def transcode_progress(library: Library) -> None:
    s = state()
    job = s.job
    if job is None:
        return
    if not job.done:
        st.progress(job.progress, text=f"Converting to MP4 for browsers: {job.progress:.0%}")
        if st.button("Cancel conversion", key=key("cancel_job")):
            job.cancel()
        return
    s.job = None
    if job.result is not None:
        rel = library.media_relative(job.result)
        current = s.file
        if current is not None:
            commit(
                current.draft | {"video": rel},
                f"Converted to {rel} (the original is kept); the commentary now uses it. "
                "Save to keep this change.",
            )
    elif job.error:
        s.say("error", f"Conversion failed: {job.error}")
    else:
        s.say("info", "Conversion cancelled; nothing was written.")
    st.rerun(scope="app")


def video_facts(library: Library, draft: au.Draft) -> tuple[Path | None, dict[str, Any]]:
    ref = draft.get("video")
    if not isinstance(ref, str) or ref.startswith("https://"):
        return None, {"error": "the video is not a file in media/"}
    try:
        path = resolve_media(library.media_dir, ref)
    except AllianceLensError as exc:
        return None, {"error": exc.message}
    if not path.is_file():
        return None, {"error": f"video {ref!r} not found in media/"}
    facts = loaders.probe_video(path)
    if "error" in facts:
        return path, {"error": f"cannot read the video ({facts['error']})"}
    return path, facts
