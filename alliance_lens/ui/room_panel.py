"""The presenter's live-room panel on the Watch page (presenter mode): open a room, show its
code, join address and QR code, live counts and tallies, approvals, the stage display, the
tap density strip, end, export and delete. Thin: every action is a ``RoomStore`` call."""

from __future__ import annotations

from typing import Any

import streamlit as st

from alliance_lens.errors import StoreError
from alliance_lens.model import CommentaryFile, Track
from alliance_lens.rooms import STAGE_DISPLAYS, RoomStore
from alliance_lens.rooms.qr import check_base, join_url, lan_address, qr_svg
from alliance_lens.rooms.reports import share_note, tap_density
from alliance_lens.rooms.room_score import expert_onsets
from alliance_lens.ui import learner
from alliance_lens.ui.safe_text import lit

ROOM_KEY = "room_presenter"  # {"code", "key"}: the key never leaves this session and page
STAGE_LABELS = {
    "nothing": "Nothing",
    "bars": "Choice bars",
    "approved": "Approved answers",
    "taps": "Tap density",
    "join": "Join code",
    "score": "Room vs expert",
}
REFRESH_S = 2.0


def _rooms() -> RoomStore:
    return RoomStore(learner.get_store())


@st.cache_resource
def _held() -> dict[str, dict[str, str]]:
    """This process's open rooms by presenter (browser token or account): a reloaded console
    takes its room back (the key stays in server memory, as in the session)."""
    return {}


def _current_room() -> dict[str, str] | None:
    room = st.session_state.get(ROOM_KEY)
    if room is None:
        who = learner.browser_token(ensure_cookie=False)
        room = _held().get(who) if who else None
        if room is not None:
            st.session_state[ROOM_KEY] = room
    return room


def _hold(room: dict[str, str] | None) -> None:
    who = learner.browser_token(ensure_cookie=False)
    if who and room is not None:
        _held()[who] = room
    elif who:
        _held().pop(who, None)


def player_link(
    doc: CommentaryFile | None, track_ids: tuple[str, ...] | None
) -> dict[str, Any] | None:
    """What the player needs to tell the room about prompts and playback (presenter only),
    and the expert onsets the room's taps are scored against: the console sends them with
    each poll of the room, so "Room vs expert" follows the taps live (the stage never gets
    the key, the onsets or any answer)."""
    room = _current_room()
    if not room:
        return None
    link: dict[str, Any] = {"code": room["code"], "key": room["key"]}
    track = scored_track(doc, track_ids)
    if track is not None:
        link["expert"] = expert_onsets(track)
    return link


def scored_track(doc: CommentaryFile | None, track_ids: tuple[str, ...] | None) -> Track | None:
    """The track the room's taps are scored against: the first shown one with ruptures."""
    if doc is None:
        return None
    shown = [t for t in doc.tracks if not track_ids or t.id in track_ids]
    return next((t for t in shown if t.episodes), None)


def duration_ms(data: dict[str, Any]) -> int:
    """The video's length as the player data has it (seconds there), in ms."""
    return int(float(data.get("video", {}).get("duration") or 0) * 1000)


def render_room_panel(data: dict[str, Any]) -> None:
    """The panel under the console, for the video whose player ``data`` is on screen."""
    room, duration = _current_room(), duration_ms(data)
    with st.expander("Live room", expanded=room is not None, icon=":material/groups:"):
        try:
            if room is None:
                _open_form()
            else:
                _room(room["code"], room["key"], duration)
        except StoreError as exc:
            st.error(lit(exc.message), icon=":material/cloud_off:")


def _open_form() -> None:
    port = int(st.get_option("server.port") or 8501)
    with st.form("room_open", border=False):
        st.caption(
            "Participants join from their phones at the address below: this machine's address "
            "on the workshop network, or the host name behind a proxy (see the README)."
        )
        base = st.text_input("Join address", value=lan_address(port), key="room_base")
        if st.form_submit_button("Open a room", icon=":material/add:"):
            problem = check_base(base)
            if problem:
                st.error(problem)
                return
            created, key = _rooms().create("Alliance Lens workshop", base.strip())
            st.session_state[ROOM_KEY] = {"code": created.code, "key": key}
            _hold(st.session_state[ROOM_KEY])
            st.rerun()


def _room(code: str, key: str, duration_ms: int) -> None:
    rooms = _rooms()
    room = rooms.check_key(code, key)
    left, right = st.columns([3, 2])
    address = join_url(room.join_base, room.code)
    left.markdown(f"Room code **`{room.code}`**")
    left.text(address)
    right.image(qr_svg(room.join_base, room.code), caption="Scan to join", width=180)
    if room.ended:
        st.info("This room has ended. Export its answers, then delete them.")
    else:
        shown = st.segmented_control(
            "The stage shows",
            list(STAGE_DISPLAYS),
            default=room.stage,
            format_func=lambda d: STAGE_LABELS[d],
            key=f"room_stage_{code}",
        )
        if shown and shown != room.stage:
            rooms.set_stage(code, key, shown)
    _live(code, key, duration_ms)
    cols = st.columns(3)
    if not room.ended and cols[0].button("End the room", icon=":material/stop_circle:"):
        rooms.end(code, key)
        st.rerun()
    cols[1].download_button(
        "Export answers (CSV)",
        data=lambda: rooms.export_csv(code, key),
        file_name=f"room-{code}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    if cols[2].button("Delete the room", icon=":material/delete:", key="room_delete"):
        st.session_state["room_confirm_delete"] = True
    if st.session_state.get("room_confirm_delete"):
        st.warning("Delete every answer and tap of this room? This cannot be undone.")
        if st.button("Yes, delete", type="primary"):
            rooms.delete(code, key)
            st.session_state.pop(ROOM_KEY, None)
            _hold(None)
            st.session_state.pop("room_confirm_delete", None)
            st.rerun()


@st.fragment(run_every=REFRESH_S)
def _live(code: str, key: str, duration_ms: int) -> None:
    """Counts, tallies and taps, refreshed every few seconds without rerunning the page."""
    rooms = _rooms()
    try:
        counts = rooms.counts(code, key)
        tallies = rooms.tallies(code, key)
        taps = rooms.tap_times(code, key)
    except StoreError as exc:
        st.error(lit(exc.message))
        return
    st.markdown(f"**{counts['participants']}** joined · **{counts['taps']}** rupture taps")
    if taps:
        st.caption("Rupture taps over the video")
        st.bar_chart(tap_density(taps, duration_ms), height=90, x_label="", y_label="")
    for tally in tallies[:3]:
        _tally(rooms, code, key, tally)


def _tally(rooms: RoomStore, code: str, key: str, tally: Any) -> None:
    state = "open" if tally.open else "closed"
    st.markdown(f"**{tally.answered} answered** ({state})")
    st.text(tally.prompt.question)  # text from a commentary file: never Markdown
    if tally.prompt.kind != "text":
        st.caption(share_note(tally.prompt.kind, tally.answered))
        for option, n in tally.counts.items():
            share = n / tally.answered if tally.answered else 0.0
            st.progress(share, text=lit(f"{n} · {option} ({round(100 * share)}%)"))
    for answer_id, text, approved in tally.texts:
        ok = st.checkbox(
            "Show on stage",
            value=approved,
            key=f"room_ok_{answer_id}_{approved}",
            help="Only approved answers can reach the stage.",
        )
        st.text(text)
        if ok != approved:
            rooms.approve(code, key, answer_id, ok)
            st.rerun(scope="fragment")
