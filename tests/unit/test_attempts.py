"""Practice attempts in the store: saved, listed per learner and per track, deleted with the
learner, and added by a migration that keeps every existing row (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from alliance_lens import store as store_module
from alliance_lens.attempts import (
    attempts_for_track,
    attempts_of_learner,
    export_attempt_rows,
    save_attempt,
)
from alliance_lens.practice.scoring import Mark
from alliance_lens.store import MIGRATIONS, Learner, Store, StoreInputError, UnknownLearnerError
from tests.unit.store_fixtures import BACKENDS, database_url

T0 = 1_700_000_000_000


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    ticks = itertools.count(T0, 1000)
    with Store.open(db_url, clock=lambda: next(ticks)) as s:
        yield s


@pytest.fixture
def ana(store: Store) -> Learner:
    return store.get_or_create_learner("token-ana", "Ana")


MARKS = [
    Mark(16_000, "withdrawal", ("minimal_response", "denial")),
    Mark(30_500),
    Mark(0, "confrontation"),
]


def test_an_attempt_round_trips_exactly(store: Store, ana: Learner) -> None:
    saved = save_attempt(store, ana.id, "v1", "expert", MARKS, cohort="Spring 2026", phase="before")
    assert (saved.attempt, saved.cohort, saved.phase, saved.created_at) == (
        1,
        "Spring 2026",
        "before",
        T0 + 1000,
    )
    assert saved.marks == tuple(MARKS)
    assert attempts_of_learner(store, ana.id) == [saved]


def test_retries_number_attempts_per_video_and_track_and_keep_earlier_ones(
    store: Store, ana: Learner
) -> None:
    first = save_attempt(store, ana.id, "v1", "expert", MARKS[:1])
    second = save_attempt(store, ana.id, "v1", "expert", [])
    other_track = save_attempt(store, ana.id, "v1", "other", MARKS)
    other_video = save_attempt(store, ana.id, "v2", "expert", MARKS)
    assert [first.attempt, second.attempt, other_track.attempt, other_video.attempt] == [1, 2, 1, 1]
    assert second.marks == ()
    assert [a.id for a in attempts_of_learner(store, ana.id)] == [
        first.id,
        second.id,
        other_track.id,
        other_video.id,
    ]


def test_cohort_listing_gives_every_learners_attempts_and_filters_by_cohort(
    store: Store, ana: Learner
) -> None:
    ben = store.learner_for_token("token-ben")  # never named: still listed, with a code label
    save_attempt(store, ana.id, "v1", "expert", MARKS, cohort="A", phase="before")
    save_attempt(store, ben.id, "v1", "expert", MARKS[:1], cohort="B")
    save_attempt(store, ana.id, "v1", "expert", MARKS[:2], cohort="A", phase="after")
    save_attempt(store, ana.id, "v1", "elsewhere", MARKS, cohort="A")
    rows = attempts_for_track(store, "v1", "expert")
    assert [(learner.label, a.attempt, a.phase) for learner, a in rows] == [
        ("Ana", 1, "before"),
        ("Ana", 2, "after"),
        (f"Unnamed learner #{ben.id:04d}", 1, None),
    ]
    assert [learner.id for learner, _ in attempts_for_track(store, "v1", "expert", cohort="B")] == [
        ben.id
    ]
    assert attempts_for_track(store, "v1", "nothing") == []


def test_delete_all_my_data_deletes_attempts_and_only_mine(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    save_attempt(store, ana.id, "v1", "expert", MARKS)
    kept = save_attempt(store, ben.id, "v1", "expert", MARKS)
    assert store.delete_learner_data(ana.id)
    assert attempts_of_learner(store, ana.id) == []
    assert [a for _, a in attempts_for_track(store, "v1", "expert")] == [kept]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"video_id": ""}, "video_id"),
        ({"track_id": "x" * 256}, "track_id"),
        ({"cohort": "x" * 81}, "cohort"),
        ({"phase": "during"}, "phase"),
        ({"marks": [Mark(-1)]}, "marks[0].at_ms"),
        ({"marks": [Mark(5, "anger")]}, "marks[0].type"),
        ({"marks": [Mark(5, None, ("ok", "nul\x00"))]}, "marks[0].markers[1]"),
    ],
)
def test_bad_attempts_are_refused_and_nothing_is_stored(
    store: Store, ana: Learner, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"video_id": "v1", "track_id": "expert", "marks": MARKS} | kwargs
    with pytest.raises(StoreInputError) as info:
        save_attempt(store, ana.id, **args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert attempts_of_learner(store, ana.id) == []


def test_attempt_for_unknown_learner_is_refused(store: Store) -> None:
    with pytest.raises(UnknownLearnerError):
        save_attempt(store, 999, "v1", "expert", MARKS)


def test_migration_from_a_version_1_database_keeps_every_row(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database made by the release before attempts existed (schema version 1).
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
    with Store.open(db_url) as old:
        ana = old.get_or_create_learner("tok-ana", "Ana")
        old.save_answer(ana.id, "v", "t", "p", text="before")
        old.save_position(ana.id, "v", 5000)
        assert "practice_attempts" not in inspect(old.engine).get_table_names()
    monkeypatch.undo()
    with Store.open(db_url) as new:
        assert "practice_attempts" in inspect(new.engine).get_table_names()
        with new.engine.connect() as conn:
            assert conn.scalar(text("SELECT max(version) FROM schema_version")) == len(MIGRATIONS)
        assert new.find_learner("tok-ana") == ana
        assert [a.text for a in new.answers_for_learner(ana.id)] == ["before"]
        assert new.get_position(ana.id, "v") == 5000
        saved = save_attempt(new, ana.id, "v", "t", MARKS)
        assert attempts_of_learner(new, ana.id) == [saved]


def test_export_rows_give_one_plain_row_per_mark(store: Store, ana: Learner) -> None:
    save_attempt(store, ana.id, "v1", "expert", MARKS[:2], cohort="A", phase="after")
    save_attempt(store, ana.id, "v1", "expert", [])
    rows = export_attempt_rows(store, ana.id)
    assert [(r["attempt"], r["at_ms"], r["type"], r["markers"]) for r in rows] == [
        (1, 16_000, "withdrawal", "minimal_response;denial"),
        (1, 30_500, None, ""),
        (2, None, None, ""),
    ]
    assert rows[0]["learner"] == "Ana" and rows[0]["phase"] == "after"
    assert rows[0]["created_at"] == "2023-11-14T22:13:21.000+00:00"
