"""Sentence meaning from two small models whose weights ship with the program.

- The question encoder: all-MiniLM-L6-v2 (Apache-2.0) fine-tuned on the labelled interviews
  of tests/data/ to place an ask next to the planned question it asks and a follow-up next
  to none (tools/train_question_encoder.py), shipped here as ONNX with int8 weights
  (analysis/models/minilm-interviews.onnx, 23 MB, see NOTICE) and run on onnxruntime with
  its WordPiece tokenizer. A contextual sentence encoder: it tells "what do juniors earn"
  from "which abilities should I build first". Its words' vectors in context are also
  matched one by one (token_match, BERTScore), which places paraphrases better still.
- `wordllama` (MIT, numpy only, 16 MB of static token embeddings in its wheel).

No torch, no network: wordllama is read from its package's folder (`disable_download=True`).
If either cannot be loaded, callers fall back (see question_score.py) and the report's
`mapping.method` says so. Measured against other offline models in
bench/bench_mapping_models.py (docs/report.md).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2 fine-tuned on interview questions, int8 (onnxruntime) + wordllama l2_supercat 256d"
MINILM_MAX_TOKENS = 128  # questions are short; longer turns are cut
MODELS = Path(__file__).resolve().parent / "models"
ENCODER = MODELS / "minilm-interviews.onnx"
TOKENIZER = MODELS / "minilm-tokenizer.json"


@lru_cache(maxsize=1)
def load_embedder():
    """The wordllama model, or None when it cannot be loaded offline."""
    try:
        import wordllama
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # missing package, missing weights, incompatible version
        return None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _is_word(token: str) -> bool:
    return token.removeprefix("##").isalnum()


@dataclass
class Encoded:
    """MiniLM's reading of some texts: one vector per text, and one per word piece in context."""

    sentences: np.ndarray  # (texts, 384), unit length
    tokens: list[list[str]]  # per text, its word pieces (punctuation and markers left out)
    vectors: list[np.ndarray]  # per text, (pieces, 384), unit length


class MiniLM:
    """An all-MiniLM-L6-v2 ONNX model: L2-normalised 384-d vectors of each word piece in
    context, and their mean, the sentence vector."""

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

    def encode(self, texts: Sequence[str]) -> Encoded:
        """One pass over `texts`: their sentence vectors and their words' vectors."""
        enc = self.tokenizer.encode_batch([t or "." for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        out = self.session.run(None, {k: feed[k] for k in self.inputs})[0]
        v = (out * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        tokens, vectors = [], []
        for k, e in enumerate(enc):
            n = int(mask[k].sum())
            keep = [i for i in range(1, n - 1) if _is_word(e.tokens[i])]  # not [CLS], [SEP], punctuation
            tokens.append([e.tokens[i] for i in keep])
            vectors.append(_unit(out[k, keep].astype(np.float64)))
        return Encoded(_unit(v), tokens, vectors)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts).sentences


@lru_cache(maxsize=1)
def load_minilm() -> MiniLM | None:
    """The question encoder shipped with the program, or None when it cannot be loaded."""
    if not ENCODER.is_file() or not TOKENIZER.is_file():
        return None
    try:
        return MiniLM(ENCODER, TOKENIZER)
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


def minilm_encode(texts: Sequence[str]) -> Encoded | None:
    """MiniLM's vectors for `texts` (one encoder pass), or None without the model."""
    model = load_minilm()
    if model is None or not texts:
        return None
    return model.encode(list(texts))


def token_match(enc: Encoded, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
    """How well the words of texts `rows` and `cols` of `enc` match one by one (rows x cols):
    BERTScore's F1 (Zhang et al., 2020) on MiniLM's word-piece vectors. Each word is paired
    with its closest word in context on the other side, weighted by its IDF over the `cols`
    texts (the planned questions), so the word that tells one question from the others
    counts most. Measured against the sentence cosine in bench/bench_mapping_models.py.
    """
    n = len(cols)
    if not n or not len(rows):
        return np.zeros((len(rows), n))
    df: dict[str, int] = {}
    for j in cols:
        for t in set(enc.tokens[j]):
            df[t] = df.get(t, 0) + 1

    def weights(tokens: list[str]) -> np.ndarray:
        return np.array([math.log(1 + n / df[t]) if t in df else math.log(1 + n) for t in tokens])

    out = np.zeros((len(rows), n))
    sizes = [max(1, len(enc.tokens[j])) for j in cols]  # a text with no words keeps one zero row
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    vp = np.vstack([enc.vectors[j] if len(enc.tokens[j]) else np.zeros((1, enc.sentences.shape[1])) for j in cols])
    wp = np.concatenate([weights(enc.tokens[j]) if len(enc.tokens[j]) else np.zeros(1) for j in cols])
    wp_sum = np.maximum(np.add.reduceat(wp, starts), 1e-9)
    for r, i in enumerate(rows):
        if not enc.tokens[i]:
            continue
        sim = enc.vectors[i] @ vp.T  # (row words, all planned words)
        recall = np.add.reduceat(sim.max(axis=0) * wp, starts) / wp_sum
        wa = weights(enc.tokens[i])
        precision = (np.maximum.reduceat(sim, starts, axis=1) * wa[:, None]).sum(0) / max(wa.sum(), 1e-9)
        out[r] = np.where(recall + precision > 0, 2 * recall * precision / np.maximum(recall + precision, 1e-9), 0.0)
    return np.clip(out, 0.0, 1.0)


def minilm_scores(asked: Sequence[str], planned: Sequence[str]) -> np.ndarray | None:
    """MiniLM cosine similarity matrix (asked x planned), or None without the model."""
    model = load_minilm()
    if model is None or not asked or not planned:
        return None
    return _cosines(model.embed, asked, planned)
