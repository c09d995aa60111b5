"""Which files of an interview folder listenwell wrote: a manifest kept as they are written.

`listenwell forget` deletes exactly these, and leaves whatever else a person put in the
folder (a CV, photos) unless told otherwise. The manifest is `.listenwell-files`, one
file name per line, appended (and fsynced) when a file is first written; the folder's
creation starts it, so a folder without one was not made by listenwell, or was made
before the manifest existed (then the names listenwell writes identify its files).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".listenwell-files"
FILE_MODE = 0o600
# What listenwell writes into an interview folder, by name (README: the interview folder).
KNOWN_NAMES = re.compile(
    r"(interview\.json|consent\.json|consent-audio\.\w+|audio\.\w+|notes\.jsonl|"
    r"plan\.(toml|md|markdown|txt)|transcript\.(json|srt|vtt|txt)|speakers\.rttm|"
    r"report\.(json|md|html)|corrections\.json|\.listenwell\.lock|\.listenwell-files)"
)
# Half-written files a crash can leave: `.NAME.XXXX.tmp` (atomic writes), `.NAME.tmp`.
_TEMP = re.compile(r"\.(?P<name>.+?)(?P<tail>\.[A-Za-z0-9_]+)?\.tmp")


def _temp_of(name: str) -> list[str]:
    """The file names a temporary `name` may be a half-written copy of (none if it is not
    one): `.report.json.k2j9.tmp` -> report.json; `.audio.flac.tmp` -> audio.flac."""
    m = _TEMP.fullmatch(name)
    return [m.group("name"), m.group("name") + (m.group("tail") or "")] if m else []


def start(folder: Path) -> None:
    """Begin the manifest of a new interview folder (it lists itself)."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        _append(path, MANIFEST)


def note(path: Path) -> None:
    """Record that listenwell wrote `path`, when its folder keeps a manifest."""
    path = Path(path)
    manifest = path.parent / MANIFEST
    if manifest.is_file() and path.name not in names(path.parent):
        _append(manifest, path.name)


def names(folder: Path) -> set[str]:
    """The names in a folder's manifest (empty without one)."""
    try:
        return {n for n in (Path(folder) / MANIFEST).read_text(encoding="utf-8").splitlines() if n}
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return set()


def has_manifest(folder: Path) -> bool:
    return (Path(folder) / MANIFEST).is_file()


def _append(manifest: Path, name: str) -> None:
    fd = os.open(manifest, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE)
    try:
        os.write(fd, (name + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_temporaries(folder: Path) -> None:
    """Delete half-written files of listenwell's own that a killed command left (call with
    the folder's lock held: then nobody is writing them)."""
    listed = names(folder)
    for entry in Path(folder).glob(".*.tmp"):
        targets = _temp_of(entry.name)
        if any(t in listed or not listed and KNOWN_NAMES.fullmatch(t) for t in targets):
            entry.unlink(missing_ok=True)


@dataclass
class Inventory:
    """An interview folder's contents, split into what listenwell wrote and the rest."""

    folder: Path
    ours: list[Path] = field(default_factory=list)  # files listenwell wrote
    others: list[Path] = field(default_factory=list)  # files and folders it did not write
    by_manifest: bool = True  # False: a folder from before the manifest, judged by names


def inventory(folder: Path) -> Inventory:
    """What listenwell wrote in `folder` (per its manifest, else by name), and the rest."""
    folder = Path(folder)
    listed = names(folder)
    inv = Inventory(folder, by_manifest=bool(listed))

    def ours(name: str) -> bool:
        return name in listed if listed else bool(KNOWN_NAMES.fullmatch(name))

    for entry in sorted(folder.iterdir()):
        mine = ours(entry.name) or any(ours(t) for t in _temp_of(entry.name))
        if mine and (entry.is_file() or entry.is_symlink()) and not entry.is_dir():
            inv.ours.append(entry)
        else:
            inv.others.append(entry)
    return inv
