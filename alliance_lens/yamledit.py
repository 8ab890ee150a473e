"""Saving by editing a commentary file's YAML text in place: a save's diff is only what changed.

The file is loaded with ``ruamel.yaml`` in round-trip mode, which gives every key and list
item with its line and column, the quoting of each scalar and the flow style of each list.
The *meaning* of the file before (``old``) and after (``new``), both as ``model.to_data``
gives them, is compared, and only the differences become edits of the original lines:
a changed field's lines are replaced, a removed item's or key's lines are cut, a new item or
key is inserted where it belongs. Everything else (comments, key order, quoting, indentation,
line wrapping, the author's time format) stays byte for byte.

Why splice lines rather than let ruamel dump the whole tree: ruamel re-wraps every long plain
scalar (and leaves a trailing space at each break), so an unchanged file would not survive
byte for byte. New fragments are written with PyYAML in the file's own style (indentation,
flow lists of ids, quoting and format of times): ``yamlstyle`` holds that style.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .yamlstyle import (
    LINES,
    OPENS_BLOCK,
    TIME_KEYS,
    WIDTH,
    Style,
    eol_comments,
    file_style,
    flow_item,
    fragment,
    styled,
)

__all__ = ["TIME_KEYS", "WIDTH", "Style", "file_style", "updated_text"]


# ---------------------------------------------------------------- the edits


class _Mismatch(Exception):
    """The text cannot be edited in place here: the caller writes the whole file."""


class _Splicer:
    """Collects line edits that turn ``old`` into ``new`` on the original text."""

    def __init__(self, text: str, tree: Any = None) -> None:
        # lines end at \n only, as YAML's do (str.splitlines also splits at \x85, \u2028...)
        self.lines = LINES.findall(text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += self.newline
        self.style = file_style(text)
        self.edits: list[tuple[int, int, int, list[str]]] = []
        self.eol = eol_comments(tree, self.lines)

    def edit(self, start: int, end: int, new: list[str]) -> None:
        comment = self.eol.get(start) if end == start + 1 and new else None
        if comment and (len(new) == 1 or OPENS_BLOCK.search(new[0])):
            # a replaced line keeps its end-of-line comment ("key:  # why", "key: |  # why")
            first = new[0].rstrip("\r\n")
            new = [f"{first}  {comment}{new[0][len(first) :]}", *new[1:]]
        self.edits.append((start, end, len(self.edits), new))

    def result(self, text: str) -> str:
        if not self.edits:
            return text
        out = list(self.lines)
        for n, (s1, e1, _, _) in enumerate(self.edits):
            for s2, e2, _, _ in self.edits[n + 1 :]:
                # two edits of the same lines (or an insertion inside a replaced block)
                if max(s1, s2) < min(e1, e2) or s1 < s2 < e1 or s2 < s1 < e2:
                    raise _Mismatch
        for start, end, _, new in sorted(self.edits, key=lambda e: (e[0], e[2]), reverse=True):
            out[start:end] = new
        return "".join(out)

    # --------------------------------------------------------------- reading the text

    def _blank(self, i: int) -> bool:
        stripped = self.lines[i].strip()
        return not stripped or stripped.startswith("#")

    def block_end(self, start: int, col: int, dash_at_col: bool = False) -> int:
        """One past the last line of the block that starts on ``start`` at column ``col``.

        Lines indented deeper belong to it (and ``- `` items at ``col`` when a key's list is
        written without indentation); trailing blank and comment lines do not.
        """
        end = start + 1
        last = start + 1
        while end < len(self.lines):
            line = self.lines[end]
            if not self._blank(end):
                indent = len(line) - len(line.lstrip(" "))
                if indent < col or (indent == col and not (dash_at_col and line[col] == "-")):
                    break
                last = end + 1
            end += 1
        return last

    def key_block(self, node: CommentedMap, key: Any) -> tuple[int, int, int]:
        line, col = node.lc.key(key)
        value = node[key]
        dash = isinstance(value, CommentedSeq) and not value.fa.flow_style()
        return line, self.block_end(line, col, dash), col

    def item_block(self, seq: CommentedSeq, index: int) -> tuple[int, int, int]:
        line, col = seq.lc.item(index)
        dash = self.lines[line].rfind("-", 0, col + 1)
        if dash < 0 or self.lines[line][dash + 1 : col].strip():
            raise _Mismatch
        return line, self.block_end(line, dash), dash

    # --------------------------------------------------------------- writing fragments

    def fragment(self, data: Any, col: int) -> list[str]:
        """``data`` as YAML lines at ``col``, in the file's style."""
        return fragment(data, col, self.style, self.newline)

    def styled(self, value: Any, key: Any = None, old_node: Any = None) -> Any:
        """A value as this file writes it (see ``yamlstyle.styled``)."""
        return styled(self.style, value, key, old_node)

    def key_lines(
        self, node: CommentedMap, key: Any, value: Any, start: int, col: int
    ) -> list[str]:
        """``key: value`` at ``col``; on a list item's first line, keep its ``- `` prefix."""
        lines = self.fragment({key: self.styled(value, key, node.get(key))}, col)
        prefix = self.lines[start][:col]
        if prefix.strip():
            lines[0] = prefix + lines[0][col:]
        return lines

    # --------------------------------------------------------------- structure

    def mapping(self, node: CommentedMap, old: dict[str, Any], new: dict[str, Any]) -> None:
        if node.fa.flow_style():
            raise _Mismatch
        keys = list(node)
        for key in keys:
            if key in old and key not in new:
                self.delete_key(node, key)
        previous: Any = None
        for key, value in new.items():
            if key not in node:
                self.add_key(node, key, value, previous)
            elif old.get(key) != value:
                self.change(node, key, old.get(key), value)
            previous = key if key in node else previous

    def delete_key(self, node: CommentedMap, key: Any) -> None:
        start, end, col = self.key_block(node, key)
        if self.lines[start][:col].strip():  # first key of a list item: "- key: ..."
            rest = [k for k in node if k != key]
            if not rest:
                raise _Mismatch
            nxt, ncol = node.lc.key(rest[0])
            if ncol != col:
                raise _Mismatch
            self.edit(start, nxt + 1, [self.lines[start][:col] + self.lines[nxt][col:]])
        else:
            self.edit(start, end, [])

    def add_key(self, node: CommentedMap, key: Any, value: Any, previous: Any) -> None:
        anchor = previous if previous in node else next(iter(node), None)
        if anchor is None:
            raise _Mismatch
        _, end, col = self.key_block(node, anchor)
        self.edit(end, end, self.fragment({key: self.styled(value, key)}, col))

    def change(self, node: CommentedMap, key: Any, old: Any, new: Any) -> None:
        child = node[key]
        block = isinstance(child, CommentedMap) and not child.fa.flow_style()
        if block and isinstance(old, dict) and isinstance(new, dict):
            self.mapping(child, old, new)
            return
        if (
            isinstance(child, CommentedSeq)
            and not child.fa.flow_style()
            and isinstance(old, list)
            and isinstance(new, list)
            and len(child) == len(old)
            and all(isinstance(v, dict) for v in (*old, *new))
            and all(isinstance(v, CommentedMap) for v in child)
        ):
            self.sequence(child, old, new)
            return
        start, end, col = self.key_block(node, key)
        self.edit(start, end, self.key_lines(node, key, new, start, col))

    def sequence(self, seq: CommentedSeq, old: list[Any], new: list[Any]) -> None:
        matcher = SequenceMatcher(None, [_match_key(v) for v in old], [_match_key(v) for v in new])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
            for n in range(pairs):
                if old[i1 + n] == new[j1 + n]:
                    continue
                if seq[i1 + n].fa.flow_style():  # - {start: ..., text: ...}: write it anew
                    start, end, dash = self.item_block(seq, i1 + n)
                    item = self.styled(new[j1 + n], None, seq[i1 + n])
                    lines = self.fragment([flow_item(item)], dash)
                    self.edit(start, end, lines)
                else:
                    self.mapping(seq[i1 + n], old[i1 + n], new[j1 + n])
            for n in range(i1 + pairs, i2):
                start, end, _ = self.item_block(seq, n)
                self.edit(start, end, [])
            if j2 > j1 + pairs:
                at = i1 + pairs
                if at > 0:
                    _, where, dash = self.item_block(seq, at - 1)
                else:
                    where, _, dash = self.item_block(seq, 0)
                added = [self.styled(v) for v in new[j1 + pairs : j2]]
                if isinstance(seq[0], CommentedMap) and seq[0].fa.flow_style():
                    added = [flow_item(v) for v in added]
                self.edit(where, where, self.fragment(added, dash))


def _match_key(value: Any) -> Any:
    """What pairs an old list item with a new one: its ``id``, else its whole content."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return ("id", value["id"])
    return ("value", repr(value))


def updated_text(text: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """``text`` edited so that it means ``new`` instead of ``old``; None if it cannot be.

    ``old`` must be what ``text`` means (``to_data`` of the file as loaded). None tells the
    caller to write the whole file instead (the text is not a block mapping ruamel can load,
    or an edit would touch a flow collection or overlap another edit). The caller should
    still check that the result means ``new``.
    """
    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    try:
        tree = loader.load(text)
    except YAMLError:
        return None
    if not isinstance(tree, CommentedMap):
        return None
    splicer = _Splicer(text, tree)
    try:
        splicer.mapping(tree, old, new)
        return splicer.result(text)
    except (_Mismatch, KeyError, IndexError, TypeError, AttributeError):
        return None
