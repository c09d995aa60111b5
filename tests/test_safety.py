"""Nothing lost: consent names who agreed, long work checks the disk first, one command at
a time per folder, a closed pipe is not an error, untrusted text stays inert."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SAMPLES, mount_tmpfs, unmount
from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.lock import folder_lock
from listenwell.safe_text import csv_cell, printable

runner = CliRunner()
PLAN = SAMPLES / "interview" / "plan.toml"
AUDIO = SAMPLES / "interview" / "audio.flac"


@pytest.mark.parametrize("args", [
    ["--consent", "verbal"],  # who agreed is not the plan's interviewee by default
    ["--consent", "verbal", "--consent-by", ""],
    ["--consent", "written", "--consent-by", "   "],
    ["--consent-by", "Ada"],
    ["--consent", "nodded", "--consent-by", "Ada"],
])
def test_consent_options_must_say_who_and_how(tmp_path, args):
    r = runner.invoke(app, ["record", str(PLAN), "--to", str(tmp_path / "iv"), *args])
    assert r.exit_code == 2, r.output
    assert "nothing was recorded" in r.output and not (tmp_path / "iv").exists()


def _imported(path):
    r = runner.invoke(app, ["import", str(AUDIO), "--to", str(path)])
    assert r.exit_code == 0, r.output
    return path


def test_transcribe_on_a_read_only_folder_fails_before_any_work(read_only_mount):
    folder = _imported(read_only_mount.path / "iv")
    read_only_mount.seal()
    r = runner.invoke(app, ["transcribe", str(folder)])
    assert r.exit_code == 2, r.output
    assert "cannot write" in r.output and "Read-only file system" in r.output
    assert "Traceback" not in r.output and not (folder / "transcript.json").exists()


def test_transcribe_without_room_on_the_disk_fails_before_any_work(tmp_path):
    mnt = mount_tmpfs(tmp_path / "small", "3m")
    try:
        folder = _imported(mnt / "iv")  # 1.8 MB of audio: about 1 MB left
        r = runner.invoke(app, ["transcribe", str(folder)])
    finally:
        unmount(mnt)
    assert r.exit_code == 2, r.output
    assert "MB free on its disk" in r.output and "needed" in r.output


def test_a_second_command_on_a_busy_folder_says_who_holds_it(tmp_path):
    folder = _imported(tmp_path / "iv")
    with folder_lock(folder, "transcribe"):
        r = runner.invoke(app, ["transcribe", str(folder)])
    assert r.exit_code == 2, r.output
    assert "in use by `listenwell transcribe`" in r.output
    assert not (folder / "transcript.json").exists()


def test_a_closed_pipe_ends_quietly(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "listenwell", "plan", "check", str(PLAN)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader went away, as `| head` does
    err = p.stderr.read().decode()
    assert p.wait() == 141 and "Traceback" not in err and "BrokenPipe" not in err


def test_untrusted_text_is_made_inert():
    assert printable("Morgan\x1b[31m Lee\x1b]0;owned\x07!\x07\r\n") == "Morgan Lee!  "
    assert printable("a\x9b2Jb\x00c") == "abc"
    assert csv_cell("=1+2") == "'=1+2" and csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("+1") == "'+1" and csv_cell("What next?") == "What next?" and csv_cell(3.5) == 3.5


def test_finishing_early_twice_is_not_slipping():
    from listenwell.analysis.compare_trend import trend

    points = [{"key": f"i{n}", "label": x, "date": f"2026-0{n + 1}-01", "interviewee_share": 0.75,
               "target_share": 0.7, "over_min": over, "planned_min": 20, "actual_min": 20 + over,
               "priority_first": True} for n, (x, over) in enumerate([("Ana", -5.0), ("Ben", -1.0)])]
    t = trend(points)
    assert t["time"] == "steady" and "slipping" not in t["sentence"], t["sentence"]


def test_a_silent_recording_says_there_is_no_speech(tmp_path):
    from listenwell.folder import InterviewFolder, write_json

    folder = InterviewFolder.create(tmp_path / "silent")
    write_json(folder.transcript_path, {
        "schema": 1, "audio": {"file": "audio.flac", "sha256": "", "duration_s": 60.0, "sample_rate": 16000,
                               "channels": 1},
        "model": "tiny.en", "segments": [], "turns": [], "speakers": {"method": "diarization", "count": 0}})
    r = runner.invoke(app, ["report", str(folder.path)])
    assert r.exit_code == 2 and "no speech was found" in r.output and "speaker attribution" not in r.output


@pytest.mark.parametrize("meta, field", [
    ('{"audio": "../../etc/passwd"}', "audio"),
    ('{"audio": "audio.flac", "duration_s": -3}', "duration_s"),
    ('{"audio": "audio.flac", "channels": "interviewer"}', "channels"),
    ('{"audio": "audio.flac", "source": "stolen"}', "source"),
    ("[1, 2]", "not an object"),
    ('{"audio": ', "not readable JSON"),
])
def test_a_damaged_interview_json_is_one_line_naming_the_field(tmp_path, meta, field):
    folder = _imported(tmp_path / "iv")
    (folder / "interview.json").write_text(meta)
    r = runner.invoke(app, ["transcribe", str(folder)])
    assert r.exit_code == 2 and "interview.json" in r.output and field in r.output, r.output
    assert "Traceback" not in r.output
    listed = runner.invoke(app, ["list", str(tmp_path)])  # listing goes on past it
    assert listed.exit_code == 0, listed.output


def test_report_and_label_wait_for_no_one_either(tmp_path):
    folder = _imported(tmp_path / "iv")
    (folder / "transcript.json").write_text("{}")
    with folder_lock(folder, "transcribe"):
        for args in (["report", str(folder)], ["label", str(folder), "--swap"]):
            r = runner.invoke(app, args)
            assert r.exit_code == 75 and "in use by `listenwell transcribe`" in r.output, r.output
