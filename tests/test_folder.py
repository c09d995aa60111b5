"""The interview folder contract: private files, atomic writes, stage detection."""

from __future__ import annotations

import stat

import pytest

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, append_jsonl, open_folder, read_jsonl, write_json


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_is_private_and_refuses_non_empty(tmp_path):
    folder = InterviewFolder.create(tmp_path / "a" / "b")
    assert mode(folder.path) == 0o700
    (folder.path / "x").write_text("data")
    with pytest.raises(UserError, match="not empty"):
        InterviewFolder.create(folder.path)
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="not a folder"):
        InterviewFolder.create(tmp_path / "file")


def test_json_and_jsonl_files_are_owner_only(tmp_path):
    folder = InterviewFolder.create(tmp_path / "iv")
    folder.update_metadata(audio="audio.flac", source="imported")
    folder.update_metadata(channels=["interviewer", "interviewee"])
    assert folder.metadata() == {
        "audio": "audio.flac", "source": "imported", "channels": ["interviewer", "interviewee"]
    }
    assert mode(folder.metadata_path) == 0o600
    append_jsonl(folder.notes_path, {"t": 1.5, "text": "salary range"})
    with folder.notes_path.open("a") as f:  # a crash mid-line leaves a torn last line
        f.write('{"t": 2.0, "te')
    assert read_jsonl(folder.notes_path) == [{"t": 1.5, "text": "salary range"}]
    assert mode(folder.notes_path) == 0o600
    assert not [p for p in folder.path.iterdir() if p.name.endswith(".tmp")]


def test_stage_follows_the_files(tmp_path):
    folder = InterviewFolder.create(tmp_path / "iv")
    assert folder.stage() == "created" and folder.audio_path is None
    (folder.path / "audio.flac").write_bytes(b"")
    assert folder.stage() == "recorded" and folder.audio_path.name == "audio.flac"
    write_json(folder.transcript_path, {})
    assert folder.stage() == "transcribed" and folder.is_interview()
    write_json(folder.report_path, {})
    assert folder.stage() == "reported"
    assert {p.name for p in folder.files()} == {"audio.flac", "transcript.json", "report.json"}


def test_open_folder_errors_are_one_line(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        open_folder(tmp_path / "missing")
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        open_folder(tmp_path / "f.txt")
