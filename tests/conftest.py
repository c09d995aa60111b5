"""Shared fixtures and paths for the test suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLES = ROOT / "samples"


def missing(what: str) -> NoReturn:
    """A test's precondition is absent (data, a package, a browser): skip on a developer's
    clone, but fail under CI=true, where a skip would hide a check that never ran."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} (required under CI=true)", pytrace=False)
    pytest.skip(what)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data (real speech with ground truth); see missing() when it is absent."""
    if not SHARED_DATA.is_dir():
        missing("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture
def plan(tmp_path) -> Path:
    """A small interview plan (tests/rig.py PLAN) as plan.toml, for the recorder tests."""
    from rig import PLAN

    p = tmp_path / "plan.toml"
    p.write_text(PLAN)
    return p
