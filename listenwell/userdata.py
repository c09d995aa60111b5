"""listenwell's own folder: $XDG_DATA_HOME/listenwell (default ~/.local/share/listenwell).

The only place outside interview folders that listenwell writes to (0700, files 0600):
- `voice-profile.npz`: your voice profile, a few voice embeddings of your own voice (lists
  of numbers, never audio), one per occasion (microphone, room), with when and from what
  each was made (`listenwell check` or `listenwell enroll` make it; `enroll --delete`
  removes it). `interviewer.npy` is the one-embedding profile of earlier versions: still
  read, deleted with it;
- `comparisons.jsonl`: where `listenwell compare` wrote pages that quote interviews, so
  that `listenwell forget` can delete those copies too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from listenwell.errors import WriteError

DIR_MODE = 0o700
FILE_MODE = 0o600
COMPARISONS = "comparisons.jsonl"
PROFILE = "voice-profile.npz"
LEGACY_PROFILE = "interviewer.npy"

# What `record` and `transcribe` say when there is no profile (numbers: docs/speakers.md)
NO_PROFILE_NOTICE = (
    "no voice profile of you yet: speakers will be told apart by voice alone, and which one "
    "is you guessed from the questions (talk share about 2 pp less sure, on a phone call far "
    "less, and a voice may be missed or misnamed). `listenwell enroll` makes one from 15 s of your voice; "
    "`listenwell check` offers it too."
)


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "listenwell"


def profile_path() -> Path:
    """Where the voice profile lives."""
    return data_dir() / PROFILE


def has_voice_profile() -> bool:
    return profile_path().is_file() or (data_dir() / LEGACY_PROFILE).is_file()


def write_private(path: Path, data: bytes) -> None:
    """`data` as `path` (0600) in listenwell's own folder (0700), whole or not at all."""
    from listenwell.folder import write_private_file

    _ensure()
    write_private_file(path, lambda f: f.write(data))


def _ensure() -> Path:
    d = data_dir()
    try:
        d.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(d, DIR_MODE)
    except OSError as e:
        raise WriteError(d, e) from None
    return d


def note_comparison(files: list[Path], interviews: list[Path]) -> None:
    """Remember that `files` (compare's outputs) quote the `interviews` (folders)."""
    record = {"files": [str(Path(f).resolve()) for f in files],
              "interviews": [str(Path(i).resolve()) for i in interviews]}
    path = _ensure() / COMPARISONS
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE)
        try:
            os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as e:
        raise WriteError(path, e) from None


def comparisons_quoting(folder: Path) -> list[Path]:
    """Files written by `listenwell compare` that quote the interview in `folder` and still
    exist."""
    target = str(Path(folder).resolve())
    try:
        lines = (data_dir() / COMPARISONS).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out: list[Path] = []
    for line in lines:
        try:
            record = json.loads(line)
            if target in record["interviews"]:
                out += [Path(f) for f in record["files"] if Path(f).is_file() and Path(f) not in out]
        except (ValueError, KeyError, TypeError):
            continue
    return out
