"""Rating sheets in the store: saved as versions, each rater's latest for agreement, deleted
with the rater, refused when out of range, and added by a migration that keeps every existing
row (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from alliance_lens import store_schema
from alliance_lens.attempts import attempts_of_learner, save_attempt
from alliance_lens.practice.ratings import SheetRow
from alliance_lens.practice.scoring import Mark
from alliance_lens.ratingsheets import latest_sheet, latest_sheets, save_sheet
from alliance_lens.store import MIGRATIONS, Learner, Store, StoreInputError, UnknownLearnerError
from tests.unit.store_fixtures import BACKENDS, database_url

T0 = 1_700_000_000_000
ROWS = [
    SheetRow(0, withdrawal=4, markers=frozenset({"minimal_response", "denial"}), resolution=3),
    SheetRow(300_000, confrontation=2, strategies=frozenset({"redirects"})),
    SheetRow(600_000),
]


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


def test_a_sheet_round_trips_exactly_and_a_new_save_is_a_new_version(
    store: Store, ana: Learner
) -> None:
    first = save_sheet(store, ana.id, "v1", "expert", ROWS, cohort="Spring")
    assert (first.version, first.cohort, first.created_at, first.rows) == (
        1,
        "Spring",
        T0 + 1000,
        tuple(ROWS),
    )
    second = save_sheet(store, ana.id, "v1", "expert", ROWS[:1])
    assert second.version == 2
    assert latest_sheet(store, ana.id, "v1", "expert") == second
    assert latest_sheet(store, ana.id, "v1", "other") is None
    assert save_sheet(store, ana.id, "v2", "expert", ROWS).version == 1  # per video


def test_latest_sheets_give_each_rater_once_and_filter_by_cohort(
    store: Store, ana: Learner
) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    save_sheet(store, ana.id, "v1", "expert", ROWS, cohort="A")
    newest = save_sheet(store, ana.id, "v1", "expert", ROWS[:2], cohort="A")
    bens = save_sheet(store, ben.id, "v1", "expert", ROWS, cohort="B")
    save_sheet(store, ben.id, "v1", "other-track", ROWS)
    assert [(r.display_name, s) for r, s in latest_sheets(store, "v1", "expert")] == [
        ("Ana", newest),
        ("Ben", bens),
    ]
    assert [s for _, s in latest_sheets(store, "v1", "expert", cohort="B")] == [bens]


def test_deleting_a_rater_deletes_their_sheets_only(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    save_sheet(store, ana.id, "v1", "expert", ROWS)
    kept = save_sheet(store, ben.id, "v1", "expert", ROWS)
    assert store.delete_learner_data(ana.id)
    assert [s for _, s in latest_sheets(store, "v1", "expert")] == [kept]


def test_a_sheet_for_an_unknown_rater_is_refused(store: Store) -> None:
    with pytest.raises(UnknownLearnerError):
        save_sheet(store, 999, "v1", "expert", ROWS)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (SheetRow(0, withdrawal=6), "rows[0].withdrawal"),
        (SheetRow(0, confrontation=0), "rows[0].confrontation"),
        (SheetRow(0, resolution=True), "rows[0].resolution"),  # type: ignore[arg-type]
        (SheetRow(-1), "rows[0].start_ms"),
        (SheetRow(0, markers=frozenset({""})), "rows[0].markers"),
        (SheetRow(0, strategies=frozenset({"x\x00"})), "rows[0].strategies"),
    ],
)
def test_out_of_range_ratings_are_refused_by_field(
    store: Store, ana: Learner, row: SheetRow, field: str
) -> None:
    with pytest.raises(StoreInputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        save_sheet(store, ana.id, "v1", "expert", [row])
    assert latest_sheet(store, ana.id, "v1", "expert") is None


def test_migration_from_a_version_2_database_keeps_every_row(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database made by the release before rating sheets existed (schema version 2).
    monkeypatch.setattr(store_schema, "MIGRATIONS", MIGRATIONS[:2])
    with Store.open(db_url) as old:
        ana = old.get_or_create_learner("tok-ana", "Ana")
        old.save_answer(ana.id, "v", "t", "p", text="before")
        attempt = save_attempt(old, ana.id, "v", "t", [Mark(1_000, "withdrawal")])
        assert "rating_sheets" not in inspect(old.engine).get_table_names()
    monkeypatch.undo()
    with Store.open(db_url) as new:
        assert "rating_sheets" in inspect(new.engine).get_table_names()
        with new.engine.connect() as conn:
            assert conn.scalar(text("SELECT max(version) FROM schema_version")) == len(MIGRATIONS)
        assert [a.text for a in new.answers_for_learner(ana.id)] == ["before"]
        assert attempts_of_learner(new, ana.id) == [attempt]
        saved = save_sheet(new, ana.id, "v", "t", ROWS)
        assert latest_sheet(new, ana.id, "v", "t") == saved
