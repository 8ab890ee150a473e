"""Streamlit helpers for the Author page: open a video, mark at the playhead, edit, save safely.

The draft lives in ``st.session_state`` and, after every change, in a draft file in the data
folder (``authoring.write_draft``): a reload, a crash or a closed tab loses nothing. Saving
refuses to overwrite a file that changed on disk since it was opened.

Every change goes through ``commit``, which bumps a version number that is part of every
editor's key: editors are rebuilt from the draft after each change, so an edit is never
applied twice and marks show in the tables at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens import formats, ids
from alliance_lens.errors import AllianceLensError, FormatError, Problem
from alliance_lens.library import VIDEO_SUFFIXES, Library, resolve_media
from alliance_lens.media_route import media_url
from alliance_lens.player import player, trigger_value
from alliance_lens.playerdata import (
    Command,
    PlayerOptions,
    VideoSource,
    build_player_data,
    build_video_only_data,
)
from alliance_lens.timecode import format_time
from alliance_lens.trackfile import TrackConflictError, history, load_yaml, parse_commentary
from alliance_lens.ui import loaders
from alliance_lens.ui.loaders import thumbnail_uris
from alliance_lens.ui.problems import show_problems

PLAYER_KEY = "author_player"
S = "author_"  # session-state prefix: everything of this page
TYPES = ("withdrawal", "confrontation")
RESOLUTIONS = ("resolved", "partly", "unresolved")
ALLIANCE = ("goals", "tasks", "bond")
TABLE_LABELS = {"episodes": "Rupture", "cues": "Cue", "prompts": "Prompt", "chapters": "Chapter"}
EXPORTS = {
    ".yaml": "YAML (everything)",
    ".vtt": "WebVTT",
    ".srt": "SRT",
    ".eaf": "ELAN",
    ".csv": "CSV",
}


def _get(name: str, default: Any = None) -> Any:
    return st.session_state.get(S + name, default)


def _set(name: str, value: Any) -> None:
    st.session_state[S + name] = value


# ---------------------------------------------------------------- opening and committing


def open_entry(library: Library, slug: str) -> None:
    """Open a commentary file; a draft left from before (reload, crash) is resumed."""
    path = library.commentary_dir / f"{slug}.yaml"
    _reset()
    try:
        saved = au.read_draft(slug)
    except AllianceLensError as exc:
        _set(
            "msg",
            (
                "error",
                f"A draft for {slug} exists but cannot be read ({exc.message}); "
                "it was left in place.",
            ),
        )
        saved = None
    if saved is not None:
        _set("state", replace(saved, track_path=saved.track_path or str(path)))
        _set("dirty", True)
        when = time.strftime("%d %b %H:%M", time.localtime(saved.updated))
        _set("msg", ("info", f"Resumed your unsaved changes from {when}."))
        return
    result = parse_commentary(path, vocabulary=library.vocabulary)
    if result.doc is not None:
        draft = au.draft_from_doc(result.doc)
    else:  # a file with errors opens as it is, so the author can fix it here
        try:
            data, _ = load_yaml(path)
        except AllianceLensError:
            data = None
        if not isinstance(data, dict):
            _set(
                "msg",
                (
                    "error",
                    "This file cannot be opened in the editor; fix it in a text "
                    "editor (problems are listed on the Library page).",
                ),
            )
            return
        draft = data
    _set("state", au.DraftFile(slug, str(path), result.digest, draft))
    _set("dirty", False)


def open_new(library: Library, video: Path) -> None:
    """Start a commentary file for a video that has none."""
    path = au.new_commentary_path(library.commentary_dir, video)
    _reset()
    try:
        saved = au.read_draft(path.stem)
    except AllianceLensError:
        saved = None
    rel = library.media_relative(video)
    if saved is not None and saved.draft.get("video") == rel:
        _set("state", saved)
        _set("dirty", True)
        _set("msg", ("info", "Resumed your unsaved new commentary file."))
        return
    draft = au.new_draft(rel, au.title_from(video.stem))
    _set("state", au.DraftFile(path.stem, str(path), None, draft))
    _set("dirty", True)
    commit(draft, "New commentary file: mark the first moment to begin.")


def _reset() -> None:
    for name in ("sel", "conflict", "confirm", "pos", "cmd", "msg"):
        st.session_state.pop(S + name, None)
    _set("track", 0)
    _set("v", _get("v", 0) + 1)


def state() -> au.DraftFile | None:
    return _get("state")


def commit(draft: au.Draft, message: str | None = None) -> None:
    """Make ``draft`` the current draft and write it to the draft file at once."""
    current = state()
    if current is None:
        return
    new = replace(current, draft=draft)
    _set("state", new)
    _set("dirty", True)
    _set("v", _get("v", 0) + 1)
    try:
        au.write_draft(new)
    except OSError as exc:
        _set("msg", ("error", f"Could not write the draft file ({exc}); save soon."))
        return
    if message:
        _set("msg", ("success", message))


# ---------------------------------------------------------------- player triggers


def handle_mark(payload: Any = None) -> None:
    """The player's ``mark`` trigger (a callback: runs before the script)."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "mark")
    current = state()
    if current is None or not isinstance(payload, dict):
        return
    kind, at = payload.get("kind"), payload.get("at_ms")
    if not isinstance(kind, str) or not isinstance(at, int | float) or at < 0:
        return
    result = au.apply_mark(current.draft, kind, int(at), _get("track", 0), _get("sel"))
    _set("pos", int(at))
    if result.draft is not current.draft:
        commit(result.draft, result.message)
    else:
        _set("msg", ("warning", result.message))
    _set("sel", result.selection)


NUDGE_LIMITS = {"by_frames": 10_000, "by_ms": 3_600_000}  # a key burst is far below these


def handle_nudge(payload: Any = None) -> None:
    """The player's ``nudge`` trigger: move the selected item's start (Alt+, / Alt+.).

    ``{by_frames: n}`` or ``{by_ms: n}``, plus ``selected`` as the player showed it: if
    the selection changed meanwhile, nothing moves (the keys meant another item).
    """
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "nudge")
    current, sel = state(), _get("sel")
    if current is None or not isinstance(payload, dict):
        return
    if sel is None:
        _set("msg", ("warning", "Select an item first, then nudge it."))
        return
    step = {
        name: int(value)
        for name, value in payload.items()
        if name in NUDGE_LIMITS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 < abs(value) <= NUDGE_LIMITS[name]
    }
    if len(step) != 1:
        return
    track = _get("track", 0)
    shown = au.player_view(current.draft, sel, track).selected
    if "selected" in payload and payload["selected"] != (shown.to_json() if shown else None):
        _set("msg", ("warning", "The selection changed before the nudge arrived; nothing moved."))
        return
    kw = {"frames": step["by_frames"]} if "by_frames" in step else {"ms": step["by_ms"]}
    _nudge(sel, track, float(_get("fps") or 25.0), kw)


def handle_position(payload: Any = None) -> None:
    """Pauses tell us where the playhead is, for "set start/end here"."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "position")
    if isinstance(payload, dict) and isinstance(payload.get("at_ms"), int | float):
        _set("pos", int(payload["at_ms"]))


def seek(at_ms: int) -> None:
    _set("cmd", Command("seek", uuid.uuid4().hex, at_ms))


# ---------------------------------------------------------------- saving


def do_save(library: Library, duration_ms: int | None) -> None:
    current = state()
    if current is None:
        return
    try:
        digest, _ = au.save(current, vocabulary=library.vocabulary, duration_ms=duration_ms)
    except TrackConflictError:
        _set("conflict", True)
        return
    except AllianceLensError as exc:
        _set("msg", ("error", f"Not saved: {exc.message}. Your changes are kept in the draft."))
        return
    except OSError as exc:
        _set("msg", ("error", f"Not saved: {exc}. Your changes are kept in the draft."))
        return
    au.discard_draft(current.slug)
    _set("state", replace(current, base_digest=digest))
    _set("dirty", False)
    _set("conflict", False)
    _set("msg", ("success", f"Saved {Path(current.track_path).name}."))


def do_save_copy(library: Library, duration_ms: int | None) -> None:
    current = state()
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
        _set("msg", ("error", f"Not saved: {exc}. Your changes are kept in the draft."))
        return
    au.discard_draft(current.slug)
    _set("state", new)
    _set("dirty", False)
    _set("conflict", False)
    _set("open", new.slug)
    _set(
        "msg",
        (
            "success",
            f"Saved as a copy: {Path(new.track_path).name}. "
            f"{Path(current.track_path).name} was not changed.",
        ),
    )


def do_reload(library: Library) -> None:
    current = state()
    if current is None:
        return
    kept = au.set_aside_draft(current.slug)
    open_entry(library, current.slug)
    if kept is not None:
        _set(
            "msg",
            (
                "info",
                "Reloaded from disk. Your unsaved version is kept: see History → Set-aside drafts.",
            ),
        )


def do_discard(library: Library) -> None:
    current = state()
    if current is None:
        return
    # set aside, not deleted: another editor on this host may have made that draft
    kept = au.set_aside_draft(current.slug)
    if Path(current.track_path).exists():
        open_entry(library, current.slug)
    else:
        _set("state", None)
        _set("open", None)
    note = " A copy is kept under History → Set-aside drafts." if kept else ""
    _set("msg", ("info", "Changes discarded." + note))


# ---------------------------------------------------------------- video facts


@dataclass
class TranscodeJob:
    src: Path
    dst: Path
    cancel: threading.Event
    progress: float = 0.0
    done: bool = False
    error: str = ""
    result: Path | None = None


def _run_transcode(job: TranscodeJob) -> None:
    from alliance_lens import video

    def progress(frac: float) -> None:
        job.progress = frac

    try:
        job.result = video.transcode(job.src, job.dst, progress=progress, cancel=job.cancel)
    except AllianceLensError as exc:
        job.error = exc.message
    except Exception as exc:  # the page must hear about any failure, never hang
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.done = True


def start_transcode(src: Path) -> None:
    from alliance_lens.transcoding import web_copy_path

    dst = web_copy_path(src)
    job = TranscodeJob(src, dst, threading.Event())
    threading.Thread(target=_run_transcode, args=(job,), daemon=True).start()
    _set("job", job)


@st.fragment(run_every=0.5)
def transcode_progress(library: Library) -> None:
    job: TranscodeJob | None = _get("job")
    if job is None:
        return
    if not job.done:
        st.progress(job.progress, text=f"Converting to MP4 for browsers: {job.progress:.0%}")
        if st.button("Cancel conversion", key=S + "cancel_job"):
            job.cancel.set()
        return
    _set("job", None)
    if job.result is not None:
        rel = library.media_relative(job.result)
        current = state()
        if current is not None:
            commit(
                current.draft | {"video": rel},
                f"Converted to {rel} (the original is kept); the commentary now uses it. "
                "Save to keep this change.",
            )
    elif job.error:
        _set("msg", ("error", f"Conversion failed: {job.error}"))
    else:
        _set("msg", ("info", "Conversion cancelled; nothing was written."))
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
    return path, probe_video(path)


def probe_video(path: Path) -> dict[str, Any]:
    facts = loaders.probe_video(path)
    if "error" in facts:
        return {"error": f"cannot read the video ({facts['error']})"}
    return facts


def thumbnails_for(path: Path | None, times: list[int | None]) -> list[str | None]:
    if path is None:
        return [None for _ in times]
    uris = thumbnail_uris(path, [t for t in times if t is not None])
    return [uris.get(t) if t is not None else None for t in times]


# ---------------------------------------------------------------- page


def _test_hooks() -> None:
    # AppTest runs no JavaScript and has no file upload: tests put a trigger payload or an
    # upload here and the page hands it to the same handlers the player and uploader use
    payload = st.session_state.pop(S + "inject_mark", None)
    if payload is not None:
        handle_mark(payload)
    payload = st.session_state.pop(S + "inject_nudge", None)
    if payload is not None:
        handle_nudge(payload)
    upload = st.session_state.pop(S + "inject_import", None)
    if upload is not None:
        do_import(*upload)


def render_author_page(library: Library) -> None:
    st.title("Author")
    _test_hooks()
    _choose_video(library)
    current = state()
    _show_message()
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
    track = min(_get("track", 0), max(0, len(au.tracks(draft)) - 1))
    mapped = au.map_problems(result.problems, track)

    _save_bar(library, current, result, duration)
    _video_line(library, vpath, facts)
    transcode_progress(library)
    _player(library, current, vpath, facts, track)
    _selected_panel(library, current, track, facts, mapped)
    tabs = st.tabs(
        ["Ruptures", "Cues", "Prompts", "Chapters", "File & tracks", "Import / export", "History"]
    )
    with tabs[0]:
        _table(library, "episodes", track, mapped, vpath)
    with tabs[1]:
        _table(library, "cues", track, mapped, vpath)
    with tabs[2]:
        _table(library, "prompts", track, mapped, vpath)
    with tabs[3]:
        _table(library, "chapters", track, mapped, vpath)
    with tabs[4]:
        _file_panel(current, track)
    with tabs[5]:
        _import_export(current, result, track)
    with tabs[6]:
        _history(library, current)


def _show_message() -> None:
    msg = _get("msg")
    if msg:
        kind, text = msg
        getattr(st, kind)(text)
        _set("msg", None)


def _choose_video(library: Library) -> None:
    options: list[str] = [f"entry:{e.slug}" for e in library.entries]
    options += [f"new:{library.media_relative(p)}" for p in library.orphan_videos]
    titles = {f"entry:{e.slug}": f"{e.title}  ({e.slug}.yaml)" for e in library.entries}
    titles |= {
        f"new:{library.media_relative(p)}": f"New commentary for {library.media_relative(p)}"
        for p in library.orphan_videos
    }
    wanted = _get("open") or st.query_params.get("video")
    if state() is None and wanted and f"entry:{wanted}" in options:
        open_entry(library, wanted)  # a reload comes back to the same file (and its draft)
        _set("open", wanted)
    current = state()
    cols = st.columns([4, 1, 2], vertical_alignment="bottom")
    now = f"entry:{current.slug}" if current else None
    choice = cols[0].selectbox(
        "Video and commentary",
        options,
        index=options.index(now) if now in options else None,
        format_func=lambda o: titles.get(o, o),
        key=S + "choice",
        placeholder="Choose a video…",
    )
    if cols[1].button("Open", key=S + "open_btn", disabled=choice is None or choice == now):
        if _get("dirty") and current is not None:
            _set("confirm", ("switch", choice))
        else:
            _open_choice(library, choice)
            st.rerun()
    confirm = _get("confirm")
    if confirm and confirm[0] == "switch":
        st.warning(
            f"You have unsaved changes in **{current.slug if current else ''}**. They stay "
            "in a draft and come back when you open it again."
        )
        a, b = st.columns(2)
        if a.button("Open the other video", key=S + "switch_yes", type="primary"):
            _open_choice(library, confirm[1])
            st.rerun()
        if b.button("Stay here", key=S + "switch_no"):
            _set("confirm", None)
            st.rerun()
    with cols[2].popover("Upload a video", width="stretch"):
        _upload(library)


def _open_choice(library: Library, choice: str) -> None:
    kind, _, value = choice.partition(":")
    if kind == "entry":
        open_entry(library, value)
        _set("open", value)
        st.query_params["video"] = value
    else:
        open_new(library, library.media_dir / value)
        current = state()
        _set("open", current.slug if current else None)


def _upload(library: Library) -> None:
    limit_mb = int(st.get_option("server.maxUploadSize"))
    up = st.file_uploader(
        f"A video file (up to {limit_mb:,} MB)",
        type=[s.lstrip(".") for s in VIDEO_SUFFIXES],
        key=S + "upload",
    )
    if up is None or not st.button("Add to the library", key=S + "upload_btn"):
        return
    from alliance_lens import video

    try:
        path = au.save_upload(up, up.name, library.media_dir, max_bytes=limit_mb * 1024**2)
    except AllianceLensError as exc:
        st.error(f"Upload refused: {exc.message}")
        return
    try:
        video.probe(path)
    except AllianceLensError as exc:
        path.unlink(missing_ok=True)
        st.error(f"{up.name} is not a video this app can read ({exc.message}); it was not kept.")
        return
    open_new(library, path)
    st.rerun()


def _save_bar(library: Library, current: au.DraftFile, result: Any, duration: int | None) -> None:
    errors, warnings = len(result.errors), len(result.warnings)
    name = Path(current.track_path).name
    status = "Unsaved changes (kept in a draft)" if _get("dirty") else "Saved"
    check = (
        f":red[{errors} error(s): fix them to save]"
        if errors
        else f":green[valid]{f', {warnings} warning(s)' if warnings else ''}"
    )
    cols = st.columns([5, 1, 1.3, 1.3], vertical_alignment="center")
    cols[0].markdown(f"**{name}** · {status} · {check}")
    cols[1].button(
        "Save",
        key=S + "save",
        type="primary",
        disabled=bool(errors) or not _get("dirty"),
        on_click=do_save,
        args=(library, duration),
    )
    cols[2].button(
        "Save as copy",
        key=S + "save_copy",
        disabled=bool(errors),
        on_click=do_save_copy,
        args=(library, duration),
    )
    if cols[3].button("Discard changes", key=S + "discard", disabled=not _get("dirty")):
        _set("confirm", ("discard",))
    confirm = _get("confirm")
    if confirm and confirm[0] == "discard":
        st.warning(
            "Discard every unsaved change in this file? A copy is kept under "
            "History → Set-aside drafts."
        )
        a, b = st.columns(2)
        a.button("Discard", key=S + "discard_yes", on_click=do_discard, args=(library,))
        if b.button("Keep my changes", key=S + "discard_no"):
            _set("confirm", None)
            st.rerun()
    if _get("conflict"):
        st.error(
            f"**Not saved: {name} changed on disk since you opened it** (another editor, or "
            "a restore). Saving now would overwrite that work. Your changes are safe in the "
            "draft. Choose:"
        )
        a, b, c = st.columns(3)
        a.button(
            "Save as a copy",
            key=S + "conflict_copy",
            type="primary",
            on_click=do_save_copy,
            args=(library, duration),
        )
        b.button(
            "Reload from disk (keep my version aside)",
            key=S + "conflict_reload",
            on_click=do_reload,
            args=(library,),
        )
        if c.button("Decide later", key=S + "conflict_later"):
            _set("conflict", False)
            st.rerun()
    if result.errors or result.warnings:
        mapped_other = au.map_problems(result.problems, _get("track", 0)).other
        if mapped_other:
            show_problems(mapped_other, title="Problems outside the tables")


def _video_line(library: Library, vpath: Path | None, facts: dict[str, Any]) -> None:
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
    if not facts["playable"] and _get("job") is None:
        st.warning(
            f"Browsers cannot play this file ({facts['codec']} in {facts['container']}). "
            "Convert it to H.264/AAC MP4; the original is kept."
        )
        if st.button("Convert for browsers", key=S + "convert"):
            start_transcode(vpath)
            st.rerun()


def _player(
    library: Library, current: au.DraftFile, vpath: Path | None, facts: dict, track: int
) -> None:
    mode = (
        st.segmented_control(
            "Player",
            ["author", "learner"],
            default="author",
            key=S + "mode",
            format_func=lambda m: {"author": "Mark", "learner": "Preview as a learner"}[m],
            help="Mark: keys and buttons mark the frame on screen. Preview: the draft as learners "
            "will see it (prompts stop the video), before you save.",
        )
        or "author"
    )
    src = None
    if vpath is not None and "error" not in facts:
        src = VideoSource(
            media_url(library.media_relative(vpath)),
            facts["fps"],
            facts["duration_ms"],
            _captions(library, current.draft, vpath),
        )
    source = src or VideoSource(None, problem="No playable video for this file.")
    _set("fps", facts.get("fps") or 25.0)  # for the nudge callback (frames -> ms)
    view = au.player_view(current.draft, _get("sel"), track)
    options = PlayerOptions(
        mode=mode,  # type: ignore[arg-type]
        command=_get("cmd"),
        selected=view.selected,
        dirty=bool(_get("dirty")),  # the player warns before the tab is closed or reloaded
        untyped=view.untyped,
        thumbs=_onset_thumbs(view.doc, vpath if src is not None else None),
    )
    data = (
        build_player_data(view.doc, library.vocabulary, source, options)
        if view.doc is not None
        else build_video_only_data(str(current.draft.get("title", "")), source, options)
    )
    player(
        data,
        key=PLAYER_KEY,
        on_mark=handle_mark,
        on_position=handle_position,
        on_nudge=handle_nudge,
    )
    if mode == "author":
        st.caption(
            "Keys: **O** rupture onset · **E** its resolution · **M** cue · **Q** prompt · "
            "**H** chapter · **I** / **U** in / out of the selected item · **,** **.** one "
            "frame (Shift: 100 ms) · **Alt+,** **Alt+.** nudge the selected item a frame "
            "(Alt+Shift: 100 ms) · Space play/pause · ← → 5 s · **?** all keys. Marks land "
            "on the frame on screen."
        )


def _onset_thumbs(doc: Any, vpath: Path | None) -> dict[int, str]:
    """Onset frames for the timeline tooltips (the same pictures as the Ruptures table)."""
    if doc is None or vpath is None:
        return {}
    onsets = {e.onset for t in doc.tracks for e in t.episodes}
    return {t: uri for t, uri in thumbnail_uris(vpath, onsets).items() if uri}


def _captions(library: Library, draft: au.Draft, vpath: Path) -> str | None:
    ref = draft.get("captions") or str(vpath.with_suffix(".vtt").relative_to(library.media_dir))
    try:
        path = resolve_media(library.media_dir, str(ref))
    except AllianceLensError:
        return None
    return media_url(library.media_relative(path)) if path.is_file() else None


def _item_label(table: str, row: dict[str, Any], index: int) -> str:
    time_key = au.MAIN_TIME[table]
    at = au.time_cell(row.get(time_key)) or "?"
    words = {
        "episodes": row.get("title") or row.get("type") or "type not chosen",
        "cues": row.get("text"),
        "prompts": row.get("question"),
        "chapters": row.get("title"),
    }[table] or "(empty)"
    words = str(words)
    short = words if len(words) <= 40 else words[:39] + "…"
    ident = f" {row['id']}" if table in ("episodes", "prompts") and row.get("id") else ""
    return f"{at} · {TABLE_LABELS[table]}{ident} · {short}"


def _selected_panel(
    library: Library, current: au.DraftFile, track: int, facts: dict, mapped: au.RowProblems
) -> None:
    draft = current.draft
    choices = [au.Selection(t, i) for t in au.TABLES for i in range(len(au.items(draft, t, track)))]
    labels = {
        s: _item_label(s.table, au.items(draft, s.table, track)[s.row], s.row) for s in choices
    }
    sel = _get("sel")
    v = _get("v", 0)
    with st.container(border=True):
        picked = st.selectbox(
            "Selected item",
            choices,
            index=choices.index(sel) if sel in choices else None,
            format_func=lambda s: labels[s],
            key=f"{S}sel_box_{v}",
            placeholder="Mark a moment, or choose an item to adjust",
            on_change=_selection_changed,  # before the script: the player highlights it
            args=(f"{S}sel_box_{v}",),
        )
        if picked != sel:
            _set("sel", picked)
            sel = picked
        if sel is None:
            return
        item = au.items(draft, sel.table, track)[sel.row]
        fps = facts.get("fps") or 25.0
        _nudges(current, sel, track, fps, item)
        for msg in mapped.rows.get(sel.table, {}).get(sel.row, []):
            if msg == "type: required field is missing":
                msg = "Choose the rupture type: withdrawal (away from) or confrontation (against)."
            (st.warning if msg.startswith("warning") else st.error)(msg)
        key = f"{S}f_{v}_"
        if sel.table == "episodes":
            _episode_fields(library, current, sel, track, item, key, mapped)
        elif sel.table == "cues":
            _text_field(current, sel, track, "text", "Cue text", item, key, area=True)
            lenses = list(library.vocabulary.lenses)
            lens = item.get("lens", "alliance")
            st.selectbox(
                "Lens",
                lenses,
                index=lenses.index(lens) if lens in lenses else None,
                format_func=lambda x: library.vocabulary.lens(x).label,
                key=key + "lens",
                on_change=_field_changed,
                args=(sel, track, "lens", key + "lens"),
            )
        elif sel.table == "prompts":
            _text_field(current, sel, track, "question", "Question", item, key, area=True)
            _text_field(
                current,
                sel,
                track,
                "reveal",
                "Commentary revealed after answering",
                item,
                key,
                area=True,
            )
        else:
            _text_field(current, sel, track, "title", "Chapter title", item, key)


def _selection_changed(widget_key: str) -> None:
    _set("sel", st.session_state.get(widget_key))


def _nudges(current: au.DraftFile, sel: au.Selection, track: int, fps: float, item: dict) -> None:
    cols = st.columns(8, vertical_alignment="center")
    steps = [
        ("−1 frame", {"frames": -1}),
        ("+1 frame", {"frames": 1}),
        ("−100 ms", {"ms": -100}),
        ("+100 ms", {"ms": 100}),
    ]
    for col, (label, kw) in zip(cols, steps, strict=False):
        col.button(
            label,
            key=f"{S}nudge_{label}",
            on_click=_nudge,
            args=(sel, track, fps, kw),
            help="Move the start of the selected item",
        )
    pos = _get("pos")
    at = au.time_ms(item.get(au.MAIN_TIME[sel.table]))
    cols[4].button("Go to", key=S + "goto", disabled=at is None, on_click=seek, args=(at or 0,))
    here = f" at {format_time(pos)}" if pos is not None else " (pause the video first)"
    cols[5].button(
        "Start here",
        key=S + "in",
        disabled=pos is None,
        on_click=_mark_here,
        args=("in",),
        help=f"Start the selected item at the paused frame{here}",
    )
    cols[6].button(
        "End here",
        key=S + "out",
        disabled=pos is None or sel.table not in au.END_TIME,
        on_click=_mark_here,
        args=("out",),
        help=f"End the selected item at the paused frame{here}",
    )
    cols[7].button("Delete", key=S + "delete", on_click=_delete, args=(sel, track))


def _nudge(sel: au.Selection, track: int, fps: float, kw: dict[str, int]) -> None:
    current = state()
    if current is not None:
        new = au.nudge(current.draft, sel, fps=fps, track=track, **kw)
        commit(new)
        at = au.time_ms(au.selected_item(new, sel, track).get(au.MAIN_TIME[sel.table]))
        if at is not None:
            seek(at)  # show the frame it now starts on


def _mark_here(kind: str) -> None:
    pos = _get("pos")
    if pos is not None:
        handle_mark({"kind": kind, "at_ms": pos})


def _delete(sel: au.Selection, track: int) -> None:
    current = state()
    if current is None:
        return
    rows = list(au.items(current.draft, sel.table, track))
    if 0 <= sel.row < len(rows):
        del rows[sel.row]
        commit(
            au.with_items(current.draft, sel.table, track, rows),
            f"{TABLE_LABELS[sel.table]} deleted (Discard changes brings it back).",
        )
    _set("sel", None)


def _field_changed(sel: au.Selection, track: int, name: str, widget_key: str) -> None:
    current = state()
    if current is None:
        return
    value = st.session_state.get(widget_key)
    rows = [dict(r) for r in au.items(current.draft, sel.table, track)]
    if not 0 <= sel.row < len(rows):
        return
    if value in (None, "", []) and name not in au.REQUIRED[sel.table]:
        rows[sel.row].pop(name, None)
    else:
        rows[sel.row][name] = list(value) if isinstance(value, list | tuple) else value
    commit(au.with_items(current.draft, sel.table, track, rows))


def _text_field(
    current: au.DraftFile,
    sel: au.Selection,
    track: int,
    name: str,
    label: str,
    item: dict,
    key: str,
    area: bool = False,
) -> None:
    widget = st.text_area if area else st.text_input
    widget(
        label,
        value=str(item.get(name) or ""),
        key=key + name,
        on_change=_field_changed,
        args=(sel, track, name, key + name),
    )


def _episode_fields(
    library: Library,
    current: au.DraftFile,
    sel: au.Selection,
    track: int,
    item: dict,
    key: str,
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
        key=key + "type",
        on_change=_field_changed,
        args=(sel, track, "type", key + "type"),
    )
    options = list(vocab.markers_of(rtype)) if rtype in TYPES else list(vocab.markers)
    chosen = [m for m in item.get("markers") or [] if isinstance(m, str)]
    options += [m for m in chosen if m not in options]
    cols[1].multiselect(
        "Markers",
        options,
        default=chosen,
        format_func=vocab.marker_label,
        key=key + "markers",
        placeholder="Choose the rupture markers",
        on_change=_field_changed,
        args=(sel, track, "markers", key + "markers"),
    )
    res = item.get("resolution")
    cols[2].selectbox(
        "Resolution",
        RESOLUTIONS,
        index=RESOLUTIONS.index(res) if res in RESOLUTIONS else None,
        key=key + "resolution",
        on_change=_field_changed,
        args=(sel, track, "resolution", key + "resolution"),
    )
    _text_field(current, sel, track, "title", "Short title", item, key)
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
        "depth": st.column_config.SelectboxColumn("Depth", options=["immediate", "exploratory"]),
        "directness": st.column_config.SelectboxColumn(
            "Directness", options=["direct", "indirect"]
        ),
        "note": st.column_config.TextColumn("Note", width="large"),
        au.PROBLEM_COLUMN: st.column_config.TextColumn("Problem", disabled=True),
    }
    edited = st.data_editor(
        frame,
        column_config=config,
        num_rows="dynamic",
        hide_index=True,
        key=f"{S}repairs_{_get('v', 0)}",
    )
    new = au.from_frame(current.draft, "repairs", edited, track, episode=sel.row)
    if new != current.draft:
        commit(new)
        st.rerun()


def _table(
    library: Library, table: str, track: int, mapped: au.RowProblems, vpath: Path | None
) -> None:
    current = state()
    if current is None:
        return
    draft = current.draft
    if table != "chapters" and not au.tracks(draft):
        st.info("Add a track under File & tracks first.")
        return
    frame = au.to_frame(draft, table, track, mapped.rows.get(table))
    vocab = library.vocabulary
    episode_ids = [str(e.get("id")) for e in au.items(draft, "episodes", track) if e.get("id")]
    time_help = "mm:ss.mmm, e.g. 01:02.500"
    config: dict[str, Any] = {
        c: st.column_config.TextColumn(c.replace("_", " ").capitalize(), help=time_help)
        for c in au.TIME_FIELDS
        if c in frame
    }
    config[au.PROBLEM_COLUMN] = st.column_config.TextColumn("Problem", disabled=True, width="large")
    config["episode"] = st.column_config.SelectboxColumn("Episode", options=episode_ids)
    config["id"] = st.column_config.TextColumn("Id", width="small")
    config["title"] = st.column_config.TextColumn("Title", required=table == "chapters")
    if table == "episodes":
        times = [au.time_ms(t) for t in frame["onset"]]
        frame.insert(0, "frame", thumbnails_for(vpath, times))
        config |= {
            "frame": st.column_config.ImageColumn("Onset frame", width="small"),
            "onset": st.column_config.TextColumn("Onset", help=time_help, required=True),
            "resolved_at": st.column_config.TextColumn("Resolved at", help=time_help),
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
    elif table == "cues":
        config |= {
            "text": st.column_config.TextColumn("Text", width="large", required=True),
            "lens": st.column_config.SelectboxColumn(
                "Lens", options=list(vocab.lenses), format_func=lambda x: vocab.lens(x).label
            ),
            "presenter_notes": st.column_config.TextColumn("Presenter notes"),
        }
    elif table == "prompts":
        known = sorted(
            {
                o
                for p in au.items(draft, "prompts", track)
                for o in p.get("options") or []
                if isinstance(o, str)
            }
        )
        config |= {
            "question": st.column_config.TextColumn("Question", width="large", required=True),
            "kind": st.column_config.SelectboxColumn("Kind", options=["text", "choice"]),
            "options": st.column_config.MultiselectColumn(
                "Options (choice)", options=known, accept_new_options=True
            ),
            "reveal": st.column_config.TextColumn("Revealed commentary", width="large"),
            "rewind_to": st.column_config.TextColumn("Rewind to", help=time_help),
        }
    edited = st.data_editor(
        frame,
        column_config=config,
        num_rows="dynamic",
        hide_index=True,
        key=f"{S}{table}_{_get('v', 0)}",
        disabled=["frame", au.PROBLEM_COLUMN],
        column_order=_order(list(frame.columns), bool(mapped.rows.get(table))),
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
                    _item_label(table, au.items(draft, table, track)[row], row)
                    if row < len(au.items(draft, table, track))
                    else f"row {row + 1}"
                )
                for msg in msgs:
                    st.markdown(f"- **{_escape(label)}** — {_escape(msg)}")


def _order(columns: list[str], has_problems: bool) -> list[str]:
    """The problem column next to the time columns while there are problems, else hidden."""
    rest = [c for c in columns if c != au.PROBLEM_COLUMN]
    if not has_problems:
        return rest
    at = 3 if rest[0] == "frame" else 2
    return [*rest[:at], au.PROBLEM_COLUMN, *rest[at:]]


def _escape(text: str) -> str:
    return (
        text.replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("[", "\\[")
    )


def _file_panel(current: au.DraftFile, track: int) -> None:
    draft = current.draft
    v = _get("v", 0)
    st.markdown("**File**")
    for name, label in [
        ("title", "Title"),
        ("description", "Description"),
        ("licence", "Licence"),
        ("consent", "Consent note"),
        ("language", "Language (e.g. en, en-GB)"),
    ]:
        st.text_input(
            label,
            value=str(draft.get(name) or ""),
            key=f"{S}file_{name}_{v}",
            on_change=_file_changed,
            args=(name, f"{S}file_{name}_{v}"),
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
            key=f"{S}track_box_{v}",
        )
        if picked != track:
            _set("track", picked)
            _set("sel", None)
            _set("v", v + 1)
            st.rerun()
        t = ts[track]
        for name, label in [("name", "Track name"), ("description", "What this track looks at")]:
            st.text_input(
                label,
                value=str(t.get(name) or ""),
                key=f"{S}track_{name}_{v}",
                on_change=_track_changed,
                args=(track, name, f"{S}track_{name}_{v}"),
            )
    with st.form(f"{S}add_track_{v}", border=False):
        name = st.text_input("New track name", placeholder="e.g. Mentalization lens")
        if st.form_submit_button("Add track") and name.strip():
            new, index = au.add_track(draft, name.strip())
            commit(new, f"Track {name.strip()!r} added.")
            _set("track", index)
            st.rerun()


def _file_changed(name: str, widget_key: str) -> None:
    current = state()
    if current is None:
        return
    value = str(st.session_state.get(widget_key) or "")
    draft = dict(current.draft)
    if value or name == "title":
        draft[name] = value
    else:
        draft.pop(name, None)
    commit(draft)


def _track_changed(track: int, name: str, widget_key: str) -> None:
    current = state()
    if current is None:
        return
    import copy

    draft = copy.deepcopy(current.draft)
    draft["tracks"][track][name] = str(st.session_state.get(widget_key) or "")
    commit(draft)


def _import_export(current: au.DraftFile, result: Any, track: int) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**Import** WebVTT, SRT, ELAN or CSV into this file")
        up = st.file_uploader(
            "Commentary file", type=["vtt", "srt", "eaf", "csv", "yaml"], key=S + "import_file"
        )
        ids = [str(t.get("id")) for t in au.tracks(current.draft)]
        target = st.selectbox(
            "Into",
            ["(a new track)", *ids],
            key=S + "import_into",
            help="Importing into an existing track replaces its cues.",
        )
        if st.button("Import", key=S + "import_btn", disabled=up is None) and up is not None:
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
                key=f"{S}dl_{fmt}",
            )
            for w in warnings:
                st.caption(f"⚠ {w.message}")


def do_import(name: str, data: bytes, track_id: str | None) -> None:
    current = state()
    if current is None:
        return
    base = au.validate(current.draft).doc
    if base is None:
        _set("msg", ("error", "Fix the errors in the draft before importing into it."))
        return
    if track_id is None:
        track_id = ids.track_id(Path(name).stem, {t.id for t in base.tracks})
    try:
        imported = formats.read_file(Path(name).name, text=data, base=base, track_id=track_id)
    except FormatError as exc:
        _set("import_problems", exc.problems)
        _set("msg", ("error", f"Nothing imported from {name}: {exc.message}"))
        return
    except AllianceLensError as exc:
        _set("msg", ("error", f"Nothing imported from {name}: {exc.message}"))
        return
    commit(au.draft_from_doc(imported.doc), f"Imported {name} into track {track_id!r}.")
    track_ids = [t.id for t in imported.doc.tracks]
    _set("track", track_ids.index(track_id) if track_id in track_ids else 0)
    _set("import_problems", imported.warnings)


def _history(library: Library, current: au.DraftFile) -> None:
    problems: list[Problem] | None = _get("import_problems")
    if problems:
        show_problems(problems, title="Import")
    path = Path(current.track_path)
    versions = history(path) if path.exists() else []
    st.markdown("**Earlier saved versions**")
    if not versions:
        st.caption("None yet: each save keeps the version it replaces.")
    for version in versions[:10]:
        stamp = version.stem.split("-")[0]
        when = time.strftime(
            "%d %b %Y %H:%M:%S",
            time.localtime(time.mktime(time.strptime(stamp, "%Y%m%dT%H%M%S")) - time.timezone),
        )
        cols = st.columns([3, 1])
        cols[0].write(f"Saved before {when}")
        cols[1].button(
            "Restore",
            key=f"{S}restore_{version.name}",
            disabled=bool(_get("dirty")),
            on_click=do_restore,
            args=(library, version),
            help="Save or discard your changes first" if _get("dirty") else None,
        )
    aside = au.set_aside_drafts(current.slug)
    if aside:
        st.markdown("**Set-aside drafts** (unsaved versions kept when you reloaded from disk)")
    for path_ in aside:
        cols = st.columns([3, 1, 1])
        cols[0].write(path_.name)
        cols[1].button(
            "Resume",
            key=f"{S}resume_{path_.name}",
            on_click=do_resume,
            args=(path_,),
            disabled=bool(_get("dirty")),
        )
        cols[2].button("Delete", key=f"{S}del_{path_.name}", on_click=path_.unlink)


def do_restore(library: Library, version: Path) -> None:
    from alliance_lens.trackfile import restore

    current = state()
    if current is None:
        return
    try:
        restore(current.track_path, version, expected_digest=current.base_digest)
    except TrackConflictError:
        _set("conflict", True)
        return
    except AllianceLensError as exc:
        _set("msg", ("error", f"Not restored: {exc.message}"))
        return
    open_entry(library, current.slug)
    _set("msg", ("success", "Restored; the version it replaced is in the history."))


def do_resume(path: Path) -> None:
    current = state()
    try:
        aside = au.read_draft("", path=path)
    except AllianceLensError as exc:
        _set("msg", ("error", exc.message))
        return
    if current is None or aside is None:
        return
    commit(aside.draft, "Set-aside draft resumed: saving it replaces the file on disk.")
    path.unlink(missing_ok=True)
