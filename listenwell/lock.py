"""One command at a time per interview folder.

Two `transcribe` runs on one folder would both do all the work and race to write; a
`forget` during a `transcribe` would delete files as they are written. Commands that write
into a folder hold an advisory lock on `.listenwell.lock` (flock: released by the kernel
when the process ends, however it ends); a second command says who holds it and stops.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from listenwell import manifest
from listenwell.errors import UserError, WriteError

LOCK_NAME = ".listenwell.lock"
EXIT_BUSY = 75  # EX_TEMPFAIL: try again later


@contextlib.contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the folder's lock while the block runs; UserError (exit 75) naming the holder
    when another listenwell command has it."""
    path = Path(folder) / LOCK_NAME
    try:
        manifest.note(path)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise WriteError(path, e) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{folder} is in use by {_holder(fd)}; wait for it to finish, then try again",
                            EXIT_BUSY) from None
        manifest.sweep_temporaries(Path(folder))  # a killed command's half-written files
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"command": command, "pid": os.getpid(),
                                  "since": datetime.now().astimezone().isoformat(timespec="seconds")}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"`listenwell {info['command']}` (process {info['pid']}, since {info['since'][11:19]})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another listenwell command"
