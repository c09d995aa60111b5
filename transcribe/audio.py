"""Decode any audio file PyAV (FFmpeg) reads into 16 kHz float32, with bounded memory.

faster-whisper's own `decode_audio` gathers every chunk and then concatenates them, and its
feature extractor works on the whole array at once, so a long file is held several times.
Here the audio streams from the file: `stream_blocks` yields fixed-length blocks (the
pipeline transcribes one block at a time), and `decode` fills one preallocated buffer.
Every problem with a file becomes an AudioError: one line that names the file.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from listenwell.errors import AudioError

SAMPLE_RATE = 16000
# Resample this many input samples at a time: fewer, larger calls into libswresample.
_GROUP = 256_000


@dataclass
class AudioStream:
    """An open audio file; iterate it for float32 pieces of shape (channels, n)."""

    path: Path
    sample_rate: int
    source_rate: int
    channels: int  # channels in the file
    duration_hint: float | None  # from the container; None when it does not say
    mono: bool = True
    truncated: bool = False  # decoding stopped at damaged data; what came before is kept
    decoded_s: float = 0.0

    def __iter__(self) -> Iterator[np.ndarray]:
        # Downmix ourselves (a plain average): libswresample's mono mix adds +3 dB per channel.
        layout = _layout(self.channels)
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=self.sample_rate)
        fifo = av.AudioFifo()
        n_out = 0
        try:
            with _open(self.path) as container:
                for frame in self._frames(container):
                    frame.pts = None  # timestamps of damaged files confuse the fifo
                    fifo.write(frame)
                    if fifo.samples >= _GROUP:
                        for out in resampler.resample(fifo.read()):
                            piece = self._shape(out)
                            n_out += piece.shape[1]
                            yield piece
                if fifo.samples:
                    for out in resampler.resample(fifo.read()):
                        piece = self._shape(out)
                        n_out += piece.shape[1]
                        yield piece
                for out in resampler.resample(None):  # flush
                    piece = self._shape(out)
                    n_out += piece.shape[1]
                    yield piece
        finally:
            self.decoded_s = n_out / self.sample_rate
            del resampler, fifo
            gc.collect()  # PyAV resampler objects are otherwise freed late (faster-whisper #390)

    def _shape(self, frame: av.AudioFrame) -> np.ndarray:
        data = frame.to_ndarray()
        if self.mono and data.shape[0] > 1:
            return data.mean(axis=0, keepdims=True, dtype=np.float32)
        return data

    def _frames(self, container) -> Iterator[av.AudioFrame]:
        stream = container.streams.audio[0]
        packets = container.demux(stream)
        while True:
            try:
                packet = next(packets)
                frames = packet.decode()
            except StopIteration:
                return
            except av.error.EOFError:
                return
            except (av.error.FFmpegError, ValueError):
                # damaged or truncated data: keep what decoded so far, note it, stop
                self.truncated = True
                return
            yield from frames


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo"}.get(channels, f"{channels}c")


def _open(path: Path):
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise AudioError(f"{path}: not an audio file that can be decoded ({reason})") from None


def open_audio(path: str | Path, sample_rate: int = SAMPLE_RATE, mono: bool = True) -> AudioStream:
    """Check that `path` is a readable audio file and describe it; raise AudioError if not."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a folder, not an audio file")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise AudioError(f"{path}: cannot read ({e.strerror})") from None
    if size == 0:
        raise AudioError(f"{path}: empty file (0 bytes)")
    try:
        with path.open("rb"):
            pass
    except OSError as e:
        raise AudioError(f"{path}: cannot read ({e.strerror})") from None
    with _open(path) as container:
        if not container.streams.audio:
            raise AudioError(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        rate = stream.rate or stream.codec_context.sample_rate or 0
        channels = stream.channels or stream.codec_context.channels or 0
        if not rate or not channels:
            raise AudioError(f"{path}: audio stream has no sample rate or channels; file is damaged")
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
    return AudioStream(path, sample_rate, rate, channels, duration, mono=mono)


def check_audio(path: str | Path) -> AudioStream:
    """open_audio, and make sure that audio really decodes (reads only the first seconds)."""
    stream = open_audio(path)
    pieces = iter(stream)
    try:
        for piece in pieces:
            if piece.shape[1]:
                return stream
    finally:
        pieces.close()
    raise _no_audio(stream)


def _no_audio(stream: AudioStream) -> AudioError:
    if stream.truncated:
        return AudioError(f"{stream.path}: damaged or truncated; no audio could be decoded")
    return AudioError(f"{stream.path}: contains no audio (zero length)")


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """`audio` sampled at `from_rate` as float32 at `to_rate` (polyphase filtering, scipy's
    resample_poly); the same array when the rates are equal."""
    if from_rate == to_rate:
        return audio
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(from_rate, to_rate)
    return resample_poly(audio, to_rate // g, from_rate // g).astype(np.float32)


def to_float32(x: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] from decoded audio of either kind (int16 PCM or float32)."""
    if x.dtype == np.int16:
        return x.astype(np.float32) * np.float32(1 / 32768)
    return np.asarray(x, dtype=np.float32)


def _to_pcm16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x * 32768.0), -32768, 32767).astype(np.int16)


def _fill(stream: AudioStream, channels: int, dtype=np.float32) -> np.ndarray:
    """Decode the whole stream into one preallocated (channels, n) buffer of `dtype`
    (float32, or int16 PCM: half the memory, for the speaker stage on long recordings)."""
    hint = stream.duration_hint if stream.duration_hint and stream.duration_hint > 0 else 600.0
    buf = np.empty((channels, int(hint * stream.sample_rate) + stream.sample_rate), dtype)
    n = 0
    for piece in stream:
        k = piece.shape[1]
        if n + k > buf.shape[1]:  # the container under-reported its duration: grow by half
            grown = np.empty((channels, max(n + k, buf.shape[1] * 3 // 2)), dtype)
            grown[:, :n] = buf[:, :n]
            buf = grown
        buf[:, n : n + k] = _to_pcm16(piece) if dtype == np.int16 else piece
        n += k
    if n == 0:
        raise _no_audio(stream)
    if n < buf.shape[1] * 0.9:  # a big over-estimate: give the spare memory back
        return buf[:, :n].copy()
    return buf[:, :n]


def decode_stream(stream: AudioStream, dtype=np.float32) -> np.ndarray:
    """An opened stream decoded whole, as (channels, n): one channel when the stream mixes
    to mono, else each apart. The stream then tells `decoded_s` and `truncated`."""
    return _fill(stream, 1 if stream.mono else stream.channels, dtype)


def decode(path: str | Path, sample_rate: int = SAMPLE_RATE, dtype=np.float32) -> np.ndarray:
    """The whole file as mono at `sample_rate` (float32, or int16 PCM). Raises AudioError."""
    return _fill(open_audio(path, sample_rate, mono=True), 1, dtype)[0]


def decode_channels(path: str | Path, sample_rate: int = SAMPLE_RATE, dtype=np.float32) -> np.ndarray:
    """The whole file as (channels, n), each channel kept apart (float32, or int16 PCM)."""
    stream = open_audio(path, sample_rate, mono=False)
    return _fill(stream, stream.channels, dtype)


def stream_blocks(stream: AudioStream, block_s: float) -> Iterator[np.ndarray]:
    """Mono float32 blocks of `block_s` seconds (the last one shorter), never the whole file."""
    size = int(block_s * stream.sample_rate)
    buf = np.empty(size, np.float32)
    n = 0
    for piece in stream:
        piece = piece[0]
        while len(piece):
            k = min(size - n, len(piece))
            buf[n : n + k] = piece[:k]
            n += k
            piece = piece[k:]
            if n == size:
                yield buf
                buf = np.empty(size, np.float32)
                n = 0
    if n:
        yield buf[:n]
    elif stream.decoded_s == 0:
        raise _no_audio(stream)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
