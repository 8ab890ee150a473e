"""One error hierarchy. Every problem names the file, the place and the field.

A *problem* is one finding in one file (error or warning). An *error* is raised when
something cannot go on; it carries every problem found, so a user sees all of them at once.

>>> p = Problem("error", "bad time", "a.yaml", line=3, column=5, field="tracks[0].cues[1].start")
>>> str(p)
'a.yaml:3:5: error: tracks[0].cues[1].start: bad time'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {field}{self.message}"

    def in_file(self, file: str) -> Problem:
        return replace(self, file=file)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class AllianceLensError(Exception):
    """Base of every error the app or the CLI shows to a person."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        column: int | None = None,
        field: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.problems = problems or [Problem("error", message, file, line, column, field)]
        super().__init__(str(self.problems[0]) if len(self.problems) == 1 else message)


class TrackFileError(AllianceLensError):
    """A commentary track (or an import) that cannot be loaded; carries every problem."""


class FormatError(TrackFileError):
    """An import/export format (WebVTT, SRT, ELAN, CSV) that cannot be read or written."""


class LibraryError(AllianceLensError):
    """A library folder or a video reference that is unusable or unsafe."""


class VideoError(AllianceLensError):
    """A video that cannot be opened, probed or converted."""


class StoreError(AllianceLensError):
    """Storage of learners' reflections failed."""


class DatabaseError(StoreError):
    """The database could not be reached or refused a query: the driver's reason, in words."""


class StoreInputError(StoreError):
    """Input refused by the store (too long, empty...) with a message for the user."""


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
