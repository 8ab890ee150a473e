"""The Author page: choose or upload a video, then the save bar, player, editors and tabs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens import video
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import VIDEO_SUFFIXES, Library, resolve_media
from alliance_lens.timecode import format_time
from alliance_lens.transcoding import start_transcode
from alliance_lens.ui import loaders

from .actions import commit, open_entry, open_new
from .files import file_panel, import_export
from .marking import player_panel, selected_panel
from .saving import history_panel, save_bar
from .state import key, state
from .tables import table_editor


def render_author_page(library: Library) -> None:
    st.title("Author")
    choose_video(library)
    current = state().file
    show_message()
    if current is None:
        st.info(
            "Choose a video above and press **Open**, or upload one. Every change is kept "
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

    save_bar(library, current, result, duration)
    video_line(library, vpath, facts)
    transcode_progress(library)
    player_panel(library, current, vpath, facts, track)
    selected_panel(library, current, track, facts, mapped)
    tabs = st.tabs(
        ["Ruptures", "Cues", "Prompts", "Chapters", "File & tracks", "Import / export", "History"]
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
        getattr(st, kind)(text)
        s.message = None


def choose_video(library: Library) -> None:
    s = state()
    options: list[str] = [f"entry:{e.slug}" for e in library.entries]
    options += [f"new:{library.media_relative(p)}" for p in library.orphan_videos]
    titles = {f"entry:{e.slug}": f"{e.title}  ({e.slug}.yaml)" for e in library.entries}
    titles |= {
        f"new:{library.media_relative(p)}": f"New commentary for {library.media_relative(p)}"
        for p in library.orphan_videos
    }
    wanted = s.open_slug or st.query_params.get("video")
    if s.file is None and wanted and f"entry:{wanted}" in options:
        open_entry(library, wanted)  # a reload comes back to the same file (and its draft)
        s.open_slug = wanted
    current = s.file
    cols = st.columns([4, 1, 2], vertical_alignment="bottom")
    now = f"entry:{current.slug}" if current else None
    choice = cols[0].selectbox(
        "Video and commentary",
        options,
        index=options.index(now) if now in options else None,
        format_func=lambda o: titles.get(o, o),
        key=key("choice"),
        placeholder="Choose a video…",
    )
    if (
        cols[1].button("Open", key=key("open_btn"), disabled=choice is None or choice == now)
        and choice is not None
    ):
        if s.dirty and current is not None:
            s.confirm = ("switch", choice)
        else:
            open_choice(library, choice)
            st.rerun()
    confirm = s.confirm
    if confirm and confirm[0] == "switch":
        st.warning(
            f"You have unsaved changes in **{current.slug if current else ''}**. They stay "
            "in a draft and come back when you open it again."
        )
        a, b = st.columns(2)
        if a.button("Open the other video", key=key("switch_yes"), type="primary"):
            open_choice(library, confirm[1])
            st.rerun()
        if b.button("Stay here", key=key("switch_no")):
            s.confirm = None
            st.rerun()
    with cols[2].popover("Upload a video", width="stretch"):
        upload(library)


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
    limit_mb = int(st.get_option("server.maxUploadSize"))
    up = st.file_uploader(
        f"A video file (up to {limit_mb:,} MB)",
        type=[s.lstrip(".") for s in VIDEO_SUFFIXES],
        key=key("upload"),
    )
    if up is None or not st.button("Add to the library", key=key("upload_btn")):
        return
    try:
        path = au.save_upload(
            up, up.name, library.media_dir, max_bytes=limit_mb * 1024**2, check=video.probe
        )
    except AllianceLensError as exc:
        st.error(f"Upload refused: {exc.message}.")
        return
    open_new(library, path)
    st.rerun()


def video_line(library: Library, vpath: Path | None, facts: dict[str, Any]) -> None:
    if "error" in facts:
        st.warning(f"Video: {facts['error']}. You can still edit the commentary.")
        return
    assert vpath is not None
    size = vpath.stat().st_size / 1024**2
    dims = f"{facts.get('width', '?')}×{facts.get('height', '?')}"
    st.caption(
        f"Video **{library.media_relative(vpath)}** · {format_time(facts['duration_ms'])} · "
        f"{facts['fps']:.3g} fps · {dims} · {facts['codec']} in {facts['container']} · "
        f"{size:,.1f} MB"
    )
    if not facts["playable"] and state().job is None:
        st.warning(
            f"Browsers cannot play this file ({facts['codec']} in {facts['container']}). "
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
