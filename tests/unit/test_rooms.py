"""The room model on SQLite and PostgreSQL: codes and secrets, joining, one changeable answer
per participant per prompt, closed prompts, taps at the presenter's video time, the rate
limit kept in the database, approvals, the stage's view, ending, the export and deletion."""

from __future__ import annotations

import csv
import io

import pytest

from alliance_lens.errors import StoreInputError
from alliance_lens.rooms import (
    NotAllowed,
    PromptClosed,
    RoomEnded,
    RoomError,
    RoomPrompt,
    RoomStore,
    TooMany,
    UnknownRoom,
)
from alliance_lens.rooms.core import CODE_ALPHABET, RATE_LIMIT, RATE_WINDOW_MS, digest
from alliance_lens.rooms.schema import room_participants, rooms
from alliance_lens.store import Store
from tests.unit.store_fixtures import BACKENDS, database_url

CHOICE = RoomPrompt.of("p1", "choice", "Who withdrew?", ["Client", "Therapist"])
MULTI = RoomPrompt.of("p2", "marker", "Which markers?", ["Silence", "Shrug", "Topic shift"])
TEXT = RoomPrompt.of("p3", "text", "What would you say next?")


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture(params=BACKENDS)
def env(request, tmp_path):
    clock = Clock()
    with database_url(request.param, tmp_path) as url:
        store = Store.open(url, clock=clock)
        yield RoomStore(store), clock
        store.close()


def test_codes_are_short_unambiguous_and_secrets_kept_hashed(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create("Workshop")
    assert len(room.code) == 8 and set(room.code) <= set(CODE_ALPHABET)
    me, token = rooms_.join(room.code.lower())  # typed in lower case: still found
    with rooms_.store._read() as conn:
        stored_key = conn.scalar(rooms.select().with_only_columns(rooms.c.key_hash))
        stored_token = conn.scalar(
            room_participants.select().with_only_columns(room_participants.c.token_hash)
        )
    assert stored_key == digest(key) and key not in stored_key
    assert stored_token == digest(token) and len(token) >= 32
    assert me.number == 1 and me.pseudonym == ""
    assert rooms_.create()[0].code != room.code


def test_answers_one_per_participant_changeable_until_closed(env) -> None:
    rooms_, clock = env
    room, key = rooms_.create()
    ana, ana_t = rooms_.join(room.code, "  Ana ")
    ben, ben_t = rooms_.join(room.code)
    assert ana.pseudonym == "Ana" and ben.number == 2
    pid = rooms_.open_prompt(room.code, key, CHOICE)
    rooms_.answer(room.code, ana_t, pid, choices=["Client"])
    clock.now += 1000
    rooms_.answer(room.code, ana_t, pid, choices=["Therapist"])  # changed, not added
    rooms_.answer(room.code, ben_t, pid, choices=["Therapist"])
    tally = rooms_.tallies(room.code, key)[0]
    assert tally.answered == 2 and tally.counts == {"Client": 0, "Therapist": 2} and tally.open
    state = rooms_.public_state(room.code, ana_t)
    assert state["prompt"]["question"] == "Who withdrew?" and state["mine"]["choices"] == [
        "Therapist"
    ]
    assert "expected" not in state["prompt"]
    rooms_.close_prompt(room.code, key)
    with pytest.raises(PromptClosed):
        rooms_.answer(room.code, ana_t, pid, choices=["Client"])
    assert rooms_.public_state(room.code)["prompt"] is None
    # asked again: the same prompt reopens and the earlier answer is still there to change
    assert rooms_.open_prompt(room.code, key, CHOICE) == pid
    assert rooms_.public_state(room.code, ana_t)["mine"]["choices"] == ["Therapist"]


def test_answers_must_fit_the_prompt(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create()
    _, t = rooms_.join(room.code)
    pid = rooms_.open_prompt(room.code, key, CHOICE)
    for bad in ([], ["Nobody"], ["Client", "Therapist"], ["Client", "Client"]):
        with pytest.raises(RoomError):
            rooms_.answer(room.code, t, pid, choices=bad)
    with pytest.raises(PromptClosed):
        rooms_.answer(room.code, t, pid + 1, choices=["Client"])
    multi = rooms_.open_prompt(room.code, key, MULTI)
    assert rooms_.answer(room.code, t, multi, choices=["Shrug", "Silence"]).choice == (
        '["Shrug", "Silence"]'
    )
    text = rooms_.open_prompt(room.code, key, TEXT)
    for bad in ("", "   ", "x" * 1001):
        with pytest.raises(RoomError):
            rooms_.answer(room.code, t, text, text=bad)
    with pytest.raises(StoreInputError):
        rooms_.answer(room.code, t, text, text="a\x00b")
    assert rooms_.answer(room.code, t, text, text=" Ask about it ").text == "Ask about it"


def test_refusals_name_what_is_wrong(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create()
    _, t = rooms_.join(room.code)
    with pytest.raises(UnknownRoom, match="no room with this code"):
        rooms_.join("ZZZZZZZZ")
    with pytest.raises(NotAllowed):
        rooms_.answer(room.code, "not-a-token", 1, choices=["x"])
    with pytest.raises(NotAllowed):  # a participant token is not a presenter key
        rooms_.open_prompt(room.code, t, CHOICE)
    with pytest.raises(NotAllowed):
        rooms_.tallies(room.code, "")
    other, other_key = rooms_.create()
    with pytest.raises(NotAllowed):  # another room's key
        rooms_.end(room.code, other_key)
    _, other_t = rooms_.join(other.code)
    pid = rooms_.open_prompt(room.code, key, CHOICE)
    with pytest.raises(NotAllowed):  # a token of another room
        rooms_.answer(room.code, other_t, pid, choices=["Client"])
    with pytest.raises(StoreInputError):
        rooms_.join(room.code, "x" * 41)
    with pytest.raises(RoomError):
        RoomPrompt.of("p", "choice", "Q?", [])


def test_taps_take_the_presenters_video_time_and_are_rate_limited(env) -> None:
    rooms_, clock = env
    room, key = rooms_.create()
    _, t = rooms_.join(room.code)
    with pytest.raises(PromptClosed, match="paused"):
        rooms_.tap(room.code, t)
    rooms_.set_playback(room.code, key, True, 60_000)
    clock.now += 2_500
    assert rooms_.tap(room.code, t) == 62_500
    for _ in range(RATE_LIMIT - 1):
        rooms_.tap(room.code, t)
    with pytest.raises(TooMany):
        rooms_.tap(room.code, t)
    clock.now += RATE_WINDOW_MS  # a new window
    rooms_.tap(room.code, t)
    assert rooms_.counts(room.code, key) == {"participants": 1, "taps": RATE_LIMIT + 1}
    assert rooms_.tap_times(room.code, key)[0] == 62_500
    rooms_.set_playback(room.code, key, False, 70_000)
    assert rooms_.room(room.code).video_ms(clock.now + 5_000) == 70_000


def test_stage_shows_only_the_chosen_display_and_approved_texts(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create()
    _, a = rooms_.join(room.code)
    _, b = rooms_.join(room.code)
    pid = rooms_.open_prompt(room.code, key, TEXT)
    first = rooms_.answer(room.code, a, pid, text="Name the silence")
    rooms_.answer(room.code, b, pid, text="Unapproved thought")
    assert rooms_.stage_view(room.code, key) == {"display": "nothing", "code": room.code}
    rooms_.set_stage(room.code, key, "approved")
    assert rooms_.stage_view(room.code, key)["texts"] == []
    rooms_.approve(room.code, key, first.id)
    assert rooms_.stage_view(room.code, key)["texts"] == ["Name the silence"]
    rooms_.answer(room.code, a, pid, text="Changed")  # a changed answer needs approval again
    assert rooms_.stage_view(room.code, key)["texts"] == []
    with pytest.raises(RoomError):
        rooms_.set_stage(room.code, key, "everything")
    with pytest.raises(RoomError):
        rooms_.approve(room.code, key, 999_999)


def test_choice_bars_say_how_to_read_their_shares(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create()
    tokens = [rooms_.join(room.code)[1] for _ in range(3)]
    pid = rooms_.open_prompt(room.code, key, MULTI)
    for token in tokens:
        rooms_.answer(room.code, token, pid, choices=["Silence", "Shrug"])
    rooms_.set_stage(room.code, key, "bars")
    view = rooms_.stage_view(room.code, key)
    assert view["counts"] == {"Silence": 3, "Shrug": 3, "Topic shift": 0}  # 200% in all
    assert view["note"].startswith("Shares of the 3 people who answered; several choices")
    assert "over 100%" in view["note"]
    pid = rooms_.open_prompt(room.code, key, CHOICE)
    rooms_.answer(room.code, tokens[0], pid, choices=["Client"])
    assert rooms_.stage_view(room.code, key)["note"] == "1 answer"  # one choice: 100% in all


def test_end_export_and_delete(env) -> None:
    rooms_, _ = env
    room, key = rooms_.create()
    _, a = rooms_.join(room.code, "Secret Name")
    pid = rooms_.open_prompt(room.code, key, CHOICE)
    rooms_.answer(room.code, a, pid, choices=["Client"])
    rooms_.set_playback(room.code, key, True, 1_000)
    rooms_.tap(room.code, a)
    version = rooms_.version(room.code)
    rooms_.end(room.code, key)
    assert rooms_.version(room.code) > version
    state = rooms_.public_state(room.code, a)
    assert state["ended"] and state["prompt"] is None and not state["playing"]
    with pytest.raises(RoomEnded):
        rooms_.join(room.code)
    with pytest.raises(RoomEnded):
        rooms_.tap(room.code, a)
    exported = rooms_.export_csv(room.code, key)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["kind"] for r in rows] == ["answer", "tap"]
    assert rows[0]["participant"] == "P001" and rows[0]["choices"] == "Client"
    assert "Secret Name" not in exported and a not in exported
    rooms_.delete(room.code, key)
    with pytest.raises(UnknownRoom):
        rooms_.room(room.code)
    with rooms_.store._read() as conn:
        assert (
            conn.scalar(room_participants.select().with_only_columns(room_participants.c.id))
            is None
        )


def test_state_says_whether_a_token_belongs_to_the_room(env) -> None:
    rooms_, _ = env
    room, _key = rooms_.create()
    _, token = rooms_.join(room.code, "Ana")
    assert rooms_.public_state(room.code, token)["joined"] is True  # no prompt open yet
    assert rooms_.public_state(room.code, "stale-token")["joined"] is False
    assert "joined" not in rooms_.public_state(room.code)


def test_room_score_pools_taps_against_the_expert_onsets() -> None:
    from alliance_lens.model import Episode, Practice, Track
    from alliance_lens.rooms.room_score import expert_onsets, room_score

    track = Track(
        id="t",
        name="Expert",
        practice=Practice(window_before=1_000, window_after=3_000),
        episodes=[
            Episode(id="late", type="confrontation", onset=20_000),
            Episode(id="early", title="Goes quiet", type="withdrawal", onset=5_000),
        ],
    )
    expert = expert_onsets(track)  # what the console carries: time order, the track's window
    assert expert == {
        "labels": ["Goes quiet", "confrontation"],
        "onsets_ms": [5_000, 20_000],
        "window_ms": [1_000, 3_000],
    }
    window = (expert["window_ms"][0], expert["window_ms"][1])
    view = room_score(expert["onsets_ms"], window, [6_000, 4_500, 7_000, 12_000, 30_000], 40_000)
    assert [(r["hit"], r["taps"], r["latency_ms"]) for r in view["ruptures"]] == [
        (True, 3, -500),  # the track's own window; the earliest tap is the hit
        (False, 0, None),
    ]
    assert view["ruptures"][0]["at"] == 0.125 and view["outside"] == 2 and view["taps"] == 5
    assert room_score(expert["onsets_ms"], window, [])["noticed"] == 0


def test_stage_view_scores_the_taps_stored_now_against_the_given_onsets() -> None:
    from alliance_lens.store import Store

    rooms_ = RoomStore(Store.open("sqlite://", clock=lambda: 1_700_000_000_000))
    room, key = rooms_.create("Workshop")
    _, token = rooms_.join(room.code)
    rooms_.set_stage(room.code, key, "score")
    expert = ([5_000, 20_000], (1_000, 3_000))
    before = rooms_.stage_view(room.code, key, 40_000, expert)["score"]
    assert (before["noticed"], before["of"], before["taps"]) == (0, 2, 0)
    rooms_.set_playback(room.code, key, True, 5_500)  # the clock stands still: taps at 5.5 s
    rooms_.tap(room.code, token)
    after = rooms_.stage_view(room.code, key, 40_000, expert)["score"]
    assert (after["noticed"], after["ruptures"][0]["hit"], after["ruptures"][0]["latency_ms"]) == (
        1,
        True,
        500,
    )
    assert "score" not in rooms_.stage_view(room.code, key, 40_000)  # no onsets: no score
    rooms_.set_stage(room.code, key, "taps")
    assert "score" not in rooms_.stage_view(room.code, key, 40_000, expert)  # not chosen
