"""Voice embeddings with CAM++ (ONNX) on Kaldi fbank features computed in numpy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from transcribe.audio import to_float32

from .features import FRAME_SHIFT, kaldi_fbank
from .models import EMBEDDING, session

FPS = 100  # fbank frames per second


def normalise(v: np.ndarray) -> np.ndarray:
    """L2-normalise along the last axis (zero vectors stay zero)."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def embed_features(chunks: list[np.ndarray], batch: int = 4) -> np.ndarray:
    """(n, 192) L2-normalised embeddings of fbank chunks (each (frames, 80), mean-normalised
    here). Chunks of equal length run as one batch; CAM++'s pooling must not see padding."""
    feats = np.concatenate(chunks) if chunks else np.zeros((0, 80), dtype=np.float32)
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
        self.n = max(0, 1 + (len(audio) - 400) // FRAME_SHIFT)
        self.lo, self.feats = 0, np.zeros((0, 80), dtype=np.float32)  # frames [lo, lo + len)

    def __len__(self) -> int:
        return self.n

    def _compute(self, lo: int, hi: int) -> np.ndarray:
        return kaldi_fbank(to_float32(self.audio[lo * FRAME_SHIFT : (hi - 1) * FRAME_SHIFT + 400]))

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        """Frames `idx` (sorted indices), shape (len(idx), 80)."""
        if len(idx) == 0:
            return np.zeros((0, 80), dtype=np.float32)
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
    batch: int = 1,
    progress: Callable[[float], None] | None = None,
    model: str = EMBEDDING,
) -> np.ndarray:
    """Embeddings of fbank frame selections (sorted index arrays into `feats`), in the
    order given (one at a time by default: CAM++ costs the same per item in a batch)."""
    sess = session(model)
    out = np.zeros((len(frames), 192), dtype=np.float32)
    if batch == 1:
        groups = [[i] for i in range(len(frames))]
    else:  # items of one length together (CAM++'s pooling must not see padding)
        by_len: dict[int, list[int]] = {}
        for i, f in enumerate(frames):
            by_len.setdefault(len(f), []).append(i)
        groups = [idx[b : b + batch] for idx in by_len.values() for b in range(0, len(idx), batch)]
    done = 0
    first: dict[bytes, int] = {}  # two pieces of a short run may draw on the very same frames
    for ids in groups:
        key = frames[ids[0]].tobytes() if len(ids) == 1 else None
        if key is not None and key in first:
            out[ids] = out[first[key]]
        else:
            x = np.stack([feats[frames[i]] for i in ids])
            x -= x.mean(axis=1, keepdims=True)
            out[ids] = sess.run(None, {"fbank": x})[0]
            if key is not None:
                first[key] = ids[0]
        done += len(ids)
        if progress:
            progress(done / len(frames))
    return normalise(out)


def fbank(audio: np.ndarray) -> np.ndarray:
    """Fbank of a whole (short) recording; frame i covers samples [160 i, 160 i + 400)."""
    return kaldi_fbank(to_float32(audio))
