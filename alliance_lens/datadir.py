"""Where learner data lives: the data folder and the database URL.

Order of precedence for the database (first one set wins):

1. env ``ALLIANCE_LENS_DB_URL`` -- any SQLAlchemy URL;
2. ``secrets["connections"]["alliance_lens"]`` in Streamlit's ``st.connection`` SQL convention
   (``url = "..."``, or ``dialect``/``driver``/``host``/``port``/``database``/``username``/
   ``password``/``query``);
3. a SQLite file ``alliance_lens.sqlite3`` in :func:`data_dir`.

This module is pure Python: the caller passes ``st.secrets`` (or any mapping) in.

>>> resolve_db_url({"ALLIANCE_LENS_DATA": "/srv/al"})
'sqlite:////srv/al/alliance_lens.sqlite3'
>>> resolve_db_url({}, {"connections": {"alliance_lens": {
...     "dialect": "postgresql", "host": "db", "port": 5432, "database": "al",
...     "username": "al", "password": "p@ss"}}})
'postgresql+psycopg://al:p%40ss@db:5432/al'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from alliance_lens.errors import StoreError

ENV_DATA = "ALLIANCE_LENS_DATA"
ENV_DB_URL = "ALLIANCE_LENS_DB_URL"
APP_NAME = "alliance-lens"
CONNECTION_NAME = "alliance_lens"
SQLITE_FILE = "alliance_lens.sqlite3"

# The repository this module was loaded from, if it runs from a checkout (not an installed wheel).
_REPO_ROOT = Path(__file__).resolve().parents[1]


class DataLocationError(StoreError):
    """The configured data folder or database URL cannot be used."""


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The folder for learner data: ``$ALLIANCE_LENS_DATA``, else the user's data dir.

    Refuses a folder inside the source checkout: reflections are confidential and must never
    end up in a commit.

    >>> data_dir({"ALLIANCE_LENS_DATA": "/srv/al"})
    PosixPath('/srv/al')
    >>> data_dir({}).name
    'alliance-lens'
    """
    raw = env.get(ENV_DATA, "")
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir(APP_NAME))
    path = path.resolve()
    if (_REPO_ROOT / ".git").exists() and path.is_relative_to(_REPO_ROOT):
        raise DataLocationError(
            f"{ENV_DATA}={raw!r} points inside the source checkout {_REPO_ROOT}; "
            "learner data must live outside the repository"
        )
    return path


def resolve_db_url(
    env: Mapping[str, str] = os.environ, secrets: Mapping[str, Any] | None = None
) -> str:
    """The SQLAlchemy URL to open, as a string (password included: do not log it)."""
    raw = env.get(ENV_DB_URL, "")
    if raw:
        url = _parse(raw, ENV_DB_URL)
    else:
        section = ((secrets or {}).get("connections") or {}).get(CONNECTION_NAME)
        if section:
            url = _from_secrets(section)
        else:
            return URL.create(
                "sqlite", database=str(data_dir(env) / SQLITE_FILE)
            ).render_as_string()
    return _with_driver(url).render_as_string(hide_password=False)


def without_password(text: str, url: str | URL) -> str:
    """``text`` (an error message, say) with the password in ``url`` blanked out.

    >>> without_password("login failed for u:s3cret", "postgresql://u:s3cret@h/d")
    'login failed for u:***'
    """
    try:
        password = make_url(url).password if url else None
    except ArgumentError:  # an unparsable URL has no password to find
        password = None
    return text.replace(str(password), "***") if password else text


def _parse(raw: str, source: str) -> URL:
    try:
        return make_url(raw)
    except ArgumentError as exc:
        # Do not echo the value: it may hold a password.
        raise DataLocationError(f"{source} is not a valid SQLAlchemy URL ({exc})") from None


def _from_secrets(section: Mapping[str, Any]) -> URL:
    where = f"secrets [connections.{CONNECTION_NAME}]"
    if "url" in section:
        return _parse(str(section["url"]), f"{where} url")
    if "dialect" not in section:
        raise DataLocationError(f"{where} needs either 'url' or 'dialect' (plus host, ...)")
    driver = section.get("driver")
    return URL.create(
        drivername=section["dialect"] + (f"+{driver}" if driver else ""),
        username=section.get("username"),
        password=section.get("password"),
        host=section.get("host"),
        port=int(section["port"]) if section.get("port") else None,
        database=section.get("database"),
        query=dict(section.get("query") or {}),
    )


def _with_driver(url: URL) -> URL:
    """Plain ``postgresql://`` would mean psycopg2, which we do not ship: use psycopg v3.

    >>> _with_driver(make_url("postgres://u@h/d")).drivername
    'postgresql+psycopg'
    """
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url
