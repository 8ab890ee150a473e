"""Every test keeps its data to itself: no test reads or writes the user's real data folder,
database or library, whatever the environment of the person running the suite says."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def isolated_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in ("ALLIANCE_LENS_DB_URL", "ALLIANCE_LENS_LIBRARY"):
        os.environ.pop(name, None)
    # servers started by e2e tests inherit this too
    os.environ["ALLIANCE_LENS_DATA"] = str(tmp_path_factory.mktemp("alliance-lens-data"))
