"""`listenwell forget`: every file listenwell made of an interview goes, nothing else does.

Folders are made by the real command line (`import`) and the real writers, so that the
manifest is what a user's folder would hold.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from listenwell import manifest
from listenwell.cli import app
from listenwell.folder import InterviewFolder, write_json, write_text
from listenwell.lock import folder_lock

runner = CliRunner()
SAMPLE_AUDIO = SAMPLES / "interview" / "audio.flac"


@pytest.fixture
def interview(tmp_path) -> Path:
    """An imported interview with a transcript export and a report written by listenwell."""
    folder = tmp_path / "iv"
    r = runner.invoke(app, ["import", str(SAMPLE_AUDIO), "--to", str(folder),
                            "--plan", str(SAMPLES / "interview" / "plan.toml")])
    assert r.exit_code == 0, r.output
    write_text(folder / "transcript.txt", "[interviewer] Hello\n")
    write_json(folder / "report.json", {"schema": 1})
    return folder


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_the_manifest_lists_what_listenwell_wrote(interview):
    assert manifest.names(interview) == {manifest.MANIFEST, "audio.flac", "plan.toml", "interview.json",
                                         "transcript.txt", "report.json"}


def test_forget_deletes_listenwell_files_and_leaves_the_users_own(interview):
    (interview / "cv.pdf").write_bytes(b"%PDF")
    (interview / "photos").mkdir()
    (interview / "photos" / "a.jpg").write_bytes(b"jpg")
    r = runner.invoke(app, ["forget", str(interview)], input="y\n")
    assert r.exit_code == 0, r.output
    assert _names(interview) == {"cv.pdf", "photos"}
    assert (interview / "photos" / "a.jpg").exists()
    assert "2 other items in the folder, not made by listenwell, left alone" in r.output
    assert "deleted 6 files" in r.output and "left " in r.output


def test_include_other_files_deletes_everything_after_showing_it(interview):
    (interview / "cv.pdf").write_bytes(b"%PDF")
    (interview / "photos").mkdir()
    (interview / "photos" / "a.jpg").write_bytes(b"jpg")
    r = runner.invoke(app, ["forget", str(interview), "--include-other-files", "--yes"])
    assert r.exit_code == 0, r.output
    assert "cv.pdf" in r.output and "photos/" in r.output
    assert not interview.exists()


def test_a_declined_confirmation_deletes_nothing(interview):
    before = _names(interview)
    r = runner.invoke(app, ["forget", str(interview)], input="n\n")
    assert r.exit_code == 1 and _names(interview) == before


def test_a_home_like_folder_with_a_stray_transcript_is_refused(tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret")
    (home / "Documents").mkdir()
    (home / "Documents" / "taxes.pdf").write_bytes(b"x")
    (home / "transcript.json").write_text('{"segments": []}')  # not one of listenwell's
    r = runner.invoke(app, ["forget", str(home), "--yes"])
    assert r.exit_code == 2, r.output
    assert "nothing deleted" in r.output
    assert (home / ".ssh" / "id_ed25519").exists() and (home / "transcript.json").exists()


def test_an_old_folder_without_manifest_loses_only_listenwell_files(tmp_path):
    """A folder made before the manifest existed: listenwell's files are known by name."""
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "interview.json").write_text(json.dumps({"audio": "audio.wav", "source": "recorded"}))
    (folder / "audio.wav").write_bytes(b"RIFF")
    (folder / "notes.txt").write_text("my own notes")
    r = runner.invoke(app, ["forget", str(folder), "--yes"])
    assert r.exit_code == 0, r.output
    assert _names(folder) == {"notes.txt"}


def test_forget_dot_and_a_symlink_resolve_to_the_folder(interview, tmp_path, monkeypatch):
    link = tmp_path / "link"
    link.symlink_to(interview, target_is_directory=True)
    r = runner.invoke(app, ["forget", str(link), "--yes"])
    assert r.exit_code == 0, r.output
    assert not interview.exists()

    again = tmp_path / "again"
    assert runner.invoke(app, ["import", str(SAMPLE_AUDIO), "--to", str(again)]).exit_code == 0
    monkeypatch.chdir(again)
    r = runner.invoke(app, ["forget", ".", "--yes"])
    assert r.exit_code == 0, r.output
    assert not again.exists() and "and the folder" in r.output


def test_a_half_written_file_left_by_a_crash_goes_too(interview):
    (interview / ".report.json.abc123.tmp").write_text("{")  # what write_text leaves if killed
    r = runner.invoke(app, ["forget", str(interview), "--yes"])
    assert r.exit_code == 0, r.output
    assert not interview.exists()


def test_forget_waits_for_no_one_but_says_who_holds_the_folder(interview):
    with folder_lock(interview, "transcribe"):
        r = runner.invoke(app, ["forget", str(interview), "--yes"])
    assert r.exit_code == 75, r.output
    assert "in use by `listenwell transcribe`" in r.output and f"process {os.getpid()}" in r.output
    assert (interview / "audio.flac").exists()


def test_pages_compare_wrote_quoting_the_interview_are_deleted(interview, tmp_path, monkeypatch):
    from listenwell import userdata

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    page = tmp_path / "review" / "compare.html"
    page.parent.mkdir()
    page.write_text("<p>quote</p>")
    userdata.note_comparison([page], [interview, tmp_path / "another"])
    r = runner.invoke(app, ["forget", str(interview), "--yes"])
    assert r.exit_code == 0, r.output
    assert str(page) in r.output and not page.exists()


def test_a_read_only_folder_says_so_in_one_line(read_only_mount):
    folder = read_only_mount.path / "iv"
    assert runner.invoke(app, ["import", str(SAMPLE_AUDIO), "--to", str(folder)]).exit_code == 0
    read_only_mount.seal()
    r = runner.invoke(app, ["forget", str(folder), "--yes"])
    assert r.exit_code in (1, 2), r.output
    assert "Traceback" not in r.output and len([x for x in r.output.splitlines() if x.startswith("error:")]) == 1
    assert "Read-only file system" in r.output
    assert InterviewFolder(folder).audio_path is not None  # nothing lost
