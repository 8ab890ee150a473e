"""Rating sheets shaped for pages: editor rows in and out, a rater against the expert, and
agreement across raters, on hand-made sheets."""

from __future__ import annotations

import math

import pytest

from alliance_lens import sheetreport
from alliance_lens.practice.ratings import Segment, SheetRow

SEGS = [Segment(0, 300_000, "Opening"), Segment(300_000, 600_000, "Middle")]


def test_editor_rows_name_segments_by_time_never_by_title() -> None:
    rows = sheetreport.editor_rows(SEGS, [SheetRow(300_000, confrontation=2)])
    assert [r["segment"] for r in rows] == ["0:00–5:00", "5:00–10:00"]
    assert "Opening" not in repr(rows)
    assert (rows[0]["confrontation"], rows[1]["confrontation"]) == (None, 2)


@pytest.mark.parametrize(
    ("cell", "rating"),
    [(None, None), (math.nan, None), (0, None), (6, None), (2.5, None), (True, None),
     ("3", None), (3, 3), (3.0, 3), (5, 5), (1, 1)],
)  # fmt: skip
def test_an_editor_cell_is_a_rating_1_to_5_or_absent(cell: object, rating: int | None) -> None:
    (row,) = sheetreport.sheet_from_editor([{"withdrawal": cell}], SEGS[:1])
    assert row.withdrawal == rating


def test_codes_outside_the_vocabulary_are_dropped() -> None:
    records = [{"markers": ["denial", "made_up", "", 7], "strategies": "redirects"}]
    (row,) = sheetreport.sheet_from_editor(records, SEGS[:1], markers=["denial"])
    assert row.markers == frozenset({"denial"}) and row.strategies == frozenset()


def test_comparison_and_kappa_against_the_expert() -> None:
    mine = [SheetRow(0, withdrawal=3), SheetRow(300_000, confrontation=4)]
    expert = [SheetRow(0, withdrawal=5), SheetRow(300_000, withdrawal=2)]
    rows = sheetreport.comparison_rows(mine, expert, SEGS)
    assert [(r["type"], r["you"], r["expert"], r["agree on presence"]) for r in rows] == [
        ("withdrawal", "3", "5", True),
        ("confrontation", "absent", "absent", True),
        ("withdrawal", "absent", "2", False),
        ("confrontation", "4", "absent", False),
    ]
    kappa = sheetreport.agreement_with_expert(mine, expert)
    assert kappa.items == 4 and kappa.percent_agreement == pytest.approx(50.0)
    assert kappa.kappa == pytest.approx(0.0)


def test_cohort_agreement_is_perfect_when_raters_agree_and_rows_code_raters() -> None:
    sheet = [SheetRow(0, withdrawal=4), SheetRow(300_000, confrontation=2)]
    fleiss, icc = sheetreport.cohort_agreement([sheet, sheet, sheet], SEGS)
    assert fleiss.kappa == pytest.approx(1.0) and fleiss.raters == 3
    assert icc.icc == pytest.approx(1.0) and icc.subjects == 4
    rows = sheetreport.cohort_rows([("L001", sheet), ("L002", [])], SEGS)
    assert [(r["rater"], r["withdrawal"]) for r in rows] == [
        ("L001", 4),
        ("L001", None),
        ("L002", None),
        ("L002", None),
    ]
