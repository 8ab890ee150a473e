"""Undo and redo of the Author page's edits (alliance_lens.authoring.history), pure data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alliance_lens.authoring.history import EditHistory, record, redo, undo


def test_undo_then_redo_walks_back_and_forth_through_the_edits():
    drafts = [{"title": f"v{i}", "tracks": [{"cues": [{"start": i}]}]} for i in range(4)]
    h = EditHistory()
    for before, after in zip(drafts, drafts[1:], strict=False):
        h = record(h, before, after)
    current = drafts[-1]
    seen = []
    while (step := undo(h, current)) is not None:
        h, current = step
        seen.append(current["title"])
    assert seen == ["v2", "v1", "v0"]
    h, current = redo(h, current)
    assert current == drafts[1] and h.can_undo and h.can_redo


def test_a_new_edit_forgets_what_could_be_redone():
    h = record(EditHistory(), {"v": 1}, {"v": 2})
    h, current = undo(h, {"v": 2})
    h = record(h, current, {"v": 3})
    assert not h.can_redo and redo(h, {"v": 3}) is None


def test_the_past_is_a_copy_not_the_draft_being_edited():
    draft = {"tracks": [{"cues": [{"text": "before"}]}]}
    h = record(EditHistory(), draft, {"tracks": []})
    draft["tracks"][0]["cues"][0]["text"] = "changed in place later"
    _, back = undo(h, {"tracks": []})
    assert back["tracks"][0]["cues"][0]["text"] == "before"


def test_nothing_to_undo_or_redo_is_none():
    assert undo(EditHistory(), {}) is None
    assert redo(EditHistory(), {}) is None


def test_the_stack_is_bounded():
    h = EditHistory(limit=3)
    for i in range(10):
        h = record(h, {"v": i}, {"v": i + 1})
    assert [d["v"] for d in h.past] == [7, 8, 9]
    assert record(EditHistory(limit=0), {"v": 1}, {"v": 2}).past == ()


@given(st.lists(st.sampled_from(["edit", "undo", "redo"]), max_size=40))
def test_matches_a_list_and_a_cursor(ops):
    """Against the obvious model: every version in a list, a cursor on the current one."""
    versions, at = [{"n": 0}], 0
    h, current, counter = EditHistory(limit=1000), {"n": 0}, 0
    for op in ops:
        if op == "edit":
            counter += 1
            new = {"n": counter}
            h, current = record(h, current, new), new
            versions, at = [*versions[: at + 1], new], at + 1
        elif op == "undo":
            step = undo(h, current)
            assert (step is None) == (at == 0)
            if step:
                (h, current), at = step, at - 1
        else:
            step = redo(h, current)
            assert (step is None) == (at == len(versions) - 1)
            if step:
                (h, current), at = step, at + 1
        assert current == versions[at]
