"""Fixtures shared by the unit tests of the author's core."""

from __future__ import annotations

import pytest

from alliance_lens import authoring as au
from alliance_lens.trackfile import parse_commentary
from tests.e2e.apps.watch_library import TRACK


@pytest.fixture
def draft() -> au.Draft:
    """The test library's commentary file as a draft."""
    doc = parse_commentary("clip.yaml", text=TRACK).doc
    assert doc is not None
    return au.draft_from_doc(doc)
