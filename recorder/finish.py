"""Closing a recording (after a clean stop, or via `listenwell recover` after a crash):
header repair, the audio's SHA-256 into consent.json, the numbers into interview.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import soundfile as sf

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, write_json
from listenwell.recorder.consent import now_iso
from listenwell.recorder.wavfile import repair, sha256


def audio_files(folder: InterviewFolder) -> list[Path]:
    """The recorder's files in the folder: consent part first, then the interview."""
    meta = folder.metadata()
    names = [meta.get("consent_audio"), meta.get("audio") or "audio.wav"]
    return [folder.path / n for n in names if n and (folder.path / n).is_file()]


def seal_consent(folder: InterviewFolder) -> None:
    """Add the SHA-256 of each audio file to consent.json, so it proves what was agreed to."""
    if not folder.consent_path.is_file():
        return
    record = json.loads(folder.consent_path.read_text(encoding="utf-8"))
    meta = folder.metadata()
    for path in audio_files(folder):
        key = "consent_audio" if path.name == meta.get("consent_audio") else "audio"
        record[key] = path.name
        record[f"{key}_sha256"] = sha256(path)
    record["sealed_at"] = now_iso()
    write_json(folder.consent_path, record)


def finalize(folder: InterviewFolder, cap, stopped_by: str, started_at: str) -> str:
    """Record what happened; returns a one-line summary for the user."""
    audio = cap.audio_wav
    seconds = audio.frames / cap.samplerate if audio else 0.0
    fields = {
        "recording": False,
        "recorder_pid": None,
        "started_at": started_at,
        "ended_at": now_iso(),
        "stopped_by": stopped_by,
        "duration_s": round(seconds, 3),
        "frames": audio.frames if audio else 0,
        **cap.stats(),
    }
    if cap.consent_path is not None:
        frames = cap.consent_wav.frames if cap.consent_wav else cap.consent_wav_frames
        fields["consent_audio_s"] = round(frames / cap.samplerate, 3)
    if audio is None:
        fields["audio"] = None  # stopped before the consent part ended: no interview audio
    try:
        folder.update_metadata(**fields)
        seal_consent(folder)
    except OSError as e:  # disk full: the audio is safe, the bookkeeping can be redone later
        return (f"saved {seconds:.1f} s of audio, but could not update the metadata ({e.strerror}); "
                f"free some space and run `listenwell recover {folder.path}`")
    lost = fields["lost_frames"]
    extra = f", {lost} frames lost" if lost else ""
    paused = f", {fields['paused_s']:.0f} s paused" if fields["paused_s"] else ""
    name = audio.path.name if audio else "(consent part only)"
    return f"saved {seconds:.1f} s to {folder.path / name}{paused}{extra}"


def recover(folder: InterviewFolder) -> list[str]:
    """Make a crashed recording whole again; returns what was done, one line per file."""
    meta = folder.metadata()
    pid = meta.get("recorder_pid")
    if meta.get("recording") and pid and _alive(pid):
        raise UserError(f"{folder.path} is still being recorded (process {pid}); stop it first")
    files = audio_files(folder)
    if not files:
        raise UserError(f"{folder.path}: no recording to recover (no audio.wav)")
    lines, total = [], {}
    for path in files:
        try:
            before, after = repair(path)
        except ValueError as e:
            raise UserError(f"{path}: {e}") from None
        info = sf.info(str(path))
        total[path.name] = (info.frames, info.samplerate)
        if abs(after - before) < 1e-6:
            lines.append(f"{path.name}: {after:.1f} s, nothing to repair")
        else:
            lines.append(f"{path.name}: {after:.1f} s recovered (its header said {before:.1f} s)")
    audio_name = meta.get("audio") or "audio.wav"
    fields: dict = {"recording": False, "recorder_pid": None}
    if audio_name in total:
        frames, rate = total[audio_name]
        fields.update(frames=frames, duration_s=round(frames / rate, 3), sample_rate=rate)
    if meta.get("recording"):
        fields.update(stopped_by=meta.get("stopped_by") or "crash", recovered_at=now_iso())
    folder.update_metadata(**fields)
    seal_consent(folder)
    return lines


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"listenwell" in cmd or b"recorder" in cmd
