"""Commentary files on disk: YAML in (with line numbers), YAML out (atomically), JSON Schema.

Loading never raises on a bad file: it returns every problem found, each located by line,
column and field path, so the app can show them and the CLI can print them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import threading
import types
import typing
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import AllianceLensError, Problem, TrackFileError
from .file_rules import semantic_problems
from .filehistory import history as history  # re-exported for callers of trackfile
from .filehistory import history_dir as history_dir
from .filehistory import saved_at as saved_at
from .model import FILE_CONTEXT, CommentaryFile, to_data
from .yamlpos import (
    MAX_FILE_BYTES,
    MAX_NODES,
    FieldPath,
    Position,
    Positions,
    dump_for_positions,
    format_path,
)
from .yamlpos import load_yaml as load_yaml
from .yamlpos import read_text as _read_text

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "format_path", "load_yaml"]

CACHE_ENTRIES = 16  # parsed files kept by content digest (each holds its model and text)


@dataclass(frozen=True)
class LoadResult:
    """What loading a commentary file gives: the model (if no errors) and every problem."""

    path: Path
    doc: CommentaryFile | None
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""  # content hash at load time, to detect edits by someone else
    positions: Positions | None = field(default=None, compare=False, repr=False)
    video: str | None = field(default=None, compare=False)  # ``video:`` as written, if text

    def position(self, *path: str | int) -> Position | None:
        """Line and column of a field, e.g. ``position("video")``; None if not in the file."""
        return self.positions.get(path) if self.positions is not None else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return self.doc is not None and not self.errors


# ---------------------------------------------------------------- commentary files


def parse_commentary(
    source: Path | str,
    *,
    text: str | None = None,
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> LoadResult:
    """Load and check one commentary file. Never raises for a bad file.

    The same bytes under the same name, vocabulary and duration give the result of the
    first load from a small cache keyed by content digest (models are immutable, so
    sharing them is safe); each call gets its own list of problems.
    """
    path = Path(source)
    name = str(source)
    try:
        if text is None:
            text = _read_text(path)
    except AllianceLensError as exc:
        return LoadResult(path, None, [p.in_file(p.file or name) for p in exc.problems])
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = (sha, name, _fingerprint(vocabulary), duration_ms)
    with _CACHE_LOCK:
        cached = _RESULTS.get(key)
        if cached is not None:
            _RESULTS.move_to_end(key)
    if cached is None:
        cached = _check(path, name, text, sha, vocabulary, duration_ms)
        with _CACHE_LOCK:
            _RESULTS[key] = cached
            while len(_RESULTS) > CACHE_ENTRIES:
                _RESULTS.popitem(last=False)
    return dataclasses.replace(cached, problems=list(cached.problems))


_CACHE_LOCK = threading.Lock()
_RESULTS: OrderedDict[tuple[str, str, str, int | None], LoadResult] = OrderedDict()
_PARSED: OrderedDict[tuple[str, str], LoadResult] = OrderedDict()


def clear_cache() -> None:
    """Forget every parsed file (e.g. to measure a cold load)."""
    with _CACHE_LOCK:
        _RESULTS.clear()
        _PARSED.clear()


def _fingerprint(vocabulary: Any | None) -> str:
    # a vocabulary is small plain data: its repr says everything the checks read
    return "" if vocabulary is None else hashlib.sha256(repr(vocabulary).encode()).hexdigest()


def _check(
    path: Path, name: str, text: str, sha: str, vocabulary: Any | None, duration_ms: int | None
) -> LoadResult:
    """The file's model and shape problems (cached by content), then the whole-file rules."""
    with _CACHE_LOCK:
        parsed = _PARSED.get((sha, name))
    if parsed is None:
        parsed = _parse(path, name, text)
        with _CACHE_LOCK:
            _PARSED[(sha, name)] = parsed
            while len(_PARSED) > CACHE_ENTRIES:
                _PARSED.popitem(last=False)
    return _semantic(parsed, name, vocabulary, duration_ms)


def _semantic(
    parsed: LoadResult, name: str, vocabulary: Any | None, duration_ms: int | None
) -> LoadResult:
    doc, positions = parsed.doc, parsed.positions
    if doc is None or positions is None:
        return parsed
    problems = [
        _located(severity, p_path, message, name, positions)
        for severity, p_path, message in semantic_problems(doc, vocabulary, duration_ms)
    ]
    positions.release()  # located what needed locating; composed again only if asked
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    has_errors = any(p.is_error for p in problems)
    return dataclasses.replace(parsed, doc=None if has_errors else doc, problems=problems)


def check_data(
    data: Any,
    *,
    name: str = "draft.yaml",
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> LoadResult:
    """Check plain data (e.g. an editor's draft) as the file it would become, without YAML.

    The same checks as ``parse_commentary``; a problem's line points into the YAML that
    libyaml writes for the data, which is written only if there is a problem to locate.
    The result keeps no positions: the caller may go on editing ``data``.
    """
    positions = Positions(functools.partial(dump_for_positions, data))
    if not isinstance(data, dict):
        return _parse(Path(name), name, dump_for_positions(data))
    try:
        doc = CommentaryFile.model_validate(data, context=FILE_CONTEXT)
    except ValidationError as exc:
        return LoadResult(Path(name), None, _validation_problems(exc, name, positions))
    parsed = LoadResult(Path(name), doc, [], "", positions)
    return dataclasses.replace(_semantic(parsed, name, vocabulary, duration_ms), positions=None)


def _parse(path: Path, name: str, text: str) -> LoadResult:
    digest = content_digest(text)
    try:
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
            positions,
        )
    video = data.get("video") if isinstance(data.get("video"), str) else None
    try:
        doc = CommentaryFile.model_validate(data, context=FILE_CONTEXT)
    except ValidationError as exc:
        problems = _validation_problems(exc, name, positions)
        positions.release()
        return LoadResult(path, None, problems, digest, positions, video)
    return LoadResult(path, doc, [], digest, positions, video)


def _located(
    severity: str, path: FieldPath, message: str, name: str, positions: Positions
) -> Problem:
    line, col = _position(path, positions)
    return Problem(severity, message, name, line, col, format_path(path))  # type: ignore[arg-type]


def _position(path: FieldPath, positions: Positions) -> Position:
    for cut in range(len(path), -1, -1):
        found = positions.get(path[:cut])
        if found is not None:
            return found
    return 1, 1


def _validation_problems(exc: ValidationError, name: str, positions: Positions) -> list[Problem]:
    problems = []
    errors = exc.errors(include_url=False)
    locs = [_user_loc(e) for e in errors]
    for err, loc in zip(errors, locs, strict=True):
        # pydantic also calls a list "too short" when its only items failed: say the cause only
        if err["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs):
            continue
        problems.append(_located("error", loc, _message(err, loc), name, positions))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _user_loc(err: Any) -> FieldPath:
    """The error's path in the file's terms: pydantic's own steps left out. The last step of
    an unknown field is the file's key, whatever it looks like (``a[0]``, ``int``)."""
    loc = err["loc"]
    keep_last = err["type"] == "extra_forbidden" and bool(loc)
    head = loc[:-1] if keep_last else loc
    path = tuple(p for p in head if isinstance(p, int) or not _internal(p))
    return (*path, loc[-1]) if keep_last else path


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


# ---------------------------------------------------------------- JSON Schema


def json_schema() -> dict[str, Any]:
    schema = CommentaryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://alliance-lens.invalid/schema/commentary-v1.json"
    schema["title"] = "Alliance Lens commentary file (version 1)"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
