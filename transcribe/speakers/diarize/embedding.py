"""Voice embeddings with CAM++ (ONNX) on Kaldi fbank features computed in numpy."""

from __future__ import annotations

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
    sess = session(EMBEDDING)
    out = np.zeros((len(chunks), 192), dtype=np.float32)
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(chunks):
        by_len.setdefault(len(c), []).append(i)
    for _length, idx in by_len.items():
        for b in range(0, len(idx), batch):
            ids = idx[b : b + batch]
            x = np.stack([chunks[i] - chunks[i].mean(axis=0) for i in ids]).astype(np.float32)
            out[ids] = sess.run(None, {"fbank": x})[0]
    return normalise(out)


def fbank(audio: np.ndarray) -> np.ndarray:
    """Fbank of a whole recording; frame i covers samples [160 i, 160 i + 400)."""
    return kaldi_fbank(audio)
