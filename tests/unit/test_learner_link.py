"""Linking a browser's anonymous reflections to an account: everything moves in one go, the
attempts stay in the order they were given, the account's own position wins, the browser's
learner is gone afterwards; on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_lens.access import account_learner_key
from alliance_lens.attempts import attempts_of_learner, save_attempt
from alliance_lens.learner_link import link_learner
from alliance_lens.practice.scoring import Mark
from alliance_lens.store import Store, UnknownLearnerError
from tests.unit.store_fixtures import BACKENDS, database_url

T0 = 1_700_000_000_000


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    ticks = itertools.count(T0, 1000)  # one second per call: answer times are in call order
    with (
        database_url(request.param, tmp_path) as url,
        Store.open(url, clock=lambda: next(ticks)) as s,
    ):
        yield s


def test_earlier_browser_answers_join_the_account_in_time_order(store: Store):
    browser = store.get_or_create_learner("0b6c1f2e-1111-4222-8333-444455556666", "Sam")
    account = store.learner_for_token(account_learner_key("https://idp|sam"))
    store.save_answer(browser.id, "v", "t", "p1", text="first, anonymous")
    store.save_answer(browser.id, "v", "t", "p2", text="only anonymous")
    store.save_answer(account.id, "v", "t", "p1", text="later, signed in")
    save_attempt(store, browser.id, "v", "expert", [Mark(1000)])
    save_attempt(store, account.id, "v", "expert", [Mark(2000)])
    store.save_position(browser.id, "v", 5000)
    store.save_position(browser.id, "w", 7000)
    store.save_position(account.id, "v", 9000)

    assert link_learner(store, browser.id, account.id) == 2

    latest = store.latest_answers(account.id, "v")
    assert latest[("t", "p1")].text == "later, signed in"  # the newest stays the latest
    assert latest[("t", "p2")].text == "only anonymous"
    p1 = [a for a in store.answers_for_learner(account.id) if a.prompt_id == "p1"]
    assert [(a.attempt, a.text) for a in p1] == [(1, "first, anonymous"), (2, "later, signed in")]
    practice = sorted(attempts_of_learner(store, account.id), key=lambda a: a.attempt)
    assert [a.attempt for a in practice] == [1, 2]
    assert store.get_position(account.id, "v") == 9000  # the account's own wins
    assert store.get_position(account.id, "w") == 7000
    assert store.get_learner(account.id).display_name == "Sam"
    assert store.find_learner(browser.browser_token) is None
    with pytest.raises(UnknownLearnerError):
        store.get_learner(browser.id)


def test_linking_twice_or_to_oneself_changes_nothing(store: Store):
    browser = store.learner_for_token("0b6c1f2e-1111-4222-8333-444455556667")
    account = store.get_or_create_learner(account_learner_key("a|b"), "Ana")
    store.save_answer(browser.id, "v", "t", "p", text="x")
    assert link_learner(store, account.id, account.id) == 0
    assert link_learner(store, browser.id, account.id) == 1
    with pytest.raises(UnknownLearnerError):
        link_learner(store, browser.id, account.id)
    assert store.get_learner(account.id).display_name == "Ana"
    assert len(store.answers_for_learner(account.id)) == 1
