"""The bundled sample interview: small, consistent with its plan, truth and script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import soundfile as sf
from conftest import missing

from listenwell.intervals import shares, talk_time
from listenwell.plan import load_plan

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "interview"


def test_sample_files_and_audio():
    audio = SAMPLE / "audio.flac"
    assert audio.stat().st_size < 2_500_000  # 3.5 min of two voices: 2.2 MB
    info = sf.info(audio)
    assert info.samplerate == 16000 and info.channels == 1
    truth = json.loads((SAMPLE / "truth.json").read_text())
    assert abs(info.duration - truth["duration_s"]) < 0.01
    plan = load_plan(SAMPLE / "plan.toml")
    # the promise is shorter than the audio: the report has an over-time finding
    assert plan.minutes * 60 < info.duration < plan.minutes * 60 + 60


def test_truth_matches_plan_and_script():
    truth = json.loads((SAMPLE / "truth.json").read_text())
    plan = load_plan(SAMPLE / "plan.toml")
    ids = [q.id for q in plan.questions]
    assert len(ids) == 6 and len(truth["asked"]) == 5 and truth["skipped"] == ["team"]
    assert set(truth["asked"]) | set(truth["skipped"]) == set(ids)
    assert len(truth["followups"]) == 1
    asked_lines = {x["question"]: x["text"] for x in truth["lines"] if x["question"]}
    texts = {q.id: q.text for q in plan.questions}
    paraphrased = [i for i in truth["asked"] if asked_lines[i].lower() != texts[i].lower()]
    assert len(paraphrased) >= 2
    turns = truth["turns"]
    assert all(a["end"] <= b["start"] for a, b in zip(turns, turns[1:], strict=False))
    pauses = [b["start"] - a["end"] for a, b in zip(turns, turns[1:], strict=False)]
    assert min(pauses) >= 0.29 and max(pauses) <= 1.21
    by = {s: [(t["start"], t["end"]) for t in turns if t["speaker"] == s]
          for s in ("interviewer", "interviewee")}
    assert 0.70 <= shares(talk_time(by))["interviewee"] <= 0.80
    rttm = (SAMPLE / "truth.rttm").read_text().splitlines()
    assert len(rttm) == len(turns) and rttm[0].split()[7] == turns[0]["speaker"]


@pytest.mark.slow
def test_make_sample_rebuilds_the_same_truth(tmp_path):
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        missing("espeak-ng and sox build the sample")
    import subprocess
    import sys

    script = SAMPLE.parent / "make_sample.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    old = json.loads((SAMPLE / "truth.json").read_text())
    new = json.loads((tmp_path / "truth.json").read_text())
    assert new == old
    assert (tmp_path / "plan.toml").read_text() == (SAMPLE / "plan.toml").read_text()
