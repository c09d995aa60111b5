"""Sentence meaning from `wordllama`: a 16 MB static embedding that ships inside its wheel.

No torch, no network: the weights are read from the package's own folder. wordllama's
default lookup lands in a user cache and would try to download, so we point `cache_dir`
at the package and forbid downloads. If the package is missing or broken, callers fall
back to lexical similarity (see question_map.py), and say so in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_NAME = "wordllama l2_supercat 256d"


@lru_cache(maxsize=1)
def load_embedder():
    """The wordllama model, or None when it cannot be loaded offline."""
    try:
        import wordllama
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # missing package, missing weights, incompatible version: use lexical
        return None


def embedding_scores(asked: Sequence[str], planned: Sequence[str]) -> np.ndarray | None:
    """Cosine similarity matrix (asked x planned), or None without the model."""
    model = load_embedder()
    if model is None or not asked or not planned:
        return None
    a = np.asarray(model.embed(list(asked), norm=True), dtype=np.float64)
    p = np.asarray(model.embed(list(planned), norm=True), dtype=np.float64)
    return np.clip(a @ p.T, -1.0, 1.0)
