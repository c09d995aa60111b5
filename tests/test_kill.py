"""Killed at any moment (SIGKILL: no cleanup runs), `transcribe`, `report` and `compare`
leave every file valid (the old one or the new one, never half of one), the folder's lock
is released, and a rerun completes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import SAMPLES

from listenwell import manifest
from listenwell.records import Transcript
from listenwell.report_records import Report

EXE = [sys.executable, "-m", "listenwell"]
FRACTIONS = (0.15, 0.45, 0.75)  # of an undisturbed run's time


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _killed(args: list[str], cwd: Path, after_s: float) -> None:
    p = subprocess.Popen([*EXE, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after_s)
    if p.poll() is None:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()


def _timed(args: list[str], cwd: Path) -> float:
    t0 = time.monotonic()
    r = _run(args, cwd)
    assert r.returncode == 0, r.stderr
    return time.monotonic() - t0


def _valid_folder(folder: Path) -> None:
    if (folder / "transcript.json").exists():
        Transcript.load(folder / "transcript.json")
        for suffix in (".srt", ".vtt", ".txt"):  # written with it, as one set
            assert (folder / f"transcript{suffix}").is_file()
    if (folder / "report.json").exists():
        Report.load(folder / "report.json")
        assert (folder / "report.html").read_text().rstrip().endswith("</html>")
    # whatever is on disk, listenwell knows it as its own (forget would find it)
    inv = manifest.inventory(folder)
    assert not inv.others, inv.others


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("kill")
    audio, rate = sf.read(SAMPLES / "interview" / "audio.flac", dtype="float32")
    sf.write(work / "short.flac", audio[: 70 * rate], rate)  # 70 s: several seconds of work
    r = _run(["import", "short.flac", "--plan", str(SAMPLES / "interview" / "plan.toml"), "--to", "iv"], work)
    assert r.returncode == 0, r.stderr
    return work


@pytest.mark.slow
def test_transcribe_killed_at_any_moment_leaves_a_valid_folder(work):
    clean = _timed(["transcribe", "iv", "--force"], work)
    for f in FRACTIONS:
        _killed(["transcribe", "iv", "--force"], work, clean * f)
        _valid_folder(work / "iv")
        r = _run(["transcribe", "iv"], work)  # no lock left behind; the work is redone or skipped
        assert r.returncode == 0, r.stderr
        _valid_folder(work / "iv")


@pytest.mark.slow
def test_report_and_compare_killed_at_any_moment_leave_valid_files(work):
    if not (work / "iv" / "transcript.json").exists():
        assert _run(["transcribe", "iv"], work).returncode == 0
    clean = _timed(["report", "iv"], work)
    for f in np.linspace(0.2, 0.95, 4):
        _killed(["report", "iv"], work, clean * f)
        _valid_folder(work / "iv")
        assert _run(["report", "iv"], work).returncode == 0
    clean = _timed(["compare", "iv", "--out", "out"], work)
    for f in FRACTIONS:
        _killed(["compare", "iv", "--out", "out"], work, clean * f)
        html = work / "out" / "compare.html"
        if html.exists():  # the old page or the new one, whole
            assert html.read_text().rstrip().endswith("</html>")
        r = _run(["compare", "iv", "--out", "out"], work)
        assert r.returncode == 0, r.stderr
    json.loads(_run(["list", ".", "--json"], work).stdout)


@pytest.mark.slow
def test_transcribe_interrupted_stops_at_once_with_one_line(work):
    """Ctrl-C while words and speakers are being found (two threads): the command stops
    within a few seconds (attribution stops at its next progress report), says so in one
    line, exit 130, no traceback; the folder stays valid and a rerun completes."""
    clean = _timed(["transcribe", "iv", "--force"], work)
    for f in (0.3, 0.7):
        p = subprocess.Popen([*EXE, "transcribe", "iv", "--force"], cwd=work, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(clean * f)
        p.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        out, err = p.communicate(timeout=60)
        assert time.monotonic() - t0 < 5.0, f"took {time.monotonic() - t0:.1f} s to stop"
        assert p.returncode == 130 and "Traceback" not in err and "interrupted" in err, err
        _valid_folder(work / "iv")
    assert _run(["transcribe", "iv"], work).returncode == 0
    _valid_folder(work / "iv")
