"""Unit tests for alliance_lens.store and alliance_lens.datadir.

Every store test runs on SQLite and, when ALLIANCE_LENS_TEST_PG_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection, Table, inspect, select, text

from alliance_lens import datadir, store_schema
from alliance_lens import store as store_module
from alliance_lens.attempts import save_attempt
from alliance_lens.datadir import DataLocationError, data_dir, resolve_db_url
from alliance_lens.errors import AllianceLensError
from alliance_lens.practice.ratings import SheetRow
from alliance_lens.practice.scoring import Mark
from alliance_lens.ratingsheets import save_sheet
from alliance_lens.store import (
    MAX_ANSWER_CHARS,
    MAX_NAME_CHARS,
    MIGRATIONS,
    Answer,
    Learner,
    Store,
    StoreError,
    StoreInputError,
    UnknownLearnerError,
    metadata,
)
from tests.unit.store_fixtures import BACKENDS, database_url

T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    # A clock that moves one second per call keeps answered_at distinct and predictable.
    ticks = itertools.count(T0, 1000)
    with Store.open(db_url, clock=lambda: next(ticks)) as s:
        yield s


@pytest.fixture
def ana(store: Store) -> Learner:
    return store.get_or_create_learner("token-ana", "Ana")


# --- Learners ---------------------------------------------------------------------------------


def test_learner_is_created_once_per_browser_token(store: Store) -> None:
    first = store.get_or_create_learner("tok", "Ana")
    again = store.get_or_create_learner("tok", "Someone else")
    assert again == first
    assert first.display_name == "Ana"  # the name is chosen once; renaming is explicit
    assert first.created_at == T0
    assert store.find_learner("tok") == first
    assert store.find_learner("other") is None
    assert store.get_or_create_learner("tok2", "Ana").id != first.id  # names need not be unique


def test_rename_learner(store: Store, ana: Learner) -> None:
    renamed = store.rename_learner(ana.id, "Ana M.")
    assert renamed == dataclasses.replace(ana, display_name="Ana M.")
    assert store.get_learner(ana.id).display_name == "Ana M."
    with pytest.raises(UnknownLearnerError):
        store.rename_learner(ana.id + 999, "X")


@pytest.mark.parametrize(
    "name",
    ["  Ana  ", "<b>Ana</b> & co", "Zoë 😀", "עִברִית", "tab\there\nnewline", "x" * MAX_NAME_CHARS],
)
def test_names_are_stored_exactly(store: Store, name: str) -> None:
    learner = store.get_or_create_learner("tok", name)
    assert store.get_learner(learner.id).display_name == name
    assert store.rename_learner(learner.id, name[::-1]).display_name == name[::-1]


def test_name_over_limit_is_refused_with_limit_and_length(store: Store, ana: Learner) -> None:
    with pytest.raises(StoreInputError) as caught:
        store.get_or_create_learner("tok", "x" * (MAX_NAME_CHARS + 15))
    assert caught.value.field == "display_name"
    assert caught.value.message == "display_name is 95 characters long; the limit is 80 characters"
    assert isinstance(caught.value, AllianceLensError)
    with pytest.raises(StoreInputError, match="95 characters long; the limit is 80"):
        store.rename_learner(ana.id, "x" * 95)
    assert store.find_learner("tok") is None
    assert store.get_learner(ana.id).display_name == "Ana"


@pytest.mark.parametrize(
    ("token", "name", "field"),
    [
        ("", "Ana", "browser_token"),
        ("t", "", "display_name"),
        ("t", None, "display_name"),
        ("t" * 256, "Ana", "browser_token"),
        ("t", "A\x00na", "display_name"),
    ],
)
def test_bad_learner_input_is_refused(store: Store, token: str, name: str, field: str) -> None:
    with pytest.raises(StoreInputError) as caught:
        store.get_or_create_learner(token, name)
    assert caught.value.field == field


def test_concurrent_first_visits_make_one_learner(store: Store) -> None:
    barrier = threading.Barrier(8)

    def visit(_: int) -> Learner:
        barrier.wait()
        return store.get_or_create_learner("same-browser", "Ana")

    with ThreadPoolExecutor(8) as pool:
        learners = set(pool.map(visit, range(8)))
    assert len(learners) == 1


# --- Answers ----------------------------------------------------------------------------------


def test_reanswering_adds_attempts_and_keeps_earlier_ones(store: Store, ana: Learner) -> None:
    first = store.save_answer(ana.id, "v1", "t1", "p1", text="first")
    second = store.save_answer(ana.id, "v1", "t1", "p1", text="second", choice="b")
    assert (first.attempt, second.attempt) == (1, 2)
    assert second == Answer(second.id, ana.id, "v1", "t1", "p1", 2, "second", "b", T0 + 2000)
    assert store.answers_for_learner(ana.id) == [first, second]


def test_attempts_count_per_learner_video_track_and_prompt(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    store.save_answer(ana.id, "v1", "t1", "p1", text="a")
    keys = [
        (ana.id, "v1", "t1", "p2"),
        (ana.id, "v1", "t2", "p1"),
        (ana.id, "v2", "t1", "p1"),
        (ben.id, "v1", "t1", "p1"),
    ]
    for learner_id, video, track, prompt in keys:
        assert store.save_answer(learner_id, video, track, prompt, text="x").attempt == 1
    assert store.save_answer(ana.id, "v1", "t1", "p1", text="b").attempt == 2


@pytest.mark.parametrize(
    "answer_text",
    [
        "",
        "  padded  \n",
        "<script>alert('x')</script> &amp;",
        "😀" * MAX_ANSWER_CHARS,
        "é" * MAX_ANSWER_CHARS,
        "line1\r\nline2\tend",
        "'; DROP TABLE answers; --",
    ],
)
def test_text_is_stored_exactly(store: Store, ana: Learner, answer_text: str) -> None:
    store.save_answer(ana.id, "v", "t", "p", text=answer_text)
    [stored] = store.answers_for_learner(ana.id)
    assert stored.text == answer_text
    assert stored.choice is None


def test_choice_alone_is_an_answer(store: Store, ana: Learner) -> None:
    answer = store.save_answer(ana.id, "v", "t", "p", choice="withdrawal")
    assert (answer.text, answer.choice) == (None, "withdrawal")


def test_text_over_limit_is_refused_and_nothing_is_stored(store: Store, ana: Learner) -> None:
    with pytest.raises(StoreInputError) as caught:
        store.save_answer(ana.id, "v", "t", "p", text="x" * (MAX_ANSWER_CHARS + 1))
    assert caught.value.field == "text"
    assert "20,001 characters long; the limit is 20,000 characters" in str(caught.value)
    with pytest.raises(StoreInputError, match="choice is 20,001"):
        store.save_answer(ana.id, "v", "t", "p", choice="x" * (MAX_ANSWER_CHARS + 1))
    assert store.answers_for_learner(ana.id) == []


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({}, "text", "an answer needs one or both"),
        ({"text": "a\x00b"}, "text", "NUL character at index 1"),
        ({"text": "bad \ud800 surrogate"}, "text", "unpaired surrogate at index 4"),
        ({"text": 42}, "text", "must be text, found int"),
        ({"text": "ok", "video_id": ""}, "video_id", "must not be empty"),
        ({"text": "ok", "prompt_id": "p" * 256}, "prompt_id", "256 characters long"),
    ],
)
def test_bad_answers_are_refused(
    store: Store, ana: Learner, kwargs: dict[str, object], field: str, fragment: str
) -> None:
    args: dict[str, object] = {"video_id": "v", "track_id": "t", "prompt_id": "p", **kwargs}
    with pytest.raises(StoreInputError, match=fragment) as caught:
        store.save_answer(ana.id, **args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert store.answers_for_learner(ana.id) == []


def test_answer_for_unknown_learner_is_refused(store: Store) -> None:
    with pytest.raises(UnknownLearnerError, match="no learner with id 12345"):
        store.save_answer(12345, "v", "t", "p", text="x")
    with pytest.raises(UnknownLearnerError):
        store.save_position(12345, "v", 0)


def test_results_are_frozen(store: Store, ana: Learner) -> None:
    answer = store.save_answer(ana.id, "v", "t", "p", text="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ana.display_name = "changed"  # type: ignore[misc]


def test_latest_answers_per_prompt_of_one_video(store: Store, ana: Learner) -> None:
    store.save_answer(ana.id, "v1", "t1", "p1", text="old")
    newest = store.save_answer(ana.id, "v1", "t1", "p1", text="new")
    other = store.save_answer(ana.id, "v1", "t2", "p1", choice="c")
    store.save_answer(ana.id, "v2", "t1", "p1", text="other video")
    assert store.latest_answers(ana.id, "v1") == {("t1", "p1"): newest, ("t2", "p1"): other}
    assert store.latest_answers(ana.id, "nothing") == {}


def test_answers_for_prompt_gives_every_learners_attempts(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    a1 = store.save_answer(ana.id, "v", "t", "p", text="a1")
    b1 = store.save_answer(ben.id, "v", "t", "p", text="b1")
    a2 = store.save_answer(ana.id, "v", "t", "p", text="a2")
    store.save_answer(ana.id, "v", "t", "other", text="elsewhere")
    assert store.answers_for_prompt("v", "t", "p") == [(ana, a1), (ana, a2), (ben, b1)]
    assert store.answers_for_prompt("v", "t", "none") == []


def test_completion_counts_distinct_learners_per_prompt(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    for _ in range(3):
        store.save_answer(ana.id, "v", "t", "p1", text="x")  # attempts count once
    store.save_answer(ben.id, "v", "t", "p1", choice="y")
    store.save_answer(ben.id, "v", "t", "p2", text="z")
    store.save_answer(ben.id, "elsewhere", "t", "p1", text="z")
    assert store.completion_counts("v") == {("t", "p1"): 2, ("t", "p2"): 1}
    assert store.completion_counts("unknown") == {}


def test_default_clock_is_utc_milliseconds(db_url: str) -> None:
    import time

    with Store.open(db_url) as s:
        learner = s.get_or_create_learner("tok", "Ana")
        before = time.time_ns() // 1_000_000
        answer = s.save_answer(learner.id, "v", "t", "p", text="x")
        after = time.time_ns() // 1_000_000
    assert isinstance(answer.answered_at, int)
    assert before <= answer.answered_at <= after


# --- Learners without a name -----------------------------------------------------------------


def test_a_learner_exists_from_the_first_answer_and_is_named_later(store: Store) -> None:
    anon = store.learner_for_token("tok")
    assert anon == store.learner_for_token("tok") and not anon.named
    assert anon.label == f"Unnamed learner #{anon.id:04d}"
    store.save_answer(anon.id, "v", "t", "p", text="early")
    assert store.export_rows(anon.id)[0]["learner"] == anon.label
    named = store.get_or_create_learner("tok", "Sam")
    assert (named.id, named.display_name, named.label) == (anon.id, "Sam", "Sam")
    assert [a.text for a in store.answers_for_learner(named.id)] == ["early"]
    assert store.get_or_create_learner("tok", "Other").display_name == "Sam"  # kept, not renamed
    assert store.learner_for_token("tok").display_name == "Sam"


def test_a_database_from_before_unnamed_learners_opens_with_everything_kept(db_url: str) -> None:
    # Unnamed learners need no schema change ("" was never a storable name): a database made
    # by the previous release (schema version 1) opens as is, rows intact, and mixes both.
    with Store.open(db_url) as old:
        ana = old.get_or_create_learner("tok-ana", "Ana")
        old.save_answer(ana.id, "v", "t", "p", text="before")
        old.save_position(ana.id, "v", 5000)
    with Store.open(db_url) as new:
        with new.engine.connect() as conn:
            assert conn.scalar(text("SELECT max(version) FROM schema_version")) == len(MIGRATIONS)
        assert new.find_learner("tok-ana") == ana
        assert [a.text for a in new.answers_for_learner(ana.id)] == ["before"]
        assert new.get_position(ana.id, "v") == 5000
        anon = new.learner_for_token("tok-new")
        new.save_answer(anon.id, "v", "t", "p", text="after")
        labels = sorted(learner.label for learner, _ in new.answers_for_prompt("v", "t", "p"))
        assert labels == ["Ana", f"Unnamed learner #{anon.id:04d}"]


# --- Positions --------------------------------------------------------------------------------


def test_position_is_one_row_per_learner_and_video(store: Store, ana: Learner) -> None:
    assert store.get_position(ana.id, "v") is None
    store.save_position(ana.id, "v", 61_500)
    store.save_position(ana.id, "v", 62_000)
    store.save_position(ana.id, "w", 0)
    assert store.get_position(ana.id, "v") == 62_000
    assert store.get_position(ana.id, "w") == 0
    with store.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM positions")) == 2


@pytest.mark.parametrize("bad", [-1, 1.5, True, "100", None, 2**63])
def test_bad_positions_are_refused(store: Store, ana: Learner, bad: object) -> None:
    with pytest.raises(StoreInputError, match="position_ms must be a whole number"):
        store.save_position(ana.id, "v", bad)  # type: ignore[arg-type]


# --- Deleting and exporting -------------------------------------------------------------------


def _rows_of(conn: Connection, table: Table, learner_id: int) -> int:
    return len(conn.execute(select(table).where(table.c.learner_id == learner_id)).all())


def test_delete_learner_data_removes_every_row_of_that_learner(store: Store, ana: Learner) -> None:
    ben = store.get_or_create_learner("token-ben", "Ben")
    for learner in (ana, ben):
        store.save_answer(learner.id, "v", "t", "p", text="x")
        store.save_answer(learner.id, "v", "t", "p", text="y")
        store.save_position(learner.id, "v", 1000)
        save_attempt(store, learner.id, "v", "t", [Mark(1000, "withdrawal")])
        save_sheet(store, learner.id, "v", "t", [SheetRow(0, withdrawal=3)])

    assert store.delete_learner_data(ana.id) is True

    # Every table that holds learner rows, including ones later migrations add.
    learner_tables = [t for t in metadata.sorted_tables if "learner_id" in t.c]
    assert {t.name for t in learner_tables} >= {
        "answers",
        "positions",
        "practice_attempts",
        "rating_sheets",
    }
    with store.engine.connect() as conn:
        assert all(_rows_of(conn, t, ana.id) == 0 for t in learner_tables)
        assert all(_rows_of(conn, t, ben.id) > 0 for t in learner_tables)
    assert store.find_learner("token-ana") is None
    assert store.completion_counts("v") == {("t", "p"): 1}
    assert store.delete_learner_data(ana.id) is False
    # The browser can start afresh after deleting its data.
    again = store.get_or_create_learner("token-ana", "Ana")
    assert store.save_answer(again.id, "v", "t", "p", text="new").attempt == 1


def test_export_rows_are_plain_dicts_for_pandas(store: Store, ana: Learner) -> None:
    store.save_answer(ana.id, "v", "t", "p", text="She withdrew")
    store.save_answer(ana.id, "v", "t", "p", choice="confrontation")
    rows = store.export_rows(ana.id)
    assert rows[0] == {
        "learner": "Ana",
        "video_id": "v",
        "track_id": "t",
        "prompt_id": "p",
        "attempt": 1,
        "answered_at": "2023-11-14T22:13:21.000+00:00",
        "text": "She withdrew",
        "choice": None,
    }
    frame = pd.DataFrame(rows)
    assert list(frame["attempt"]) == [1, 2]
    assert pd.to_datetime(frame["answered_at"]).dt.tz is not None
    with pytest.raises(UnknownLearnerError):
        store.export_rows(ana.id + 999)


# --- Schema and migrations --------------------------------------------------------------------


def test_schema_matches_the_table_definitions(store: Store) -> None:
    inspector = inspect(store.engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.c.keys()), table.name
    with store.engine.connect() as conn:
        versions = conn.execute(select(store_schema.schema_version.c.version)).scalars().all()
        assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_reopening_keeps_data_and_does_not_migrate_again(db_url: str) -> None:
    with Store.open(db_url) as s:
        learner = s.get_or_create_learner("tok", "Ana")
        s.save_answer(learner.id, "v", "t", "p", text="kept")
    with Store.open(db_url) as s:
        assert [a.text for a in s.answers_for_learner(learner.id)] == ["kept"]
        with s.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM schema_version")) == len(MIGRATIONS)


def test_a_later_migration_adds_a_table_without_losing_data(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_url) as s:
        learner = s.get_or_create_learner("tok", "Ana")
        s.save_answer(learner.id, "v", "t", "p", text="kept")

    def add_marks(conn: Connection) -> None:
        conn.execute(
            text(
                "CREATE TABLE marks (id INTEGER PRIMARY KEY, learner_id INTEGER "
                "NOT NULL REFERENCES learners(id) ON DELETE CASCADE, at_ms BIGINT)"
            )
        )

    # As a later version of the code would: one more migration in the list.
    monkeypatch.setattr(store_schema, "MIGRATIONS", MIGRATIONS + (add_marks,))
    for _ in range(2):  # the second open finds nothing left to do
        with Store.open(db_url) as s, s.engine.connect() as conn:
            assert [a.text for a in s.answers_for_learner(learner.id)] == ["kept"]
            versions = conn.execute(select(store_schema.schema_version.c.version))
            assert versions.scalars().all() == list(range(1, len(MIGRATIONS) + 2))
    with Store.open(db_url) as s:
        with s.engine.begin() as conn:
            conn.execute(text(f"INSERT INTO marks VALUES (1, {learner.id}, 5)"))
        s.delete_learner_data(learner.id)  # the new table's rows go too, by cascade
        with s.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM marks")) == 0


def test_a_failing_migration_leaves_the_database_as_it_was(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(db_url).close()

    def half_done(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half (id INTEGER PRIMARY KEY)"))
        raise RuntimeError("migration bug")

    monkeypatch.setattr(store_schema, "MIGRATIONS", MIGRATIONS + (half_done,))
    with pytest.raises(RuntimeError, match="migration bug"):
        Store.open(db_url)
    monkeypatch.undo()
    with Store.open(db_url) as s:
        assert "half" not in inspect(s.engine).get_table_names()
        with s.engine.connect() as conn:
            assert conn.scalar(text("SELECT max(version) FROM schema_version")) == len(MIGRATIONS)


def test_database_newer_than_the_code_is_refused(db_url: str) -> None:
    with Store.open(db_url) as s, s.engine.begin() as conn:
        conn.execute(store_schema.schema_version.insert().values(version=99, applied_at=0))
    with pytest.raises(StoreError, match=f"schema version 99.*knows only up to {len(MIGRATIONS)}"):
        Store.open(db_url)


# --- SQLite specifics -------------------------------------------------------------------------


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'al.sqlite3'}"
    with Store.open(url) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert (tmp_path / "new" / "folder" / "al.sqlite3").is_file()


# --- datadir ----------------------------------------------------------------------------------


def test_data_dir_from_env_or_user_data_dir(tmp_path: Path) -> None:
    assert data_dir({"ALLIANCE_LENS_DATA": str(tmp_path)}) == tmp_path.resolve()
    default = data_dir({})
    assert default.name == "alliance-lens"
    assert not default.is_relative_to(Path(datadir.__file__).resolve().parents[1])


def test_data_dir_inside_the_repository_is_refused() -> None:
    repo = Path(datadir.__file__).resolve().parents[1]
    if not (repo / ".git").exists():
        pytest.skip("not running from a git checkout")
    with pytest.raises(DataLocationError, match="inside the source checkout"):
        data_dir({"ALLIANCE_LENS_DATA": str(repo / "data")})


def test_default_url_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    url = resolve_db_url({"ALLIANCE_LENS_DATA": str(tmp_path)})
    assert url == f"sqlite:///{tmp_path.resolve()}/alliance_lens.sqlite3"
    with Store.open(url) as s:
        s.get_or_create_learner("tok", "Ana")
    assert (tmp_path / "alliance_lens.sqlite3").is_file()


SECRETS = {"connections": {"alliance_lens": {"url": "postgresql+psycopg://s:p@secret/db"}}}


def test_env_url_wins_over_secrets_and_data_dir() -> None:
    env = {
        "ALLIANCE_LENS_DB_URL": "postgresql+psycopg://e:p@envhost/db",
        "ALLIANCE_LENS_DATA": "/x",
    }
    assert resolve_db_url(env, SECRETS) == "postgresql+psycopg://e:p@envhost/db"
    assert resolve_db_url({}, SECRETS) == "postgresql+psycopg://s:p@secret/db"


def test_secrets_in_parts_follow_st_connection() -> None:
    parts = {
        "dialect": "postgresql",
        "host": "db.example",
        "port": "6543",
        "database": "al",
        "username": "ana",
        "password": "p@ss:/w#rd",
        "query": {"sslmode": "require"},
    }
    url = resolve_db_url({}, {"connections": {"alliance_lens": parts}})
    assert url.startswith("postgresql+psycopg://ana:")
    parsed = store_module.make_url(url)
    assert (parsed.password, parsed.host, parsed.port, parsed.database) == (
        "p@ss:/w#rd",
        "db.example",
        6543,
        "al",
    )
    assert parsed.query == {"sslmode": "require"}


@pytest.mark.parametrize("given", ["postgresql://u:p@h/d", "postgres://u:p@h/d"])
def test_plain_postgresql_urls_get_psycopg3(given: str) -> None:
    assert resolve_db_url({"ALLIANCE_LENS_DB_URL": given}) == "postgresql+psycopg://u:p@h/d"


def test_other_secrets_are_ignored_and_bad_ones_explained(tmp_path: Path) -> None:
    env = {"ALLIANCE_LENS_DATA": str(tmp_path)}
    other = {"connections": {"something_else": {"url": "mysql://x"}}, "api_key": "k"}
    assert resolve_db_url(env, other).startswith("sqlite:///")
    with pytest.raises(DataLocationError, match="needs either 'url' or 'dialect'"):
        resolve_db_url(env, {"connections": {"alliance_lens": {"host": "h"}}})
    with pytest.raises(DataLocationError, match="not a valid SQLAlchemy URL") as caught:
        resolve_db_url({"ALLIANCE_LENS_DB_URL": "not a url with secret-password"})
    assert "secret-password" not in str(caught.value)


def test_driver_errors_come_out_as_database_errors_without_the_password() -> None:
    from alliance_lens.errors import DatabaseError

    url = "postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=5"
    with pytest.raises(DatabaseError) as info:
        Store.open(url)
    assert "s3cret-pw" not in info.value.message and "s3cret-pw" not in str(info.value)
    assert info.value.message  # the driver's reason, in words
    assert isinstance(info.value, StoreError)


def test_a_query_the_database_refuses_is_a_database_error(tmp_path: Path) -> None:
    from alliance_lens.errors import DatabaseError

    with Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        with store.engine.begin() as conn:
            conn.execute(text("DROP TABLE positions"))
        with pytest.raises(DatabaseError, match="no such table: positions"):
            store.get_position(1, "clip")
