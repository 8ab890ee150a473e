"""Pages by role, through AppTest: a workshop visitor (passphrases configured, no session) is
a learner and sees no mode, problem or view above that; locally one person has every role.
(Signed-in roles over real cookies are tested in the browser: tests/e2e/test_signin.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.watch_library import add_bad_files, build_library

VIEWS = Path(__file__).resolve().parents[2] / "views"
WORKSHOP = {"access": {"presenter_passphrase_hash": "scrypt$1024$8$1$AAAA$AAAA"}}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = build_library(tmp_path_factory.mktemp("lib"))
    add_bad_files(root)
    return root


@pytest.fixture
def page(library, monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    monkeypatch.setenv("ALLIANCE_LENS_DATA", str(tmp_path))
    monkeypatch.delenv("ALLIANCE_LENS_DB_URL", raising=False)

    def run(name: str, secrets: dict | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=30)
        for key, value in (secrets or {}).items():
            at.secrets[key] = value
        at.query_params.update(params)
        return at.run()

    return run


def modes(at: AppTest) -> list[str]:
    (control,) = [c for c in at.segmented_control if c.key == "watch_mode"]
    return list(control.options)


def sent_mode(at: AppTest) -> str:
    (player,) = [el for el in at.get("bidi_component") if el.key == "watch_player"]
    return json.loads(player.proto.json)["mode"]


def test_a_workshop_visitor_gets_learner_modes_only(page):
    at = page("watch", WORKSHOP, video="clip", mode="review")
    assert not at.exception
    assert modes(at) == ["Learner", "Practice"]
    assert sent_mode(at) == "learner"  # a review link opens learner mode, never review


def test_locally_every_mode_is_offered(page):
    at = page("watch", video="clip", mode="review")
    assert modes(at) == ["Learner", "Presenter", "Review", "Practice"]
    assert sent_mode(at) == "review"


def test_library_problems_and_educator_views_are_for_educators(page, monkeypatch, tmp_path):
    # only broken files: no Watch links, which AppTest cannot draw outside the navigation
    broken = tmp_path / "broken"
    (broken / "media").mkdir(parents=True)
    (broken / "commentary").mkdir()
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(add_bad_files(broken)))
    local, visitor = page("library"), page("library", WORKSHOP)
    assert not local.exception and not visitor.exception
    assert any("Problems in this commentary file" in e.value for e in local.error)
    assert not visitor.error and not visitor.expander
    assert len(visitor.subheader) == len(local.subheader) > 0  # the same files are listed
    assert [t.label for t in page("reflections").toggle] == ["Educator view"]
    assert [t.label for t in page("reflections", WORKSHOP).toggle] == []
