"""An interview folder from an existing recording: the audio is copied, never moved.

Or from one file per participant (video-call tools can record each person's own audio
apart: `listenwell import --tracks me.m4a them.m4a`): the two are decoded, put side by side
as the two channels of one FLAC file (you first), and interview.json names the channels, so
that transcription attributes speech per channel (near-exact) instead of by voice.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, write_private_file, write_text
from listenwell.plan import load_plan
from listenwell.records import INTERVIEWEE, INTERVIEWER
from listenwell.transcribe.audio import SAMPLE_RATE, check_audio, decode

TRACKS_AUDIO = "audio.flac"
LENGTH_SLACK_S = 2.0  # tracks that differ more in length may not start together


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


def import_tracks(me: Path, them: Path, to: Path, plan: Path | None = None,
                  offset_s: float = 0.0) -> tuple[InterviewFolder, str | None]:
    """Make interview folder `to` from two per-participant tracks (yours first), as one
    two-channel FLAC whose channels interview.json names; `offset_s`: how much later the
    other track starts than yours. The originals are left as they are. Also returns a
    warning when the tracks' lengths differ (they may not start together)."""
    me, them, to = Path(me), Path(them), Path(to)
    streams = [check_audio(me), check_audio(them)]
    if plan is not None:
        load_plan(plan)
    if to.resolve() in (me.resolve().parent, them.resolve().parent):
        raise UserError(f"--to {to} is the folder the audio is in; choose a new folder")
    a, b = decode(me, SAMPLE_RATE, dtype=np.int16), decode(them, SAMPLE_RATE, dtype=np.int16)
    shift = int(round(offset_s * SAMPLE_RATE))
    b = np.concatenate([np.zeros(shift, np.int16), b]) if shift >= 0 else b[-shift:]
    warning = None
    if abs(len(a) - len(b)) > LENGTH_SLACK_S * SAMPLE_RATE:
        warning = (f"the tracks differ in length by {abs(len(a) - len(b)) / SAMPLE_RATE:.1f} s: if they did not start "
                   "together, import again with --offset SECONDS (how much later the other track starts)")
    n = max(len(a), len(b))
    both = np.zeros((n, 2), np.int16)
    both[: len(a), 0], both[: len(b), 1] = a, b
    created = not to.exists()
    folder = InterviewFolder.create(to)
    try:
        _write_flac(folder.path / TRACKS_AUDIO, both)
        if plan is not None:
            write_text(folder.path / plan_name(plan), Path(plan).read_text(encoding="utf-8"))
        folder.update_metadata(
            audio=TRACKS_AUDIO, source="imported",
            created_at=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            imported_from=str(me.resolve()), imported_tracks=[str(me.resolve()), str(them.resolve())],
            track_offset_s=offset_s,
            duration_s=round(n / SAMPLE_RATE, 3), sample_rate=SAMPLE_RATE, audio_channels=2,
            source_rates=[s.source_rate for s in streams], channels=[INTERVIEWER, INTERVIEWEE],
        )
    except BaseException:
        if created:
            shutil.rmtree(to, ignore_errors=True)
        raise
    return folder, warning


def _write_flac(target: Path, audio: np.ndarray) -> None:
    import soundfile as sf

    write_private_file(target, lambda f: sf.write(f, audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16"))


def _copy_into(folder: InterviewFolder, audio: Path, plan: Path | None) -> None:
    target = folder.path / f"audio{audio.suffix.lower()}"
    try:
        with audio.open("rb") as src:
            write_private_file(target, lambda dst: shutil.copyfileobj(src, dst, 1 << 20))
    except OSError as e:  # WriteError is one too
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
