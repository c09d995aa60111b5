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


def mount_tmpfs(path: Path, size: str) -> Path:
    """A size-limited tmpfs at `path` (made here), for full and read-only disks; the test
    skips where that needs what it lacks (root, mount(8), a container that allows it)."""
    import shutil
    import subprocess

    path.mkdir(exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a size-limited tmpfs needs root and mount(8)")
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=700", "tmpfs", str(path)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    return path


def unmount(path: Path) -> None:
    import subprocess

    subprocess.run(["umount", "-l", str(path)], capture_output=True)


class ReadOnlyMount:
    """A small tmpfs to fill, then make read-only: `path`, `seal()`. Root ignores file
    permissions, so a read-only mount is the only honest read-only folder for root."""

    def __init__(self, path: Path):
        self.path = path

    def seal(self) -> None:
        import subprocess

        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)


@pytest.fixture
def read_only_mount(tmp_path):
    mnt = mount_tmpfs(tmp_path / "ro", "64m")
    try:
        yield ReadOnlyMount(mnt)
    finally:
        unmount(mnt)
