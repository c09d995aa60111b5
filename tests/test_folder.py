"""The interview folder contract: private files, atomic writes, stage detection."""

from __future__ import annotations

import stat

import pytest

from listenwell import manifest
from listenwell.errors import UserError, WriteError
from listenwell.folder import (
    InterviewFolder,
    append_jsonl,
    open_folder,
    read_jsonl,
    write_files,
    write_json,
)


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
    # what listenwell wrote is in the manifest; the audio dropped in by hand is not
    assert manifest.names(folder.path) == {manifest.MANIFEST, "transcript.json", "report.json"}


def test_report_files_are_written_as_a_set(tmp_path):
    """A failure while writing one file of a set leaves every old file as it was."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    write_files({a: "old a", b: "old b"})
    (tmp_path / "sub").mkdir()
    with pytest.raises(WriteError, match="cannot write"):
        write_files({a: "new a", tmp_path / "missing" / "c.txt": "c", b: "new b"})
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert not list(tmp_path.glob(".*.tmp"))


def test_open_folder_errors_are_one_line(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        open_folder(tmp_path / "missing")
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        open_folder(tmp_path / "f.txt")
