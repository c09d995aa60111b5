"""Voice embeddings with CAM++ (ONNX) on Kaldi fbank features computed in numpy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .features import kaldi_fbank
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


def embed_frames(
    feats: np.ndarray,
    frames: list[np.ndarray],
    batch: int = 4,
    progress: Callable[[float], None] | None = None,
    model: str = EMBEDDING,
) -> np.ndarray:
    """Embeddings of fbank frame selections (index arrays into `feats`), gathered batch by
    batch so that a long recording never holds a copy of every selection at once."""
    sess = session(model)
    out = np.zeros((len(frames), 192), dtype=np.float32)
    by_len: dict[int, list[int]] = {}
    for i, f in enumerate(frames):
        by_len.setdefault(len(f), []).append(i)
    done = 0
    for _length, idx in by_len.items():
        for b in range(0, len(idx), batch):
            ids = idx[b : b + batch]
            x = np.stack([feats[frames[i]] for i in ids])
            x -= x.mean(axis=1, keepdims=True)
            out[ids] = sess.run(None, {"fbank": x})[0]
            done += len(ids)
            if progress:
                progress(done / len(frames))
    return normalise(out)


def fbank(audio: np.ndarray) -> np.ndarray:
    """Fbank of a whole recording; frame i covers samples [160 i, 160 i + 400)."""
    return kaldi_fbank(audio)
