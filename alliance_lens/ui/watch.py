"""Streamlit helpers for the Watch page: choose a video, tracks and mode; mount the player.

The player talks back through triggers (see ``alliance_lens.player``); their callbacks
run before the script on the rerun a trigger causes. Answers and positions go to the store
(``alliance_lens.ui.learner``) the moment they arrive, named learner or not, and are also kept
in the session so an answer still shows when the database cannot be reached.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from alliance_lens.library import Entry, Library
from alliance_lens.player import player
from alliance_lens.playerdata import (
    PAGE_MODES,
    Command,
    Mode,
    PlayerOptions,
    VideoSource,
    build_player_data,
    build_video_only_data,
)
from alliance_lens.timecode import MAX_MS, format_time
from alliance_lens.ui import learner, loaders, room_panel
from alliance_lens.ui import practice as practice_ui
from alliance_lens.ui.access import current_access
from alliance_lens.ui.safe_text import code, lit, option_labels, subheader
from alliance_lens.ui.watch_session import (
    COMMAND_KEY,
    EVENTS_KEY,
    PLAYER_KEY,
    RESUMED_KEY,
    SAVE_PROBLEM_KEY,
    SLUG_KEY,
    handle_answer,
    handle_event,
    handle_position,
    handle_stage,
    presenter_data,
    request_seek,
    session_answers,
)
from alliance_lens.ui.watch_video import problem_lines, video_for
from alliance_lens.visibility import visible_tracks

RESUME_MIN_MS = 3000  # closer to the start than this, starting over is the same thing

MODE_LABELS = {
    "learner": "Learner",
    "presenter": "Presenter",
    "review": "Review",
    "practice": "Practice",
}
MODE_HELP = (
    "Learner: commentary appears as the video reaches it; the video stops to ask you. "
    "Presenter: your console for a workshop; it opens a stage window to share with the room "
    "(large type, questions to the room; your notes stay on the console). "
    "Review: all commentary visible from the start; prompts listed, no stops. "
    "Practice: the commentary is hidden; mark the ruptures you notice and compare with the "
    "expert at the end."
)

# What learners and presenters are told; the details are on the Library and Author pages.
BROKEN_FOR_LEARNERS = "This video's commentary has a problem; tell your educator."
VIDEO_PROBLEM_FOR_LEARNERS = "This video cannot be played here; tell your educator."

PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1rem !important; padding-bottom: 1rem !important; max-width: 100% !important; }
</style>
"""


# ---------------------------------------------------------------- page


def read_mode() -> Mode:
    raw = st.query_params.get("mode", "learner")
    allowed = raw in PAGE_MODES and current_access().mode(raw)  # a mode above the role: learner
    return raw if allowed else "learner"  # type: ignore[return-value]


def render_watch_page(library: Library) -> dict[str, Any] | None:
    """Draw the page; returns the data sent to the player (None when nothing to play)."""
    mode = read_mode()
    if mode == "presenter":
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
    if not library.entries:
        st.title("Watch")
        st.info(
            f"No commentary files in {library.commentary_dir}. Add a video to media/ and a "
            "commentary file to commentary/ (see docs/commentary-format.md)."
        )
        return None
    me = _identify(mode)
    # Learners and presenters see only entries that play (learners: no drafts either);
    # review (for educators) lists all. By title, as on every page.
    shown = [e for e in library.by_title(mode) if mode == "review" or not e.has_errors]
    wanted = st.query_params.get("video")
    if wanted and wanted not in {e.slug for e in shown} and library.entry(wanted):
        st.warning(BROKEN_FOR_LEARNERS, icon=":material/report:")
    if not shown:
        st.title("Watch")
        st.info("No video is ready to watch yet.", icon=":material/hourglass_empty:")
        return None
    slugs = [e.slug for e in shown]  # by title, as on every page
    index = slugs.index(wanted) if wanted in slugs else 0
    titles = {e.slug: e.title for e in shown}

    settings = st.expander("Video, tracks and mode", expanded=False) if mode == "presenter" else st
    top = settings.columns([3, 2.8, 1.2], vertical_alignment="bottom")
    slug = top[0].selectbox(
        "Video", slugs, index=index, format_func=lambda s: titles[s], key="watch_video"
    )
    chosen_mode = (
        top[1].segmented_control(
            "Mode",
            [m for m in PAGE_MODES if current_access().mode(m)],
            default=mode,
            format_func=lambda m: MODE_LABELS[m],
            key="watch_mode",
            help=MODE_HELP,
        )
        or mode
    )
    captions_on = top[2].toggle("Captions", value=True, key="watch_captions")
    if chosen_mode != mode or st.query_params.get("video") != slug:
        st.query_params["mode"] = chosen_mode
        st.query_params["video"] = slug
        if chosen_mode != mode:
            st.rerun()
    entry = library.entry(slug)
    assert entry is not None
    st.session_state[SLUG_KEY] = slug

    if entry.doc is None and mode != "presenter":
        subheader(entry.title)
    track_ids: tuple[str, ...] | None = None
    if entry.doc is not None:
        if mode != "presenter":
            subheader(entry.doc.title)
        names = {t.id: t.name for t in visible_tracks(entry.doc, mode)}
        if len(names) > 1 and mode != "practice":  # practice scores one track
            picked = settings.pills(
                "Tracks",
                list(names),
                default=list(names),
                selection_mode="multi",
                format_func=option_labels(names),
                key=f"watch_tracks_{slug}",
            )
            track_ids = tuple(picked or ())

    if mode == "review":
        _show_file_problems(entry, library)

    source, messages = video_for(library, entry)
    event = st.session_state.get(EVENTS_KEY, {}).get(slug)
    if event and event.get("type") == "video_error" and not messages:
        messages = [
            f"{event.get('message', 'The video could not be played.')} "
            "Convert it with `alliance-lens transcode IN OUT`."
        ]
    if messages and mode != "review":
        messages = [VIDEO_PROBLEM_FOR_LEARNERS]  # file names and commands are for educators
    for msg in messages:
        st.warning(lit(msg), icon=":material/videocam_off:")  # quotes file names, URLs

    problem = st.session_state.get(SAVE_PROBLEM_KEY)
    if problem and chosen_mode == "learner":
        st.warning(problem, icon=":material/cloud_off:")
    command = _start_command(slug) or _resume_command(slug, chosen_mode, me is not None)
    practising = chosen_mode == "practice"
    if practising:
        practice_ui.sidebar_settings()
    options = PlayerOptions(
        mode=chosen_mode,  # type: ignore[arg-type]
        track_ids=track_ids,
        captions_on=captions_on,
        # practice is blind: no answers or onset pictures are even looked up
        answers={} if practising else {**learner.saved_answers(slug), **session_answers(slug)},
        command=command,
        thumbs={} if practising else onset_thumbnails(entry, source),
    )
    if entry.doc is not None and entry.result.ok:
        data = build_player_data(entry.doc, library.vocabulary, source, options)
    else:
        data = video_only_data(entry.title, source, options)
    presenting = chosen_mode == "presenter"
    if presenting:  # the stage's address and notes; the live room's link, if one is open
        presenter_data(data, entry.doc if entry.result.ok else None, slug, track_ids)
    if practising:  # the marks come back once, at the end; nothing while playing
        player(data, key=PLAYER_KEY, on_event=handle_event, on_practice=practice_ui.handle_practice)
        practice_ui.render_practice(entry, library)
        return data
    player(
        data,
        key=PLAYER_KEY,
        on_answer=handle_answer,
        on_position=handle_position,
        on_event=handle_event,
        on_stage=handle_stage if presenting else None,
    )
    if presenting:
        room_panel.render_room_panel(data)
    return data


def _show_file_problems(entry: Entry, library: Library) -> None:
    """Review mode (educators): a file's errors and warnings, folded; details as on Library."""
    lines = problem_lines(entry, library)
    errors = [ln for ln in lines if ": error: " in ln]
    warnings = [ln for ln in lines if ": warning: " in ln]
    if errors:
        st.error(
            "This commentary file has errors"
            + (
                ": its commentary is not shown until they are fixed."
                if not entry.result.ok
                else "."
            )
            + " Learners and presenters do not see this video.",
            icon=":material/error:",
        )
        with st.expander(f"{len(errors)} error(s) in this commentary file"):
            st.markdown("\n".join(f"- {code(ln)}" for ln in errors))
    if warnings:
        with st.expander(f"{len(warnings)} warning(s) in this commentary file"):
            st.markdown("\n".join(f"- {code(ln)}" for ln in warnings))


def _identify(mode: str) -> Any:
    """This browser's learner (None before a first answer); says learners where answers go
    and offers them an optional name."""
    try:
        me = learner.current_learner()
    except learner.StoreUnavailable as exc:
        if mode == "learner":
            st.warning(f"Your answers cannot be saved: {exc.message}", icon=":material/cloud_off:")
        return None
    if mode in ("learner", "practice"):
        with st.sidebar:
            if me is not None and me.named:
                st.caption(f"Keeping reflections for **{lit(me.display_name)}**")
            else:
                me = learner.name_form() or me
            st.caption(learner.WHERE_KEPT)
    return me


def _resume_command(slug: str, mode: str, known: bool) -> Command | None:
    """Resume a learner where they left off, once per video and session; offer to start over."""
    resumed = st.session_state.setdefault(RESUMED_KEY, {})
    if mode != "learner" or not known:
        return None
    command = None
    if slug not in resumed:
        position = learner.saved_position(slug)
        resumed[slug] = position if position and position >= RESUME_MIN_MS else None
        if resumed[slug] is not None:
            command = Command("seek", f"resume-{slug}-{resumed[slug]}", resumed[slug])
    at = resumed.get(slug)
    if at is not None:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption(f"Resumed where you left off, at {format_time(at)}.")
        if right.button("Start over", key=f"watch_start_over_{slug}", icon=":material/replay:"):
            resumed[slug] = None
            request_seek(0)
            st.rerun()
    return command


def _start_command(slug: str) -> Command | None:
    """A seek asked for by a button, or by ``?t=<seconds>`` once per video and session."""
    cmd = st.session_state.pop(COMMAND_KEY, None)
    if isinstance(cmd, Command):
        return cmd
    raw = st.query_params.get("t")
    done = st.session_state.setdefault("watch_t_done", set())
    if raw and (slug, raw) not in done:  # each link seeks once, a different link seeks again
        done.add((slug, raw))
        st.session_state.setdefault(RESUMED_KEY, {})[slug] = None  # a link beats resuming
        try:
            seconds_in = float(raw)
        except ValueError:
            return None
        if not math.isfinite(seconds_in):  # e.g. ?t=inf from a garbled link
            return None
        at = min(max(0, round(seconds_in * 1000)), MAX_MS)
        return Command("seek", f"t-{slug}-{at}", at)
    return None


def onset_thumbnails(entry: Entry, source: VideoSource) -> dict[int, str]:
    """Pictures of each rupture onset's frame for the timeline tooltips (onset ms -> URI).

    Only for a video the page can read (cached per file, modification time and onsets).
    """
    if not entry.result.ok or source.src is None:
        return {}
    return loaders.onset_thumbnails(entry.doc, entry.video_path)


def video_only_data(title: str, source: VideoSource, options: PlayerOptions) -> dict[str, Any]:
    """Player data with no commentary: the video still plays while the file is fixed."""
    return build_video_only_data(title, source, options)
