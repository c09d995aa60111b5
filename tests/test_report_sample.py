"""The report of the bundled sample, from its ground truth: every number is known."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import missing
from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.folder import InterviewFolder, write_json
from samples.script import transcript_from_truth

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "interview"


@pytest.fixture
def sample_folder(tmp_path) -> InterviewFolder:
    if not (SAMPLE / "truth.json").is_file():
        missing("samples/interview/truth.json is missing; run samples/make_sample.py")
    folder = InterviewFolder.create(tmp_path / "sample")
    shutil.copy(SAMPLE / "audio.flac", folder.path / "audio.flac")
    shutil.copy(SAMPLE / "plan.toml", folder.path / "plan.toml")
    write_json(folder.transcript_path, transcript_from_truth(SAMPLE / "truth.json").to_dict())
    folder.update_metadata(audio="audio.flac", source="imported")
    return folder


def test_sample_report_matches_the_truth(sample_folder):
    truth = json.loads((SAMPLE / "truth.json").read_text())
    r = CliRunner().invoke(app, ["report", str(sample_folder.path)])
    assert r.exit_code == 0, r.output
    rep = json.loads(sample_folder.report_path.read_text())
    assert rep["asked_order"] == truth["asked"]
    assert rep["skipped"] == truth["skipped"]
    assert [f["text"] for f in rep["followups"]] == truth["followups"]
    assert rep["talk"]["interviewee_share"] == pytest.approx(truth["interviewee_share"], abs=0.005)
    assert rep["talk"]["interviewer_s"] == pytest.approx(truth["speech_s"]["interviewer"], abs=0.5)
    # the asked time of each planned question is the start of its line in the script
    starts = {ln["question"]: ln["start"] for ln in truth["lines"] if ln.get("question") not in (None, "followup")}
    for q in rep["questions"]:
        if q["asked"]:
            assert q["asked_at_s"] == pytest.approx(starts[q["id"]], abs=1.0), q["id"]
    assert rep["interview"]["interviewee"] == "Priya Natarajan"
