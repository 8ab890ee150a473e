"""The bundled vocabulary: 3RS wording, sourced defaults, stages and group terms."""

from __future__ import annotations

import re
from pathlib import Path

from alliance_lens.vocabulary import BUNDLED_VOCABULARY, load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
VOCAB = load_vocabulary()


def test_labels_follow_the_3rs_manual_wording() -> None:
    assert VOCAB.marker_label("giving_up") == "Self-criticism and/or hopelessness"
    assert VOCAB.marker_label("rejects_intervention") == "Client rejects therapist intervention"
    assert (
        VOCAB.strategy_label("illustrates_rationale")
        == "Illustrates tasks or provides a rationale for treatment"
    )


def test_the_withdrawal_grouping_is_called_the_librarys_own() -> None:
    for path in (BUNDLED_VOCABULARY, ROOT / "docs" / "about.md"):
        text = path.read_text(encoding="utf-8")
        assert "2022" not in text
        assert re.search(r"(this|the) library'?s own", text, re.IGNORECASE), path
    assert {m.group for m in VOCAB.markers_of("withdrawal").values()} <= set(VOCAB.marker_groups)


def test_every_strategy_has_a_valid_default_depth_and_directness() -> None:
    assert set(VOCAB.strategy_defaults) == set(VOCAB.strategies)
    for depth, directness in VOCAB.strategy_defaults.values():
        assert depth in ("immediate", "exploratory") and directness in ("direct", "indirect")


def test_stages_and_group_terms_are_present_and_typed() -> None:
    assert {s.type for s in VOCAB.stages.values()} == {"withdrawal", "confrontation", "both"}
    assert VOCAB.stage_label("self_assertion") == "Self-assertion"
    assert {"member_leader_rupture", "member_member_rupture", "member_group_rupture"} <= set(
        VOCAB.terms
    )
    assert "Burlingame" in VOCAB.terms["cohesion"].definition


def test_a_library_can_extend_and_override_defaults(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text(
        "extends: bundled\nstrategies:\n  redirects: {label: Refocuses, depth: exploratory}\n"
        "stages:\n  naming: {label: Naming it}\n",
        encoding="utf-8",
    )
    vocab = load_vocabulary(path)
    assert vocab.strategy_label("redirects") == "Refocuses"
    assert vocab.strategy_defaults["redirects"] == ("exploratory", None)
    assert vocab.stages["naming"].type == "both" and "disembedding" in vocab.stages


def test_every_source_named_on_the_about_page_is_listed() -> None:
    about = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    body, sources = about.split("**Sources**", 1)
    entries = [e.strip() for e in sources.split("\n- ")[1:]]
    listed = {(e.split(",")[0], re.search(r"\((\d{4})\)", e)[1]) for e in entries}  # type: ignore[index]
    cited = set(re.findall(r"(\d{4})\)?", body))
    assert cited == {year for _, year in listed}  # every year cited has a source, and back
    for surname, year in listed:  # every source is cited as "Surname ... year"
        assert re.search(rf"{surname}[^()]*?\(?{year}", body), (surname, year)


def test_every_bundled_marker_and_strategy_has_a_definition_of_app_text(tmp_path) -> None:
    assert all(m.definition for m in VOCAB.markers.values())
    assert set(VOCAB.strategy_definitions) == set(VOCAB.strategies)
    assert "metacommunication" in VOCAB.strategy_definition("invites_feelings_about_therapy")
    # a library renames a label: the definition follows the id; its own marker has none, and
    # a "definition" in the file is not read (definitions are the app's text)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(
        "extends: bundled\nmarkers:\n  withdrawal:\n"
        "    denial: {label: Says it is nothing}\n"
        "    own_marker: {label: Ours, definition: '![x](https://evil.example/x.png)'}\n",
        encoding="utf-8",
    )
    ours = load_vocabulary(path)
    assert ours.markers["denial"].definition == VOCAB.markers["denial"].definition
    assert ours.markers["own_marker"].definition == ""
