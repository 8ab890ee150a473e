"""answers.py and the journal for multi and marker prompts: kept, shown, compared."""

from __future__ import annotations

import textwrap
from pathlib import Path

from alliance_lens import answers, journal
from alliance_lens.store import Store
from tests.unit.test_journal import make_library

YAML = textwrap.dedent(
    """\
    version: 1
    video: clip.mp4
    title: Elements
    tracks:
      - id: expert
        name: Expert
        prompts:
          - id: elements
            at: '00:10'
            kind: multi
            question: Which elements are strained?
            options: [Goals, Tasks, Bond]
            correct: [Tasks, Bond]
            reveal: Tasks and bond.
          - id: marker
            at: '00:20'
            kind: marker
            question: Name the marker.
            options: [minimal_response, denial]
            correct: [minimal_response]
            reveal: Short answers.
    """
)


def test_encode_decode_round_trip_and_single_choices_stay_single():
    stored = answers.encode(["Tasks", 'Bond; "trust"', "[x]"])
    assert answers.decode(stored) == ("Tasks", 'Bond; "trust"', "[x]")
    assert answers.decode("Withdrawal") is None
    assert answers.decode("[not json") is None
    assert answers.decode("[1, 2]") is None  # only lists of strings are several options
    assert answers.decode(answers.encode([])) == ()
    assert answers.shown(stored) == 'Tasks; Bond; "trust"; [x]'
    assert answers.shown("Withdrawal") == "Withdrawal"


def test_verdict_names_what_was_missed_and_what_was_extra():
    assert answers.verdict(["Bond", "Tasks"], ["Tasks", "Bond"]) == "✓ the same as the expert"
    said = answers.verdict(["Goals", "Tasks"], ["Tasks", "Bond"])
    assert said == "1 of 2 of the expert's · missed: Bond · not the expert's: Goals"
    assert answers.verdict(["Goals"], []) == ""


def test_journal_shows_several_choices_and_compares_with_labels(tmp_path: Path):
    library = make_library(tmp_path / "lib", YAML)
    label = library.vocabulary.marker_label("minimal_response")
    assert label != "minimal_response"  # the learner saw (and answered with) the label
    with Store.open("sqlite://") as store:
        me = store.get_or_create_learner("token", "Me").id
        store.save_answer(me, "homework", "expert", "elements", choice=answers.encode(["Goals"]))
        store.save_answer(me, "homework", "expert", "marker", choice=answers.encode([label]))
        entries = journal.learner_journal(store, library, me)
        by_id = {e.prompt_id: e for e in entries}
        elements, marker = by_id["elements"], by_id["marker"]
        assert elements.correct == ("Tasks", "Bond") and marker.correct == (label,)
        assert elements.expert_answer == "Tasks; Bond"
        stored = elements.attempts[0].choice
        assert elements.verdict(stored).startswith("0 of 2")
        assert marker.verdict(marker.attempts[0].choice) == "✓ the same as the expert"

        rows = {r["prompt_id"]: r for r in journal.journal_rows(entries, "Me")}
        assert rows["elements"]["answer_choice"] == "Goals"
        assert rows["elements"]["expected"] == "Tasks; Bond"
        text = journal.to_markdown(entries, "Me", 1_700_000_000_000)
        assert "  - Your choice: Goals (0 of 2 of the expert's" in text
        assert "**The expert chose:** Tasks; Bond" in text

        doc = library.entry("homework").doc
        prompt = next(p for p in doc.tracks[0].prompts if p.id == "marker")
        pairs = store.answers_for_prompt("homework", "expert", "marker")
        frame = journal.choice_frame(prompt, pairs, library.vocabulary.marker_label)
        counts = dict(zip(frame["option"], frame["learners (latest choice)"], strict=True))
        assert counts[label] == 1 and frame["expert's choice"].tolist().count("✓") == 1
