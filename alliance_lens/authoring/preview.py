"""What a save would change: the unified diff and a side-by-side view, shown before saving."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import Problem
from ..trackfile import content_digest
from ..tracksave import plan_save, read_current
from .draft import validate
from .drafts import DraftFile

RowKind = Literal["equal", "delete", "insert", "replace", "skip"]


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view; a ``skip`` row stands for unchanged lines left out."""

    kind: RowKind
    old_line: int | None = None  # 1-based
    old: str = ""
    new_line: int | None = None
    new: str = ""


@dataclass(frozen=True)
class SavePreview:
    """The file on disk against what a save would write (``text``)."""

    path: str
    text: str | None  # None when the draft has errors (nothing would be written)
    unified: str = ""
    rows: list[Row] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    new_file: bool = False
    conflict: bool = False  # the file changed on disk since it was opened: a save would refuse
    in_place: bool = True  # False: the file would be written whole (comments, layout lost)
    errors: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_file or self.added + self.removed > 0


def preview_save(
    state: DraftFile,
    *,
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
    context: int = 3,
) -> SavePreview:
    """The diff of the save ``saving.save(state)`` would make now (nothing is written)."""
    path = Path(state.track_path)
    result = validate(state.draft, name=path.name, vocabulary=vocabulary, duration_ms=duration_ms)
    if result.doc is None:
        return SavePreview(str(path), None, errors=result.errors)
    current = read_current(path)
    text, in_place = plan_save(result.doc, current)
    conflict = (
        current is not None and state.base_digest is not None
        and content_digest(current) != state.base_digest
    ) or (current is None) != (state.base_digest is None)  # fmt: skip
    before = (current or "").splitlines(keepends=True)
    after = text.splitlines(keepends=True)
    name = path.name
    unified = "".join(
        difflib.unified_diff(before, after, f"a/{name}", f"b/{name}", n=context, lineterm="\n")
    )
    rows, added, removed = side_by_side(before, after, context)
    return SavePreview(
        str(path), text, unified, rows, added, removed, current is None, conflict, in_place
    )


def side_by_side(
    before: list[str], after: list[str], context: int = 3
) -> tuple[list[Row], int, int]:
    """Rows pairing old and new lines, unchanged runs longer than ``2 * context`` folded.

    >>> rows, added, removed = side_by_side(["a\\n", "b\\n"], ["a\\n", "c\\n", "d\\n"], 1)
    >>> [(r.kind, r.old, r.new) for r in rows], added, removed
    ([('equal', 'a', 'a'), ('replace', 'b', 'c'), ('insert', '', 'd')], 2, 1)
    """
    rows: list[Row] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            span = i2 - i1
            keep = list(range(span))
            if span > 2 * context:
                head = context if i1 > 0 else 0
                tail = context if i2 < len(before) else 0
                keep = [*range(head), *range(span - tail, span)]
            last = -1
            for n in keep:
                if n != last + 1:
                    rows.append(Row("skip"))
                rows.append(Row("equal", i1 + n + 1, _line(before[i1 + n]),
                                j1 + n + 1, _line(after[j1 + n])))  # fmt: skip
                last = n
            if keep and keep[-1] != span - 1 or (not keep and span):
                rows.append(Row("skip"))
            continue
        removed += i2 - i1
        added += j2 - j1
        for n in range(max(i2 - i1, j2 - j1)):
            old = i1 + n if n < i2 - i1 else None
            new = j1 + n if n < j2 - j1 else None
            kind: RowKind = "replace" if old is not None and new is not None else (
                "delete" if old is not None else "insert"
            )  # fmt: skip
            rows.append(
                Row(
                    kind,
                    None if old is None else old + 1,
                    "" if old is None else _line(before[old]),
                    None if new is None else new + 1,
                    "" if new is None else _line(after[new]),
                )
            )
    return rows, added, removed


def diff_table(rows: list[Row]) -> list[dict[str, Any]]:
    """The side-by-side rows as a table: line numbers, old and new text, a mark per row.

    >>> diff_table([Row("replace", 2, "b", 2, "c"), Row("skip")])[0]["±"]
    '~'
    """
    marks = {"equal": "", "delete": "−", "insert": "+", "replace": "~", "skip": "⋯"}
    return [
        {
            "±": marks[r.kind],
            "Line": r.old_line,
            "In the file now": r.old,
            "Line ": r.new_line,
            "After saving": r.new,
        }  # fmt: skip
        for r in rows
    ]


def _line(text: str) -> str:
    return text.rstrip("\n")
