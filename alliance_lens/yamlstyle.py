"""How a commentary file writes its YAML (times, list indentation, flow lists, end-of-line
comments), and a dumper that writes new fragments in that style.

``yamledit`` splices lines into a file; the lines it writes come from here, so a new cue looks
like the ones around it: the same time format and quoting, lists indented or not as the file
does, short lists of ids as ``[a, b]`` when the file writes them so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from .timecode import format_time, parse_time

TIME_KEYS = frozenset({"start", "end", "onset", "resolved_at", "at", "rewind_to"})
WIDTH = 96  # the line width files are written with

_TIME = re.compile(  # a time field, in block style or inside a flow mapping
    r"(?:^|[{,])[ \t]*(?:-[ \t]+)?(?:start|end|onset|resolved_at|at|rewind_to):[ \t]+"
    r"(?P<q>['\"]?)(?P<t>[0-9:.,]+)(?P=q)(?=[ \t]*(?:[,}#]|\r?$))",
    re.M,
)
LINES = re.compile(r"[^\n]*\n|[^\n]+$")  # lines end at \n only, as YAML's do
_SEQ_UNDER_KEY = re.compile(r"^(?P<k> *)[^\s#-][^:\n]*:[ \t]*\r?\n(?P<d> *)- ", re.M)
_FLOW_LIST = re.compile(r":[ \t]+\[[^\]\n]*\][ \t]*\r?$", re.M)
OPENS_BLOCK = re.compile(r"(?::|: [|>][-+]?[0-9]?)\r?\n?$")  # a comment may follow these


@dataclass(frozen=True)
class Style:
    """How a file writes things: times (quote, clock or seconds), list indentation, flow."""

    quote: str = "'"
    fixed: bool = False  # clock times as 00:05.400 (else compact: 00:05.4)
    seconds: bool = False  # times as seconds (start: 5.4, or start: "5.4")
    indented_lists: bool = True  # "key:\n  - item" (else "key:\n- item")
    flow_lists: bool = True  # short lists of ids as [a, b]

    def time(self, ms: int) -> Any:
        if self.seconds:
            text = str(ms // 1000) if ms % 1000 == 0 else f"{ms / 1000:.3f}".rstrip("0")
            return Styled(text, self.quote) if self.quote else float(text)
        return Styled(format_time(ms, compact=not self.fixed), self.quote or None)


def file_style(text: str) -> Style:
    """The prevailing style of a file's text (what most of its times and lists look like).

    >>> file_style("start: '00:05.400'\\nend: '00:06.000'\\n")
    Style(quote="'", fixed=True, seconds=False, indented_lists=True, flow_lists=False)
    >>> s = file_style('x:\\n- {at: "5.5", y: 1}\\n')
    >>> s.seconds, s.quote, s.indented_lists, s.time(7250), s.time(8000)
    (True, '"', False, '7.25', '8')
    """
    found = [(m["q"], m["t"]) for m in _TIME.finditer(text)]
    offsets = Counter(len(m["d"]) > len(m["k"]) for m in _SEQ_UNDER_KEY.finditer(text))
    indented = offsets.most_common(1)[0][0] if offsets else True
    flow = bool(_FLOW_LIST.search(text)) if text else True
    if not found:
        return Style(indented_lists=indented, flow_lists=flow)
    quote = Counter(q for q, _ in found).most_common(1)[0][0]
    clock = [t for _, t in found if ":" in t]
    if len(clock) * 2 < len(found):
        return Style(quote, False, True, indented, flow)
    fixed = all(re.search(r"\.\d{3}$", t) for t in clock)
    return Style(quote, fixed, False, indented, flow)


class Styled(str):
    """A string written in a given scalar style (``'``, ``"`` or plain)."""

    style: str | None

    def __new__(cls, value: str, style: str | None) -> Styled:
        out = super().__new__(cls, value)
        out.style = style
        return out


class Flow(list[Any]):
    """A list written in flow style: ``[a, b]``."""


class FlowMap(dict[str, Any]):
    """A mapping written in flow style: ``{start: '00:01', text: Hi}``."""


def flow_item(value: Any) -> Any:
    """An item for a list written ``- {...}``: flow when it holds no nested mappings."""
    nested = isinstance(value, dict) and any(
        isinstance(v, dict) or (isinstance(v, list) and any(isinstance(i, dict) for i in v))
        for v in value.values()
    )
    return FlowMap(value) if isinstance(value, dict) and not nested else value


class Dumper(yaml.SafeDumper):
    indented = True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless and not self.indented)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if any(c in value for c in ("\x85", "\u2028", "\u2029", "\r")):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_styled(dumper: yaml.SafeDumper, value: Styled) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=value.style)


def _represent_flow(dumper: yaml.SafeDumper, value: Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


Dumper.add_representer(str, _represent_str)
Dumper.add_representer(Styled, _represent_styled)
Dumper.add_representer(Flow, _represent_flow)
Dumper.add_representer(
    FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", dict(v), flow_style=True)
)


def eol_comments(tree: Any, lines: list[str]) -> dict[int, str]:
    """Line index -> the comment that ends that line after some YAML (``title: A  # why``)."""
    found: dict[int, str] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedMap | CommentedSeq):
            stack.extend(node.values() if isinstance(node, CommentedMap) else node)
            attached = [*node.ca.items.values(), node.ca.comment or []]
            for token in (t for entry in attached for t in entry or [] if hasattr(t, "column")):
                line, col = token.start_mark.line, token.start_mark.column
                text = lines[line] if 0 <= line < len(lines) else ""
                if text[col : col + 1] == "#" and text[:col].strip():
                    found[line] = text[col:].rstrip("\r\n")
    return found


def fragment(data: Any, col: int, style: Style, newline: str = "\n") -> list[str]:
    """``data`` as YAML lines at column ``col``, in the file's ``style``.

    >>> fragment({"tags": Flow(["a", "b"])}, 2, Style())
    ['  tags: [a, b]\\n']
    """
    Dumper.indented = style.indented_lists
    text = yaml.dump(
        data,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=max(40, WIDTH - col),
        default_flow_style=False,
    )
    pad = " " * col
    lines = LINES.findall(text.replace("\n", newline))
    return [pad + line if line.strip() else line for line in lines]


def styled(style: Style, value: Any, key: Any = None, old_node: Any = None) -> Any:
    """A value as this file writes it (times in its style; a changed text keeps quotes).

    ``old_node`` is what ruamel loaded for the value before, if anything: a changed mapping
    keeps the file's key order, a changed list its flow style, a changed text its quotes.
    """
    if isinstance(value, dict):
        was = old_node if isinstance(old_node, CommentedMap) else {}
        order = [k for k in was if k in value] + [k for k in value if k not in was]
        return {k: styled(style, value[k], k, was.get(k)) for k in order}  # the file's order
    if isinstance(value, list):
        items = [styled(style, v) for v in value]
        if isinstance(old_node, CommentedSeq):  # a changed list keeps its style
            return Flow(items) if old_node.fa.flow_style() else items
        words = value and all(isinstance(v, str) for v in value)
        short = sum(len(str(v)) + 2 for v in value) < 70
        return Flow(items) if style.flow_lists and words and short else items
    if key in TIME_KEYS and isinstance(value, str):
        try:
            return style.time(parse_time(value))
        except ValueError:
            return value
    if isinstance(value, str) and "\n" not in value:
        if isinstance(old_node, SingleQuotedScalarString):
            return Styled(value, "'")
        if isinstance(old_node, DoubleQuotedScalarString):
            return Styled(value, '"')
    return value
