"""What the store accepts: text and times that both SQLite and PostgreSQL keep exactly as given."""

from __future__ import annotations

from typing import NoReturn

from alliance_lens.errors import StoreInputError

MAX_ANSWER_CHARS = 20_000
MAX_NAME_CHARS = 80


# --- Input checks -----------------------------------------------------------------------------


def _check_str(field: str, value: object, limit: int, *, allow_empty: bool = True) -> None:
    """Refuse what cannot be stored exactly as given; never alter the value.

    >>> try:
    ...     _check_str("text", "x" * 20_001, MAX_ANSWER_CHARS)
    ... except StoreInputError as exc:
    ...     print(exc.message)
    text is 20,001 characters long; the limit is 20,000 characters
    """
    if not isinstance(value, str):
        _refuse(field, f"must be text, found {type(value).__name__}")
    elif len(value) > limit:
        _refuse(field, f"is {len(value):,} characters long; the limit is {limit:,} characters")
    elif not value and not allow_empty:
        _refuse(field, "must not be empty")
    # PostgreSQL text cannot hold NUL, and UTF-8 cannot encode a lone surrogate: refuse both
    # everywhere, so SQLite and PostgreSQL accept exactly the same input.
    elif "\x00" in value:
        _refuse(field, f"contains a NUL character at index {value.index(chr(0))}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        _refuse(field, f"has an unpaired surrogate at index {exc.start}: not valid Unicode")


def _check_ms(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        _refuse(field, f"must be a whole number of milliseconds >= 0, found {value!r}")


def _refuse(field: str, problem: str) -> NoReturn:
    raise StoreInputError(f"{field} {problem}", field=field)
