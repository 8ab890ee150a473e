"""Our own YAML commentary file (.yaml, .yml) as a format: carries everything, loses nothing.

Reading goes through ``trackfile.parse_commentary`` (the same checks as the library); writing
through ``trackfile.dumps``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import FormatError
from ..model import CommentaryFile
from ..trackfile import dumps, parse_commentary
from ._common import Imported, decode, encode
from ._registry import Format, Written


def read(raw: bytes | str, file: str, stem: str) -> Imported:
    text = decode(raw, file)
    try:
        result = parse_commentary(Path(file), text=text)
    except yaml.YAMLError as exc:
        # trackfile.load_yaml builds its loader outside its try, so PyYAML's check for
        # control characters escapes parse_commentary; located here instead
        offset = getattr(exc, "position", 0) or 0
        raise FormatError(
            f"not a YAML text file ({exc})",
            file=file,
            line=text.count("\n", 0, offset) + 1,
        ) from None
    if result.doc is None:
        errors = result.errors
        raise FormatError(
            f"{len(errors)} error(s) in {file}",
            file=file,
            line=errors[0].line,
            problems=errors,
        )
    doc = result.doc
    imported = Imported(list(doc.tracks), list(doc.chapters), None, result.warnings)
    imported.meta = doc.model_dump(mode="json", exclude={"tracks", "chapters", "version"})
    return imported


def write(doc: CommentaryFile, file: str) -> Written:
    return Written(encode(dumps(doc), file))


FORMAT = Format(
    (".yaml", ".yml"), "YAML", "application/yaml", one_track=False, read=read, write=write
)
