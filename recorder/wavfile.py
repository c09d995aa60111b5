"""A WAV file that is valid on disk at every moment, and the repair of one after a crash.

libsndfile writes the file as RF64 with "auto downgrade": while it is under 4 GB the header
is a plain RIFF/WAVE header (with a JUNK chunk reserving room), beyond 4 GB it becomes RF64,
so a long recording never hits the 4 GB limit of WAV. The header is rewritten every second
(SFC_UPDATE_HEADER_NOW), so after kill -9 every reader sees all but the last second;
`repair` then makes the header cover every byte that reached the disk.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import soundfile as sf
from soundfile import _ffi, _snd

from listenwell import manifest
from listenwell.folder import FILE_MODE

SFC_UPDATE_HEADER_NOW = 0x1060
SFC_RF64_AUTO_DOWNGRADE = 0x1210
SUBTYPE = "PCM_16"


class StreamingWav:
    """Appends int16 frames to a WAV file whose header is kept current by `sync()`."""

    def __init__(self, path: Path, samplerate: int, channels: int):
        self.path = Path(path)
        # Create the file private (0600) before libsndfile opens it; listed in the folder's
        # manifest first, so that `forget` finds it even after a crash.
        manifest.note(self.path)
        fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
        os.close(fd)
        os.chmod(self.path, FILE_MODE)
        self._f = sf.SoundFile(
            self.path, "w", samplerate=samplerate, channels=channels, format="RF64", subtype=SUBTYPE
        )
        _snd.sf_command(self._f._file, SFC_RF64_AUTO_DOWNGRADE, _ffi.NULL, 1)
        self.frames = 0
        self.samplerate = samplerate
        self.channels = channels
        self.sync()

    def write(self, frames: np.ndarray) -> None:
        self._f.write(frames)
        self.frames += len(frames)

    def sync(self) -> None:
        """Rewrite the header for the frames so far and push everything to the disk."""
        _snd.sf_command(self._f._file, SFC_UPDATE_HEADER_NOW, _ffi.NULL, 0)
        self._f.flush()  # sf_write_sync: fsync(2) of libsndfile's own descriptor

    def close(self) -> None:
        self._f.close()

    @property
    def seconds(self) -> float:
        return self.frames / self.samplerate


def _chunks(data: bytes, start: int):
    """(id, size field, offset of the chunk body) of each chunk from `start`."""
    pos = start
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        yield cid, size, pos + 8
        pos += 8 + size + (size & 1)


def repair(path: Path) -> tuple[float, float]:
    """Make a WAV/RF64 header cover every whole frame in the file.

    Returns (seconds the header said before, seconds it says now). Raises ValueError for a
    file that is not a WAV written by the recorder.
    """
    path = Path(path)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        head = f.read(min(size, 65536))
        if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64"):
            raise ValueError(f"{path.name} is not a WAV file")
        fmt = data_at = data_field = None
        for cid, csize, body in _chunks(head, 12):
            if cid == b"fmt ":
                fmt = struct.unpack("<HHIIHH", head[body : body + 16])
            elif cid == b"data":
                data_at, data_field = body, csize
                break
        if fmt is None or data_at is None:
            raise ValueError(f"{path.name} has no audio header (fmt/data chunk); it cannot be repaired")
        block_align = fmt[4]
        data_bytes = (size - data_at) // block_align * block_align
        rf64 = head[:4] == b"RF64"
        before = (data_field if not rf64 else struct.unpack("<Q", head[28:36])[0]) / block_align
        if data_bytes + data_at - 8 < 2**32 and not rf64:
            f.seek(4)
            f.write(struct.pack("<I", data_at - 8 + data_bytes))
            f.seek(data_at - 4)
            f.write(struct.pack("<I", data_bytes))
        else:
            # RF64: the sizes live in the ds64 chunk (right after "WAVE"); the 32-bit fields say -1.
            f.seek(0)
            f.write(b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE")
            if head[12:16] not in (b"ds64", b"JUNK"):
                raise ValueError(f"{path.name} has no room for an RF64 header; it cannot be repaired")
            f.seek(12)
            f.write(b"ds64" + struct.pack("<IQQQI", 28, size - 8, data_bytes, data_bytes // block_align, 0))
            f.seek(data_at - 4)
            f.write(struct.pack("<I", 0xFFFFFFFF))
        if data_bytes < size - data_at:
            f.truncate(data_at + data_bytes)  # drop a torn last frame
        f.flush()
        os.fsync(f.fileno())
    rate = fmt[2]
    return before / rate, data_bytes / block_align / rate


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
