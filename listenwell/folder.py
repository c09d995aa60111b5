"""The interview folder: the contract between stages.

One folder per interview. Each stage reads the files of the stages before it and writes its
own, so that any stage can be rerun, resumed or inspected on its own:

    plan.toml | plan.md     the plan, copied in (optional)
    interview.json          metadata: source, created, channels (which channel is whom), ...
    consent.json            the consent record (recorder)
    consent-audio.wav       the interviewer asking for consent on tape (--record-consent)
    audio.<ext>             the recording (or an imported copy of one)
    notes.jsonl             marks and notes taken while recording
    transcript.json         segments, words, speaker turns (+ .srt .vtt .txt, speakers.rttm)
    report.json             the analysis (+ report.md, report.html)

Everything is private: folders are 0700 and files 0600.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from listenwell import manifest, metadata
from listenwell.errors import UserError, WriteError
from listenwell.plan import PLAN_SUFFIXES, Plan, load_plan

DIR_MODE = 0o700
FILE_MODE = 0o600

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm", ".mp4", ".aac", ".wma", ".aiff", ".aif", ".caf")
METADATA = "interview.json"


@dataclass(frozen=True)
class InterviewFolder:
    path: Path

    # ---- well-known files -------------------------------------------------------------
    @property
    def metadata_path(self) -> Path:
        return self.path / METADATA

    @property
    def consent_path(self) -> Path:
        return self.path / "consent.json"

    @property
    def notes_path(self) -> Path:
        return self.path / "notes.jsonl"

    @property
    def transcript_path(self) -> Path:
        return self.path / "transcript.json"

    @property
    def report_path(self) -> Path:
        return self.path / "report.json"

    def export_path(self, suffix: str) -> Path:
        """transcript.srt, transcript.vtt, transcript.txt ..."""
        return self.path / f"transcript{suffix}"

    @property
    def plan_path(self) -> Path | None:
        for suffix in PLAN_SUFFIXES:
            p = self.path / f"plan{suffix}"
            if p.is_file():
                return p
        return None

    def plan(self, override: Path | None = None) -> Plan | None:
        """The interview's plan (`override` instead of the folder's own, when given), or
        None without one. Raises PlanError naming the file and line of a bad plan."""
        path = override or self.plan_path
        return load_plan(path) if path else None

    @property
    def audio_path(self) -> Path | None:
        """The interview recording: the one named in the metadata, else `audio.*`."""
        meta = self.metadata_or_empty()
        if meta.get("audio") and (self.path / meta["audio"]).is_file():
            return self.path / meta["audio"]
        found = sorted(p for p in self.path.glob("audio.*") if p.suffix.lower() in AUDIO_SUFFIXES)
        return found[0] if found else None

    # ---- metadata -----------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """interview.json, checked (metadata.py); {} without one; UserError naming the field
        when it is damaged."""
        return metadata.read(self.metadata_path)

    def metadata_or_empty(self) -> dict[str, Any]:
        """interview.json, or {} when it is missing or damaged: for listing and deleting,
        which must go on past one bad folder."""
        try:
            return self.metadata()
        except UserError:
            return {}

    def update_metadata(self, **fields: Any) -> dict[str, Any]:
        meta = {**self.metadata(), **fields}
        write_json(self.metadata_path, meta)
        return meta

    def exists(self) -> bool:
        return self.path.is_dir()

    def is_interview(self) -> bool:
        """A folder that some stage of listenwell has written."""
        return self.path.is_dir() and (
            self.metadata_path.is_file() or self.consent_path.is_file() or self.transcript_path.is_file()
        )

    def stage(self) -> str:
        """How far the pipeline has got: created, recorded, transcribed or reported."""
        if self.report_path.is_file():
            return "reported"
        if self.transcript_path.is_file():
            return "transcribed"
        if self.audio_path is not None:
            return "recorded"
        return "created"

    # ---- creation -----------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, exist_ok: bool = False) -> InterviewFolder:
        """Make a private interview folder (0700). Refuses to reuse a non-empty folder."""
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise UserError(f"{path} exists and is not a folder; choose another --to")
        if path.is_dir() and any(path.iterdir()) and not exist_ok:
            raise UserError(f"{path} already exists and is not empty; choose another --to")
        try:
            path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            os.chmod(path, DIR_MODE)
            manifest.start(path)
        except PermissionError:
            raise UserError(f"cannot create {path}: permission denied; choose another --to") from None
        except OSError as e:
            raise UserError(f"cannot create {path}: {e.strerror}; choose another --to") from None
        return cls(path)


def open_folder(path: Path) -> InterviewFolder:
    """An existing interview folder, or a one-line error saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such folder")
    if not path.is_dir():
        raise UserError(f"{path}: not a folder; give an interview folder")
    return InterviewFolder(path)


def preflight(folder: Path, need_bytes: int) -> None:
    """Before long work: the folder takes a new file and its disk has `need_bytes` free,
    else UserError now, rather than a failure to save at the end of the work."""
    folder = Path(folder)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".listenwell-probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
        free = shutil.disk_usage(folder).free
    except OSError as e:
        raise WriteError(folder, e) from None
    if free < need_bytes:
        raise UserError(f"{folder}: only {free / 1e6:.1f} MB free on its disk, {need_bytes / 1e6:.1f} MB needed; "
                        "free some space and try again")


def private_open(path: Path, mode: str = "w", **kw: Any):
    """open() for a new file that only the owner can read (0600), whatever the umask; in an
    interview folder, the file goes into its manifest (see manifest.py) first."""
    flags = os.O_CREAT | os.O_WRONLY | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    try:
        manifest.note(path)
        fd = os.open(path, flags, FILE_MODE)
        os.chmod(path, FILE_MODE)
    except OSError as e:
        raise WriteError(path, e) from None
    return os.fdopen(fd, mode, **kw)


def write_private_file(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    """A private file (0600) written whole or not at all: `fill` writes into a temporary
    file beside it, which then replaces `path` (a full disk or a crash leaves the old one).
    For contents that are not text or come as a stream (a copied recording, the voice
    profile); WriteError names the file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        manifest.note(path)
        with os.fdopen(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE), "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(path, e) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write a private file atomically: readers see the old or the new file, never half."""
    write_files({Path(path): text})


def write_files(contents: dict[Path, str]) -> None:
    """Write private files as a set: every one is written in full beside its target first,
    and only then do they replace the old ones, so a full disk or a crash while writing
    leaves all the old files (a report's JSON, Markdown and HTML never disagree)."""
    temps: dict[Path, str] = {}
    path = next(iter(contents), Path("."))
    try:
        for path, text in contents.items():
            manifest.note(path)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = tmp
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, FILE_MODE)
        for path, tmp in temps.items():
            os.replace(tmp, path)
    except OSError as e:
        _remove(temps.values())
        raise WriteError(path, e) from None
    except BaseException:
        _remove(temps.values())
        raise


def _remove(paths) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def append_jsonl(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line and fsync it, so a crash keeps every line written so far."""
    with private_open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Lines of a JSONL file; a torn last line (crash mid-write) is skipped."""
    out = []
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    except FileNotFoundError:
        pass
    return out
