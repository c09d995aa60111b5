"""`listenwell import`: a private interview folder with a copy of the audio and the plan."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import soundfile as sf
from typer.testing import CliRunner

from listenwell.cli import app

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "interview"
runner = CliRunner()


def test_import_copies_audio_and_markdown_plan(tmp_path):
    audio = tmp_path / "Call Recording.M4A.wav"
    sf.write(audio, (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32), 16000)
    plan = tmp_path / "questions.md"
    plan.write_text("interviewee: Ana\n\n- What does a typical day look like?\n- How did you start?\n")
    to = tmp_path / "interviews" / "ana"
    r = runner.invoke(app, ["import", str(audio), "--plan", str(plan), "--to", str(to)])
    assert r.exit_code == 0, r.output
    assert audio.is_file() and (to / "audio.wav").read_bytes() == audio.read_bytes()
    assert (to / "plan.md").read_text() == plan.read_text()
    meta = json.loads((to / "interview.json").read_text())
    assert meta["source"] == "imported" and meta["audio"] == "audio.wav"
    assert meta["duration_s"] == 1.0 and meta["sample_rate"] == 16000
    assert stat.S_IMODE(to.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in to.iterdir()} == {0o600}
    assert not list(to.glob(".*.tmp"))  # no temporary files left


def test_import_refuses_bad_input_and_creates_nothing(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("not audio\n")
    r = runner.invoke(app, ["import", str(text), "--to", str(tmp_path / "a")])
    assert r.exit_code == 2 and "not an audio file" in r.output and not (tmp_path / "a").exists()

    bad_plan = tmp_path / "plan.toml"
    bad_plan.write_text("[interview]\nminutes = \n")
    r = runner.invoke(app, ["import", str(SAMPLE / "audio.flac"), "--plan", str(bad_plan),
                            "--to", str(tmp_path / "b")])
    assert r.exit_code == 2 and "plan.toml:2" in r.output and not (tmp_path / "b").exists()

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["import", str(SAMPLE / "audio.flac"), "--to", str(busy)])
    assert r.exit_code == 2 and "not empty" in r.output
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]

    r = runner.invoke(app, ["import", str(tmp_path / "missing.mp3"), "--to", str(tmp_path / "c")])
    assert r.exit_code == 2 and "no such file" in r.output
    assert "Traceback" not in r.output
