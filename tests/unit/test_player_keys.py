"""The keyboard shortcut table is the one home of the keys: the README follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_lens.player.keys import KEYS, key_table, readme_keys

README = Path(__file__).resolve().parents[2] / "README.md"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("author", [False, True], ids=["watch", "author"])
def test_readme_key_lines_follow_the_table(author):
    want = readme_keys(author)
    assert _words(want) in _words(README.read_text(encoding="utf-8")), (
        f"README.md's key line differs from alliance_lens/player/keys.py; it should read:\n{want}"
    )


def test_no_chord_is_bound_twice_in_a_mode():
    for mode in ("learner", "presenter", "review", "author"):
        chords = [c for row in KEYS if mode in row.modes for c, _ in row.bindings]
        assert len(chords) == len(set(chords)), mode


def test_table_sent_to_the_player_has_every_row():
    table = key_table()
    assert len(table) == len(KEYS)
    assert table[0] == {
        "keys": "Space",
        "help": "Play / pause (continue at a prompt)",
        "modes": ["learner", "presenter", "review", "author"],
        "bindings": [[" ", "play"]],
    }
