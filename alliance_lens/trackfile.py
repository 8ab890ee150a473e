"""Commentary files on disk: YAML in (with line numbers), YAML out (atomically), JSON Schema.

Loading never raises on a bad file: it returns every problem found, each located by line,
column and field path, so the app can show them and the CLI can print them.
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .atomic import atomic_write
from .errors import AllianceLensError, Problem, TrackFileError
from .filehistory import HISTORY_KEEP, keep_version
from .filehistory import history as history  # re-exported for callers of trackfile
from .filehistory import history_dir as history_dir
from .filehistory import saved_at as saved_at
from .model import FILE_CONTEXT, CommentaryFile, semantic_problems, to_data
from .yamledit import updated_text

MAX_FILE_BYTES = 5 * 1024 * 1024  # a commentary file is text; more than this is not one
MAX_NODES = 200_000

Position = tuple[int, int]  # 1-based line and column
FieldPath = tuple[str | int, ...]

# YAML 1.1 reads 01:30 as the integer 90 (base 60). Times must stay strings.
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


@dataclass(frozen=True)
class LoadResult:
    """What loading a commentary file gives: the model (if no errors) and every problem."""

    path: Path
    doc: CommentaryFile | None
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""  # content hash at load time, to detect edits by someone else

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return self.doc is not None and not self.errors


def format_path(path: FieldPath) -> str:
    """``('tracks', 0, 'cues', 2, 'start')`` -> ``tracks[0].cues[2].start``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------- YAML with positions


def load_yaml(
    source: Path | str, *, text: str | None = None
) -> tuple[Any, dict[FieldPath, Position]]:
    """Parse YAML safely, keeping each node's position; duplicate keys and aliases are errors.

    Raises TrackFileError (with line and column) for anything that is not clean YAML.
    """
    name = str(source)
    if text is None:
        text = _read_text(Path(source))
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

    return build(root, ()), positions


def _read_text(path: Path) -> str:
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


# ---------------------------------------------------------------- commentary files


def parse_commentary(
    source: Path | str,
    *,
    text: str | None = None,
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> LoadResult:
    """Load and check one commentary file. Never raises for a bad file."""
    path = Path(source)
    name = str(source)
    try:
        if text is None:
            text = _read_text(path)
        digest = content_digest(text)
        data, positions = load_yaml(name, text=text)
    except AllianceLensError as exc:
        return LoadResult(path, None, [p.in_file(p.file or name) for p in exc.problems])
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        return LoadResult(
            path,
            None,
            [
                Problem(
                    "error",
                    f"expected a mapping of fields (video:, title:, tracks:), found {found}",
                    name,
                    1,
                    1,
                )
            ],
            digest,
        )
    try:
        doc = CommentaryFile.model_validate(data, context=FILE_CONTEXT)
    except ValidationError as exc:
        return LoadResult(path, None, _validation_problems(exc, name, positions), digest)
    problems = [
        _located(severity, p_path, message, name, positions)
        for severity, p_path, message in semantic_problems(doc, vocabulary, duration_ms)
    ]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    has_errors = any(p.is_error for p in problems)
    return LoadResult(path, None if has_errors else doc, problems, digest)


def _located(
    severity: str, path: FieldPath, message: str, name: str, positions: dict[FieldPath, Position]
) -> Problem:
    line, col = _position(path, positions)
    return Problem(severity, message, name, line, col, format_path(path))  # type: ignore[arg-type]


def _position(path: FieldPath, positions: dict[FieldPath, Position]) -> Position:
    for cut in range(len(path), -1, -1):
        if path[:cut] in positions:
            return positions[path[:cut]]
    return 1, 1


def _validation_problems(
    exc: ValidationError, name: str, positions: dict[FieldPath, Position]
) -> list[Problem]:
    problems = []
    errors = exc.errors(include_url=False)
    locs = [tuple(p for p in e["loc"] if isinstance(p, int) or not _internal(p)) for e in errors]
    for err, loc in zip(errors, locs, strict=True):
        # pydantic also calls a list "too short" when its only items failed: say the cause only
        if err["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs):
            continue
        problems.append(_located("error", loc, _message(err, loc), name, positions))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _internal(part: str) -> bool:
    # pydantic adds steps such as 'function-before[...]' or 'literal[...]' to a location
    return "[" in part or part in {"int", "str", "float", "bool", "tuple", "list"}


def _message(err: Any, loc: FieldPath) -> str:
    kind = err["type"]
    found = _short(err.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown field {loc[-1]!r}{hint}"
    msg = err["msg"]
    if kind == "value_error":  # our own messages already say what was found
        return msg.removeprefix("Value error, ")
    msg = msg.replace("Input should be", "expected").replace("String should", "text should")
    if kind == "string_too_long":
        return f"text is {len(err.get('input', ''))} characters; {msg}"
    return f"{msg}; found {found}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(loc: FieldPath) -> list[str]:
    """The field names allowed at ``loc``, by walking the model's annotations."""
    model: Any = CommentaryFile
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part)
        if info is None:
            return []
        model = _inner_model(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        if isinstance(arg, types.UnionType) or typing.get_origin(arg) is not None:
            inner = _inner_model(arg) if arg is not annotation else None
            if inner is not None:
                return inner
    return None


def load_commentary(path: Path | str, **kwargs: Any) -> CommentaryFile:
    """Load a file that must be valid: raises TrackFileError listing every error."""
    result = parse_commentary(path, **kwargs)
    if result.doc is None:
        errors = result.errors
        raise TrackFileError(f"{len(errors)} error(s) in {path}", file=str(path), problems=errors)
    return result.doc


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    pass


# YAML reads these as line breaks inside block or plain scalars: keep them in quotes
_BREAKS_ONLY_QUOTED = ("\x85", "\u2028", "\u2029", "\r")


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in _BREAKS_ONLY_QUOTED):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dumps(doc: CommentaryFile) -> str:
    """The commentary file as YAML text, in the field order of the format documentation."""
    header = "# Alliance Lens commentary file: see docs/commentary-format.md\n"
    return header + yaml.dump(
        to_data(doc),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )


def content_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class TrackConflictError(TrackFileError):
    """The file changed on disk since it was opened; saving would overwrite someone's work."""


def save_text(doc: CommentaryFile, current: str | None) -> str:
    """The text a save of ``doc`` writes over ``current`` (None: a new file).

    The current text is edited in place (``yamledit``): comments, order, quoting, wrapping
    and the file's time format stay, and the diff is only what changed. A file that cannot
    be edited in place (not valid now, or an edit the splicer refuses) is written whole.
    """
    if current is None:
        return dumps(doc)
    before = parse_commentary("current.yaml", text=current).doc
    if before is None:
        return dumps(doc)
    new = to_data(doc)
    text = updated_text(current, to_data(before), new)
    if text is None:
        return dumps(doc)
    after = parse_commentary("saved.yaml", text=text).doc
    if after is None or to_data(after) != new:  # the edit must mean exactly the new doc
        return dumps(doc)
    return text


def read_current(path: Path) -> str | None:
    """The file's text as a save would replace it, or None when there is no file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # keep \r\n: digests match
            return fh.read()
    except FileNotFoundError:
        return None


def save_commentary(
    path: Path | str,
    doc: CommentaryFile,
    *,
    expected_digest: str | None = None,
    keep: int = HISTORY_KEEP,
) -> str:
    """Write ``doc`` atomically; keep the previous version in history. Returns the new digest.

    ``expected_digest`` is the digest the editor loaded; if the file on disk differs, nothing
    is written and TrackConflictError is raised. The file keeps its mode; the old version
    goes to the data folder's history (``filehistory``).
    """
    path = Path(path)
    current = read_current(path)
    if current is not None:
        if expected_digest is not None and content_digest(current) != expected_digest:
            raise TrackConflictError(
                "the file changed on disk since it was opened (another editor?); "
                "reload it or save as a copy",
                file=str(path),
            )
    elif expected_digest is not None:
        raise TrackConflictError(
            "the file was deleted since it was opened; save as a copy", file=str(path)
        )
    text = save_text(doc, current)
    if current is not None and current != text:
        keep_version(path, current, keep)
    atomic_write(path, text)
    return content_digest(text)


def restore(path: Path | str, version: Path, *, expected_digest: str | None = None) -> str:
    """Make an earlier version current again (the current one goes into history)."""
    doc = load_commentary(version)
    return save_commentary(path, doc, expected_digest=expected_digest)


# ---------------------------------------------------------------- JSON Schema


def json_schema() -> dict[str, Any]:
    schema = CommentaryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://alliance-lens.invalid/schema/commentary-v1.json"
    schema["title"] = "Alliance Lens commentary file (version 1)"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
