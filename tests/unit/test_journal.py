"""journal.py: rows beside prompts and commentary, exports (CSV, Markdown), removed prompts."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from alliance_lens import journal
from alliance_lens.library import Library, scan_library
from alliance_lens.store import Store

TRACK_YAML = textwrap.dedent(
    """\
    version: 1
    video: clip.mp4
    title: 'Sample: <b>The homework</b>'
    tracks:
      - id: expert
        name: Expert
        prompts:
          - id: later
            at: '00:40'
            question: What might the client feel *now*?
            reveal: Blamed, perhaps <script>alert(1)</script>.
          - id: what-next
            at: '00:27.993'
            kind: choice
            question: What would you do next?
            options: [Explain, Acknowledge]
            expected: Acknowledge
            reveal: Validating keeps the complaint workable.
      - id: lens
        name: Mentalization lens
        prompts:
          - id: rewind
            at: '01:13.971'
            question: Where would you rewind to?
            reveal: The therapist's first answer.
    """
)


def make_library(root: Path, yaml_text: str = TRACK_YAML) -> Library:
    (root / "commentary").mkdir(parents=True, exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    (root / "media" / "clip.mp4").write_bytes(b"")  # pairing only; never played here
    (root / "commentary" / "homework.yaml").write_text(yaml_text, encoding="utf-8")
    return scan_library(root)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return make_library(tmp_path / "lib")


@pytest.fixture
def store() -> Store:
    clock = iter(range(1_700_000_000_000, 1_800_000_000_000, 60_000))
    with Store.open("sqlite://", clock=lambda: next(clock)) as s:
        yield s


def seed(store: Store) -> tuple[int, int]:
    ana = store.get_or_create_learner("token-ana", "Ana <script>x</script>").id
    ben = store.get_or_create_learner("token-ben", "Ben").id
    store.save_answer(ana, "homework", "expert", "later", text="She went quiet.")
    store.save_answer(ana, "homework", "expert", "what-next", choice="Explain")
    store.save_answer(ana, "homework", "expert", "later", text="=1+1 she felt *blamed*\n# no")
    store.save_answer(ana, "homework", "lens", "rewind", text="The first answer.")
    store.save_answer(ana, "homework", "expert", "gone", text="An answer to an edited prompt.")
    store.save_answer(ana, "deleted-video", "t", "p", text="Old.")
    store.save_answer(ben, "homework", "expert", "later", text="Ben's answer.")
    return ana, ben


def test_journal_groups_attempts_newest_first_in_track_order(store, library):
    ana, _ = seed(store)
    entries = journal.learner_journal(store, library, ana)
    keys = [(e.video_id, e.track_id, e.prompt_id) for e in entries]
    assert keys == [
        ("homework", "expert", "what-next"),  # 00:27.993, before "later" at 00:40
        ("homework", "expert", "later"),
        ("homework", "expert", "gone"),  # removed prompts after the track's own
        ("homework", "lens", "rewind"),
        ("deleted-video", "t", "p"),  # videos not in the library last
    ]
    later = entries[1]
    assert [a.attempt for a in later.attempts] == [2, 1]
    assert later.question == "What might the client feel *now*?"
    assert later.reveal.startswith("Blamed")
    assert later.link == "./?video=homework&t=40"
    assert later.status == "ok" and later.note == ""
    choice = entries[0]
    assert (choice.kind, choice.expected, choice.attempts[0].choice) == (
        "choice",
        "Acknowledge",
        "Explain",
    )
    assert choice.link == "./?video=homework&t=27.993"


def test_removed_prompt_and_missing_video_keep_their_answers(store, library):
    ana, _ = seed(store)
    entries = {e.prompt_id: e for e in journal.learner_journal(store, library, ana)}
    gone = entries["gone"]
    assert gone.status == "removed" and gone.note == journal.REMOVED_NOTE
    assert gone.attempts[0].text == "An answer to an edited prompt."
    assert gone.link == "./?video=homework"  # the video, no longer the moment
    lost = entries["p"]
    assert lost.link == "" and journal.MISSING_VIDEO_NOTE in lost.video_title


def test_unreadable_commentary_is_not_called_removed(store, tmp_path):
    library = make_library(tmp_path / "broken", "version: 1\ntitle: [unclosed\n")
    ana, _ = seed(store)
    entry = next(e for e in journal.learner_journal(store, library, ana) if e.prompt_id == "later")
    assert entry.status == "unreadable" and entry.note == journal.UNREADABLE_NOTE


def test_csv_opens_in_pandas_with_the_expected_columns(store, library):
    ana, _ = seed(store)
    entries = journal.learner_journal(store, library, ana, base="http://127.0.0.1:8501/")
    data = journal.to_csv(journal.journal_rows(entries, "Ana"))
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read UTF-8 correctly
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert tuple(frame.columns) == journal.CSV_COLUMNS
    assert len(frame) == 6  # every attempt of Ana's, none of Ben's
    later = frame[frame.prompt_id == "later"]
    assert later.attempt.tolist() == [2, 1]
    # A formula-looking answer is defused for spreadsheets; the text is otherwise intact.
    assert later.answer_text.iloc[0] == "'=1+1 she felt *blamed*\n# no"
    assert later.link.iloc[0] == "http://127.0.0.1:8501/?video=homework&t=40"
    assert later.answered_at.iloc[1] == "2023-11-14T22:15:20.000+00:00"  # third tick
    choice = frame[frame.prompt_id == "what-next"].iloc[0]
    assert (choice.answer_choice, choice.expected) == ("Explain", "Acknowledge")
    gone = frame[frame.prompt_id == "gone"].iloc[0]
    assert gone.question == journal.REMOVED_NOTE
    assert set(frame.learner) == {"Ana"}


def test_markdown_has_everything_and_escapes_the_learner(store, library):
    ana, _ = seed(store)
    entries = journal.learner_journal(store, library, ana)
    text = journal.to_markdown(entries, "Ana <script>x</script>", 1_700_000_000_000, "UTC")
    assert text.startswith("# Reflections of Ana \\<script\\>x\\</script\\>\n")
    assert "## Sample\\: \\<b\\>The homework\\</b\\>" in text  # `:` escaped too
    assert "### Expert at 00:40.000" in text
    assert "**Question:** What might the client feel *now*?" in text
    assert "[Back to this moment in the video](./?video=homework&t=40)" in text
    assert "  > \\=1+1 she felt \\*blamed\\*\n  > \\# no" in text  # a heading no more
    assert "  - Your choice: Explain" in text
    assert "**The expert chose:** Acknowledge" in text
    assert "Blamed, perhaps \\<script\\>alert(1)\\</script\\>." in text  # raw HTML neutralised
    assert f"*{journal.REMOVED_NOTE}*" in text
    later = text.index("### Expert at 00:40.000")
    assert later < text.index("Attempt 2") < text.index("Attempt 1", later)
    assert "<script" not in text.replace("\\<script", "")


def test_deleted_learner_leaves_no_row(store, library):
    ana, ben = seed(store)
    assert store.delete_learner_data(ana)
    assert journal.learner_journal(store, library, ana) == []
    rows = journal.journal_rows(journal.learner_journal(store, library, ben), "Ben")
    assert [r["answer_text"] for r in rows] == ["Ben's answer."]
    pairs = store.answers_for_prompt("homework", "expert", "later")
    assert journal.prompt_answers_frame(pairs).learner.tolist() == ["Ben"]


def test_educator_tables(store, library):
    ana, ben = seed(store)
    frame = journal.prompt_answers_frame(store.answers_for_prompt("homework", "expert", "later"))
    assert tuple(frame.columns) == journal.EDUCATOR_COLUMNS
    assert frame[["learner", "attempt"]].values.tolist() == [
        ["Ana <script>x</script>", 1],
        ["Ana <script>x</script>", 2],
        ["Ben", 1],
    ]
    doc = library.entry("homework").doc
    completion = journal.completion_frame(doc, store.completion_counts("homework"))
    assert tuple(completion.columns) == journal.COMPLETION_COLUMNS
    counts = dict(zip(completion.prompt, completion["learners answered"], strict=True))
    assert counts == {"what-next": 1, "later": 2, "rewind": 1, "gone": 1}
    assert completion.set_index("prompt").loc["gone", "question"] == journal.REMOVED_NOTE
    assert journal.prompt_answers_frame([]).empty


def test_summary_words():
    assert str(journal.Summary(1, 1, 1)) == "1 answer to 1 prompt in 1 video"
    assert str(journal.Summary(2, 3, 5)) == "5 answers to 3 prompts in 2 videos"


@pytest.mark.parametrize(
    ("at_ms", "expected"), [(0, "0"), (27_000, "27"), (27_993, "27.993"), (5, "0.005")]
)
def test_link_seconds(at_ms, expected):
    assert journal.link_params("v", at_ms)["t"] == expected


def test_choice_frame_counts_latest_choices(store, library):
    seed(store)  # Ana: Explain
    ana = store.find_learner("token-ana").id
    store.save_answer(ana, "homework", "expert", "what-next", choice="Acknowledge")  # changed
    ben = store.find_learner("token-ben").id
    store.save_answer(ben, "homework", "expert", "what-next", choice="An old option")
    prompt = library.entry("homework").doc.track("expert").prompts[1]
    frame = journal.choice_frame(
        prompt, store.answers_for_prompt("homework", "expert", "what-next")
    )
    assert frame.values.tolist() == [
        ["Explain", 0, ""],
        ["Acknowledge", 1, "✓"],
        ["An old option", 1, ""],
    ]
