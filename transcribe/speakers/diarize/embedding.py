"""Voice embeddings with CAM++ (ONNX) on Kaldi fbank features computed in numpy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from listenwell.transcribe.audio import to_float32

from .features import FBANK_BINS, FRAME_LENGTH, FRAME_SHIFT, fbank_frame_count, kaldi_fbank
from .models import EMBEDDING, session

EMBEDDING_DIM = 192  # length of a CAM++ voice embedding


def normalise(v: np.ndarray) -> np.ndarray:
    """L2-normalise along the last axis (zero vectors stay zero)."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def compensate(emb: np.ndarray, channel: np.ndarray | None) -> np.ndarray:
    """L2-normalised embeddings (n, d) with a channel's mean direction taken out (channel.py)."""
    return emb if channel is None else normalise(emb - channel)


def embed_features(chunks: list[np.ndarray], batch: int = 4) -> np.ndarray:
    """(n, EMBEDDING_DIM) L2-normalised embeddings of fbank chunks (each (frames, FBANK_BINS),
    mean-normalised here). Chunks of equal length run as one batch; CAM++'s pooling must not
    see padding."""
    feats = np.concatenate(chunks) if chunks else np.zeros((0, FBANK_BINS), dtype=np.float32)
    ends = np.cumsum([len(c) for c in chunks])
    return embed_frames(feats, [np.arange(e - len(c), e) for c, e in zip(chunks, ends, strict=True)], batch)


class Fbank:
    """The fbank frames of a recording, computed as they are asked for: a long recording
    never holds all of them (two hours: 230 MB). Requests that move forward in time, as the
    diarizer's do, compute every frame once; frames behind the kept block are recomputed.
    audio: 16 kHz mono, float32 or int16 PCM."""

    BLOCK = 3000  # frames (30 s) computed at a time

    def __init__(self, audio: np.ndarray):
        self.audio = audio
        self.n = fbank_frame_count(len(audio))
        self.lo, self.feats = 0, np.zeros((0, FBANK_BINS), dtype=np.float32)  # frames [lo, lo + len)

    def __len__(self) -> int:
        return self.n

    def _compute(self, lo: int, hi: int) -> np.ndarray:
        return kaldi_fbank(to_float32(self.audio[lo * FRAME_SHIFT : (hi - 1) * FRAME_SHIFT + FRAME_LENGTH]))

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        """Frames `idx` (sorted indices), shape (len(idx), FBANK_BINS)."""
        if len(idx) == 0:
            return np.zeros((0, FBANK_BINS), dtype=np.float32)
        first, last = int(idx[0]), int(idx[-1]) + 1
        if first < self.lo:  # behind the kept block: computed apart, the block is kept
            return self._compute(first, last)[idx - first]
        hi = self.lo + len(self.feats)
        if last > hi:
            keep = self.feats[max(0, first - self.lo) :] if first < hi else self.feats[:0]
            start = max(first, hi)
            new = self._compute(start, min(self.n, max(last, start + self.BLOCK)))
            self.lo = start - len(keep)
            self.feats = np.concatenate([keep, new])
        return self.feats[idx - self.lo]


def embed_frames(
    feats: np.ndarray | Fbank,
    frames: list[np.ndarray],
    batch: int = 4,
    progress: Callable[[float], None] | None = None,
    model: str = EMBEDDING,
    channel: np.ndarray | None = None,
) -> np.ndarray:
    """Embeddings of fbank frame selections (sorted index arrays into `feats`), in the
    order given. Consecutive selections of one length run as one batch: CAM++ has many
    small layers, and a batch of four 2 s pieces costs ~7 % less per piece than one at a
    time (eight: hardly less CPU, +180 MiB peak on 30 min). Lengths are not mixed (its
    pooling must not see padding); batches are consecutive, so that the fbank is read in
    time order. A selection equal to an earlier one (two pieces of a short run may draw on
    the very same frames) reuses its embedding. `channel`: a line's mean direction taken out
    of each (channel.py)."""
    sess = session(model)
    out = np.zeros((len(frames), EMBEDDING_DIM), dtype=np.float32)
    first: dict[bytes, int] = {}
    copies: list[tuple[int, int]] = []
    groups: list[list[int]] = []
    for i, f in enumerate(frames):
        key = f.tobytes()
        if key in first:
            copies.append((i, first[key]))
            continue
        first[key] = i
        if groups and len(groups[-1]) < batch and len(frames[groups[-1][0]]) == len(f):
            groups[-1].append(i)
        else:
            groups.append([i])
    done, total = 0, len(first)
    for ids in groups:
        x = np.stack([feats[frames[i]] for i in ids])
        x -= x.mean(axis=1, keepdims=True)
        out[ids] = sess.run(None, {"fbank": x})[0]
        done += len(ids)
        if progress:
            progress(done / total)
    for i, j in copies:
        out[i] = out[j]
    return compensate(normalise(out), channel)


def fbank(audio: np.ndarray) -> np.ndarray:
    """Fbank of a whole (short) recording; frame i covers samples
    [FRAME_SHIFT i, FRAME_SHIFT i + FRAME_LENGTH)."""
    return kaldi_fbank(to_float32(audio))
