"""An interview folder from an existing recording: the audio is copied, never moved."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from listenwell import manifest
from listenwell.errors import UserError
from listenwell.folder import FILE_MODE, InterviewFolder, write_text
from listenwell.plan import load_plan
from listenwell.transcribe.audio import check_audio


def plan_name(plan: Path) -> str:
    return "plan.toml" if plan.suffix.lower() == ".toml" else "plan.md"


def import_audio(audio: Path, to: Path, plan: Path | None = None) -> InterviewFolder:
    """Make interview folder `to` holding a copy of `audio` (and of `plan`)."""
    audio, to = Path(audio), Path(to)
    stream = check_audio(audio)  # refuse what cannot be decoded before creating anything
    if plan is not None:
        load_plan(plan)  # a malformed plan: one line with file and line number
    if to.resolve() == audio.resolve().parent:
        raise UserError(f"--to {to} is the folder the audio is in; choose a new folder")
    created = not to.exists()
    folder = InterviewFolder.create(to)
    try:
        _copy_into(folder, audio, plan)
        folder.update_metadata(
            audio=f"audio{audio.suffix.lower()}",
            source="imported",
            created_at=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            imported_from=str(audio.resolve()),
            duration_s=round(stream.duration_hint, 3) if stream.duration_hint else None,
            sample_rate=stream.source_rate,
            audio_channels=stream.channels,
        )
    except BaseException:
        if created:  # leave nothing half-made behind; the original is untouched
            shutil.rmtree(to, ignore_errors=True)
        raise
    return folder


def _copy_into(folder: InterviewFolder, audio: Path, plan: Path | None) -> None:
    target = folder.path / f"audio{audio.suffix.lower()}"
    tmp = folder.path / f".{target.name}.tmp"
    try:
        manifest.note(target)
        with audio.open("rb") as src, os.fdopen(
            os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE), "wb"
        ) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot copy {audio} into {folder.path}: {e.strerror}") from None
    if plan is not None:
        write_text(folder.path / plan_name(plan), Path(plan).read_text(encoding="utf-8"))


def folder_for_audio(audio: Path) -> InterviewFolder:
    """The interview folder for an audio file given to `transcribe`: <name>/ beside it
    (<name>-<ext>/ when <name>/ belongs to another file, e.g. call.mp3 beside call.m4a).

    A folder made earlier for the same file is reused (so a rerun can skip it)."""
    audio = Path(audio)
    check_audio(audio)
    candidates = [audio.parent / audio.stem, audio.parent / f"{audio.stem}-{audio.suffix.lstrip('.').lower()}"]
    for to in candidates:
        if not to.exists():
            return import_audio(audio, to)
        if InterviewFolder(to).metadata().get("imported_from") == str(audio.resolve()):
            return InterviewFolder(to)
    raise UserError(
        f"{audio}: wanted to make interview folder {candidates[0]}, but it exists; "
        f"run `listenwell import {audio} --to NEW_FOLDER` and transcribe that"
    )
