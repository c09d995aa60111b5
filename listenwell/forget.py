"""Forgetting an interview (consent withdrawn): every file listenwell made of it, and
nothing of anyone else's.

What goes: the files listenwell wrote in the folder (its manifest, see manifest.py: the
recording, consent record and audio, transcript, exports, reports, notes, half-written
temporaries) and the pages `listenwell compare` wrote elsewhere that quote it. What stays,
unless asked: anything else a person put in the folder. The path is resolved first (`.`,
`..`, symlinks), and only a folder listenwell made is accepted.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from listenwell import manifest, userdata
from listenwell.errors import UserError
from listenwell.lock import LOCK_NAME


@dataclass
class Deletion:
    """What `forget` will delete, shown before it does."""

    folder: Path  # resolved
    ours: list[Path]  # files listenwell wrote in the folder
    others: list[Path]  # files and folders in it that listenwell did not write
    copies: list[Path]  # compare pages elsewhere that quote this interview


@dataclass
class Outcome:
    deleted: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)  # what remains in the folder
    folder_removed: bool = False


def what_to_delete(path: Path) -> Deletion:
    """What forgetting the interview at `path` deletes; UserError when `path` is not an
    interview folder that listenwell made."""
    raw = Path(path)
    if not raw.exists():
        raise UserError(f"{raw}: no such folder; nothing deleted")
    folder = raw.resolve()
    if not folder.is_dir():
        raise UserError(f"{raw} is not a folder; give an interview folder; nothing deleted")
    if folder in {Path.home().resolve(), Path(folder.anchor)}:
        raise UserError(f"{raw} is {folder}, not an interview folder; nothing deleted")
    if not made_by_listenwell(folder):
        raise UserError(f"{raw} is not an interview folder made by listenwell (no {manifest.MANIFEST}, "
                        "interview.json, consent.json or transcript.json of its own); nothing deleted")
    inv = manifest.inventory(folder)
    return Deletion(folder, inv.ours, inv.others, userdata.comparisons_quoting(folder))


def made_by_listenwell(folder: Path) -> bool:
    """A folder with listenwell's manifest, or (made before the manifest existed) one of
    the records listenwell writes, recognisably its own."""
    if manifest.has_manifest(folder):
        return True
    for name, mark in (("consent.json", "tool_version"), ("transcript.json", "tool_version"),
                       ("interview.json", "source")):
        try:
            record = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and mark in record:
            return True
    return False


def delete(p: Deletion, include_others: bool = False) -> Outcome:
    """Delete what `p` lists (and the folder's other contents with include_others);
    then the folder itself when it is empty. Goes on past a file that cannot be deleted."""
    out = Outcome()
    targets = [*p.copies, *p.ours, *(p.others if include_others else [])]
    # the manifest last: until the end it still tells what is listenwell's
    targets.sort(key=lambda x: x.name == manifest.MANIFEST)
    for target in targets:
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
            out.deleted.append(target)
        except FileNotFoundError:
            out.deleted.append(target)
        except OSError as e:
            out.failed.append((target, e.strerror or str(e)))
    # the lock forget itself holds (taken after the inventory): bookkeeping, not counted
    (p.folder / LOCK_NAME).unlink(missing_ok=True)
    try:
        out.left = sorted(p.folder.iterdir())
        if not out.left:
            p.folder.rmdir()
            out.folder_removed = True
    except OSError as e:
        out.failed.append((p.folder, e.strerror or str(e)))
    return out
