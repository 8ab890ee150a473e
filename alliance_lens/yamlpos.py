"""Safe YAML in, with the line and column of every field available to locate problems.

A clean file is read straight from libyaml's event stream (``CSafeLoader``), without a node
tree. Positions come from libyaml's composer, which keeps each node's start mark, and are
composed only when something asks for one (a problem to locate). Anything that is not
clean YAML, or uses what the fast path leaves out (tabs, anchors, tags, merge keys), is read
by PyYAML's pure-Python loader, whose messages and marks the app has always shown (and
which is the only loader when libyaml is missing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .errors import TrackFileError

MAX_FILE_BYTES = 5 * 1024 * 1024  # a commentary file is text; more than this is not one
MAX_NODES = 200_000

Position = tuple[int, int]  # 1-based line and column
FieldPath = tuple[str | int, ...]

# YAML 1.1 reads 01:30 as the integer 90 (base 60). Times must stay strings.
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_STR_TAG = "tag:yaml.org,2002:str"
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def format_path(path: FieldPath) -> str:
    """``('tracks', 0, 'cues', 2, 'start')`` -> ``tracks[0].cues[2].start``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Positions:
    """Where each field of a file is: ``positions[('tracks', 0, 'id')] -> (line, column)``.

    A field in a mapping is located at its key, a list item at the item. Looked up in the
    composed node tree on demand; after ``release()`` the tree is composed again from the
    text if a position is still asked for (rare: only to point at a problem).
    """

    def __init__(self, text: str | Callable[[], str], root: yaml.Node | None = None) -> None:
        self._text = text  # or a function that writes it, for data that has no file yet
        self._root = root

    def release(self) -> None:
        """Drop the node tree (it is many times the size of the text)."""
        self._root = None

    def get(self, path: FieldPath, default: Position | None = None) -> Position | None:
        node: Any = self._tree()
        if node is None:
            return default
        mark = node.start_mark
        for part in path:
            if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return default
                node = node.value[part]
                mark = node.start_mark
            elif isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = next((kv for kv in node.value if _key_text(kv[0]) == part), None)
                if pair is None:
                    return default
                mark, node = pair[0].start_mark, pair[1]
            else:
                return default
        return mark.line + 1, mark.column + 1

    def __getitem__(self, path: FieldPath) -> Position:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path) is not None

    def _tree(self) -> yaml.Node | None:
        if self._root is not None:
            return self._root
        if not isinstance(self._text, str):
            self._text = self._text()
        for loader_class in (_FAST_LOADER, yaml.SafeLoader):
            if self._root is None and loader_class is not None:
                try:
                    self._root = _compose(self._text, loader_class)
                except yaml.YAMLError:
                    continue
        return self._root


def _key_text(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == _STR_TAG or _SEXAGESIMAL.match(str(node.value)):
        return str(node.value)
    try:
        return str(yaml.constructor.SafeConstructor().construct_object(node, deep=True))
    except yaml.YAMLError:
        return None


def _compose(text: str, loader_class: Any) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        root: yaml.Node | None = loader.get_single_node()
        return root
    finally:
        loader.dispose()


def dump_for_positions(data: Any) -> str:
    """YAML text of plain data, written by libyaml: lines to point at in data with no file."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=96))


def load_yaml(source: Path | str, *, text: str | None = None) -> tuple[Any, Positions]:
    """Parse YAML safely, keeping each node's position; duplicate keys and aliases are errors.

    Raises TrackFileError (with line and column) for anything that is not clean YAML.
    """
    name = str(source)
    if text is None:
        text = read_text(Path(source))
    # libyaml allows tabs as separators ("a:\tb") where PyYAML refuses them; tabs stay refused
    if _FAST_LOADER is not None and "\t" not in text:
        try:
            return _fast_data(text), Positions(text)
        except (yaml.YAMLError, _Unclean):
            pass  # read it again below, to say what is wrong and where, as always
    data, root = _load_located(name, text)
    return data, Positions(text, root)


class _Unclean(Exception):
    """The fast path met something to report (or rare): the located path reads it."""


_RESOLVER = yaml.resolver.Resolver()  # reads only class tables: safe to share
_RESOLVED_FIRST = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k)  # may not be text
_NOKEY = object()


def _plain(value: str, constructor: yaml.constructor.SafeConstructor) -> Any:
    """A plain (unquoted) scalar as YAML 1.1 reads it, except times such as 01:30."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR_TAG or (tag in _NUMBER_TAGS and _SEXAGESIMAL.match(value)):
        return value
    if tag == "tag:yaml.org,2002:merge":
        raise _Unclean
    try:
        return constructor.construct_object(yaml.ScalarNode(tag, value), deep=True)
    except yaml.YAMLError:
        raise _Unclean from None


def _fast_data(text: str) -> Any:
    """Plain data straight from libyaml's events: no node tree, no paths, no positions.

    Anything the located path would report or treat specially (anchors, aliases, explicit
    tags, merge keys, duplicate or complex keys, several documents, too many nodes) raises
    ``_Unclean``; so does an empty file.
    """
    loader = _FAST_LOADER(text)
    constructor = yaml.constructor.SafeConstructor()  # one per file: it remembers each node
    try:
        get = loader.get_event
        get()  # stream start
        if not isinstance(get(), yaml.DocumentStartEvent):
            raise _Unclean
        stack: list[list[Any]] = []  # [container, pending key] ; a list's key is unused
        root: Any = _NOKEY
        count = 0
        while True:
            event = get()
            kind = type(event)
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            if kind is yaml.DocumentEndEvent:
                break
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unclean
                value = event.value
                if event.implicit[0] and (not value or value[0] in _RESOLVED_FIRST):
                    value = _plain(value, constructor)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unclean
                value = {} if kind is yaml.MappingStartEvent else []
            else:  # an alias
                raise _Unclean
            count += 1
            if count > MAX_NODES:
                raise _Unclean
            if not stack:
                root = value
            else:
                top = stack[-1]
                holder = top[0]
                if type(holder) is list:
                    holder.append(value)
                elif top[1] is _NOKEY:
                    if not isinstance(value, str | int | float | bool) or value in holder:
                        raise _Unclean  # a complex, empty or duplicate key
                    top[1] = value
                else:
                    holder[top[1]] = value
                    top[1] = _NOKEY
            if type(value) is dict or type(value) is list:
                stack.append([value, _NOKEY])
        if not isinstance(get(), yaml.StreamEndEvent):
            raise _Unclean  # more than one document
        return root
    finally:
        loader.dispose()


def _load_located(name: str, text: str) -> tuple[Any, yaml.Node]:
    """PyYAML's pure-Python loader, locating every problem by line, column and field."""
    try:
        loader = yaml.SafeLoader(text)  # its reader already rejects control characters
    except yaml.reader.ReaderError as exc:
        raise _reader_error(name, text, exc) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark, hint = exc.problem_mark or exc.context_mark, ""
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unclosed quote: point at where it was opened
            hint = " (a quote or bracket opened here is never closed)"
        raise _yaml_error(name, exc, mark, hint) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(name, text, exc) from None
    finally:
        loader.dispose()
    if root is None:
        raise TrackFileError(
            "the file is empty; expected a commentary mapping", file=name, line=1, column=1
        )
    positions: dict[FieldPath, Position] = {}
    seen: set[int] = set()

    def where(node: yaml.Node) -> Position:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(node: yaml.Node, path: FieldPath) -> Any:
        if id(node) in seen:
            line, col = positions.get(path) or where(node)  # the alias's key, not its anchor
            raise TrackFileError(
                "anchors and aliases (& and *) are not supported; write the value out",
                file=name,
                line=line,
                column=col,
                field=format_path(path),
            )
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise TrackFileError(
                f"the file has more than {MAX_NODES} YAML nodes",
                file=name,
                line=where(node)[0],
                column=where(node)[1],
            )
        positions.setdefault(path, where(node))
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = build(key_node, (*path, "<key>"))
                if not isinstance(key, str | int | float | bool) or key is None:
                    line, col = where(key_node)
                    raise TrackFileError(
                        "mapping keys must be plain words",
                        file=name,
                        line=line,
                        column=col,
                        field=format_path(path),
                    )
                if key in out:
                    line, col = where(key_node)
                    first = positions.get((*path, str(key)), (0, 0))[0]
                    raise TrackFileError(
                        f"duplicate key {key!r} (first given on line {first})",
                        file=name,
                        line=line,
                        column=col,
                        field=format_path((*path, str(key))),
                    )
                positions[(*path, str(key))] = where(key_node)
                out[key] = build(value_node, (*path, str(key)))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag in _NUMBER_TAGS and _SEXAGESIMAL.match(str(node.value)):
            return node.value  # a time such as 01:30, which YAML 1.1 would read in base 60
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, col = where(node)
            raise TrackFileError(
                f"cannot read this value: {getattr(exc, 'problem', exc)}",
                file=name,
                line=line,
                column=col,
                field=format_path(path),
            ) from None

    return build(root, ()), root


def read_text(path: Path) -> str:
    """A file's text, refusing what is too big, binary or not UTF-8 (located by line)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TrackFileError(
                f"file is {size:,} bytes; a commentary file is at most {MAX_FILE_BYTES:,}",
                file=str(path),
                line=1,
                column=1,
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TrackFileError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise TrackFileError("is a folder, expected a .yaml file", file=str(path)) from None
    except OSError as exc:
        raise TrackFileError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if b"\x00" in raw:
        raise TrackFileError(
            "binary data (NUL bytes); expected a YAML text file",
            file=str(path),
            line=_line_of(raw, raw.index(b"\x00")),
            column=1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackFileError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            file=str(path),
            line=_line_of(raw, exc.start),
            column=1,
        ) from None


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _reader_error(name: str, text: str, exc: yaml.reader.ReaderError) -> TrackFileError:
    """A character YAML does not allow (a control character): say which, and where."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return TrackFileError(
        f"control character U+{code:04X} is not allowed in a YAML text file; remove it",
        file=name,
        line=line,
        column=column,
    )


def _yaml_error(name: str, exc: yaml.MarkedYAMLError, mark: Any, hint: str = "") -> TrackFileError:
    problem = (exc.problem or str(exc)) + hint
    if "\\t" in problem or "'\\t'" in problem or "tab" in problem.lower():
        problem += " (use spaces, not tabs, to indent)"
    if exc.context and exc.context not in problem:
        problem = f"{exc.context}: {problem}"
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    return TrackFileError(f"invalid YAML: {problem}", file=name, line=line, column=col)
