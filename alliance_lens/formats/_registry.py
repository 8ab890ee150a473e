"""The one interface every format implements, and the registry that finds them by extension.

A format is one module in this package (its name not starting with ``_``) that defines
``FORMAT = Format(...)``: its extensions, a label, a media type, whether a file holds one track
or the whole commentary file, and two functions:

- ``read(raw, file, stem) -> Imported``: the bytes (or text) of a file, its name for messages
  and its stem (to name a track); returns the tracks, chapters, file metadata it carried and
  warnings. Every failure is a ``FormatError`` naming the file (and line/column/field).
- ``write(doc, file) -> Written``: the bytes, the names of what the format could not carry
  (with counts, e.g. ``"prompts (2)"``) and other warnings. A one-track format is given a
  copy of the document holding only the chosen track.

``discover()`` imports every such module once; adding a format touches only its own file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from ..errors import Problem
from ..model import CommentaryFile
from ._common import Imported


@dataclass(frozen=True)
class Written:
    data: bytes
    lost: list[str] = field(default_factory=list)  # what the format cannot carry, with counts
    warnings: list[Problem] = field(default_factory=list)  # other changes (normalised text...)


Reader = Callable[[bytes | str, str, str], Imported]
Writer = Callable[[CommentaryFile, str], Written]


@dataclass(frozen=True)
class Format:
    extensions: tuple[str, ...]  # lower case with the dot, e.g. ('.yaml', '.yml')
    label: str  # for people: 'WebVTT'
    media_type: str
    one_track: bool  # a file holds one track (the exporter is given only the chosen one)
    read: Reader
    write: Writer


def discover(package: ModuleType) -> dict[str, Format]:
    """Every format module of ``package`` by extension; a module without ``FORMAT``, or two
    formats claiming one extension, is a programming error and fails at import."""
    found: dict[str, Format] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if not isinstance(fmt, Format):
            raise TypeError(f"{module.__name__} defines no FORMAT = Format(...)")
        for ext in fmt.extensions:
            if ext in found or ext != ext.lower() or not ext.startswith("."):
                raise ValueError(f"{module.__name__}: extension {ext!r} is taken or malformed")
            found[ext] = fmt
    return dict(sorted(found.items()))
