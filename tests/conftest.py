"""Shared fixtures and paths for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLES = ROOT / "samples"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data (real speech with ground truth); tests that need it skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture
def plan(tmp_path) -> Path:
    """A small interview plan (tests/rig.py PLAN) as plan.toml, for the recorder tests."""
    from rig import PLAN

    p = tmp_path / "plan.toml"
    p.write_text(PLAN)
    return p
