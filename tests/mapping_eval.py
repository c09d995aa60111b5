"""Measure question mapping on the labelled interviews (tests/data/paraphrases*.toml).

Each plan comes with one or more interviews: the interviewer's lines in order, each
labelled with the planned id it asks ("a+b": two at once), "" for a follow-up or small
talk question, "-" for a statement, and the interviewee's answer to it. An interview
becomes a transcript (the lines and the answers between them, which drift into other
planned topics and hold the interviewee's own rhetorical questions), goes through the real
detector (question_map.find_questions) and matcher, and is scored per planned question
(asked / not asked, at the right line), per follow-up, and for the order. Conditions: the
lines as written ("clean"), or as a recogniser gives raw speech ("recogniser": lowercase, no
punctuation, fillers, "carrier" for "career").

Used by tests/test_question_map.py and bench/bench_mapping.py, which also fits the model
and chooses the thresholds leave-one-plan-out (`cross_validate`). The shipped question
encoder was fine-tuned on these plans and more (ENCODER_SETS, tools/train_question_encoder.py),
so a held-out measurement reads each plan with an encoder trained without it (`FOLDS`).
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from listenwell.analysis import embed
from listenwell.analysis.question_map import (
    ASKED,
    NOT_ASKED,
    Match,
    MatchParams,
    find_questions,
    match_scored,
)
from listenwell.analysis.question_score import (
    FEATURES,
    PairScores,
    design,
    fit_logistic,
    pair_scores,
)
from listenwell.records import INTERVIEWEE, INTERVIEWER
from samples.script import timed_script, transcript_from_script

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA = Path(__file__).parent / "data"
LABELLED = [DATA / "paraphrases.toml", DATA / "paraphrases_spoken.toml"]
# written apart and never trained or tuned on: the shipped system measured on it as is
FRESH = DATA / "paraphrases_fresh.toml"
# written like the fresh set; the question encoder learns from them and the model is fitted
# on them too, but the thresholds are chosen on LABELLED only (see their headers)
MORE = DATA / "paraphrases_more.toml"
NEW = DATA / "paraphrases_new.toml"
EXTRA = DATA / "paraphrases_extra.toml"
EXTRA2 = DATA / "paraphrases_extra2.toml"
APART = [MORE, NEW, EXTRA, EXTRA2]  # learnt from (encoder and model), not used to choose thresholds
ENCODER_SETS = [*LABELLED, *APART]
# every line labelled again by second readers (helper agents) shown the lines and answers, not the labels
SECOND = DATA / "second_labels.json"
# held-out question encoders, each trained without a quarter of the plans (folds.json says
# which): tools/train_question_encoder.py --folds
FOLDS = Path(__file__).resolve().parent.parent / "bench" / "out" / "encoder-folds"


@dataclass
class Interview:
    lines: list[str]
    labels: list[str]  # planned id, "a+b", "" (follow-up question) or "-" (a statement)
    answers: list[str]  # what the interviewee replied to each line


@dataclass
class LabelledPlan:
    name: str
    ids: list[str]
    texts: list[str]
    themes: list[str]
    interviews: list[Interview]


def load_labelled(paths: list[Path] | Path = LABELLED) -> list[LabelledPlan]:
    out = []
    for path in [paths] if isinstance(paths, Path) else paths:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        for p in data["plans"]:
            lists = p.get("interviews") or [p["asked"]]
            out.append(LabelledPlan(p["name"], [q[0] for q in p["questions"]], [q[1] for q in p["questions"]],
                                    [q[2] if len(q) > 2 else "" for q in p["questions"]],
                                    [_interview(x) for x in lists]))
    return out


def _interview(lines: list[list[str]]) -> Interview:
    if any(len(a) != 3 for a in lines):
        raise ValueError(f"each line is [text, label, answer]: {next(a for a in lines if len(a) != 3)}")
    return Interview(*(list(x) for x in zip(*lines, strict=True)))


def counts(plans: list[LabelledPlan]) -> dict[str, int]:
    labels = [lab for p in plans for iv in p.interviews for lab in iv.labels]
    return {"plans": len(plans), "interviews": sum(len(p.interviews) for p in plans),
            "paraphrases": sum(len(lab.split("+")) for lab in labels if lab not in ("", "-")),
            "two_in_one": sum(1 for lab in labels if "+" in lab),
            "followups": labels.count(""), "statements": labels.count("-")}


# ---- conditions -------------------------------------------------------------------------


def recogniser(text: str, k: int) -> str:
    """A line as a recogniser may write raw speech: lowercase, no punctuation, a filler now
    and then, "carrier" for "career"."""
    t = re.sub(r"[^\w\s']", " ", text.lower())
    t = re.sub(r"\bcareer", "carrier", t)
    t = " ".join(t.split())
    filler = ("um ", "", "so uh ", "", "okay ")[k % 5]
    return filler + t


def transcript_of(iv: Interview, condition: str = "clean"):
    """The interview as a transcript (with answers), and each line's (start, end)."""
    script = []
    for k, (line, answer) in enumerate(zip(iv.lines, iv.answers, strict=True)):
        script.append((INTERVIEWER, recogniser(line, k) if condition == "recogniser" else line))
        script.append((INTERVIEWEE, recogniser(answer, k + 1) if condition == "recogniser" else answer))
    timed = timed_script(script)
    return transcript_from_script(timed), [(s, e) for spk, _, s, e in timed if spk == INTERVIEWER]


@dataclass
class Measured:
    """One interview through the detector, with its pairs measured once."""

    plan: LabelledPlan
    interview: Interview
    line_of_ask: list[int]  # each detected ask's line (-1: none)
    scores: PairScores


def measure(plan: LabelledPlan, iv: Interview, condition: str = "clean", method: str = "combined",
            transcript=None, spans=None) -> Measured:
    if transcript is None:
        transcript, spans = transcript_of(iv, condition)
    # the product finds asks by the plan's words only with the sentence model (no fallback)
    asked = find_questions(transcript, planned=plan.texts if method == "combined" else ())
    line_of = []
    for a in asked:  # the line the ask overlaps most (recognised word times drift a little)
        cover = [max(0.0, min(e, a.end) - max(s, a.start)) for s, e in spans]
        best = int(np.argmax(cover)) if cover else -1
        line_of.append(best if best >= 0 and cover[best] > 0 else -1)
    scores = pair_scores([a.sentences for a in asked], plan.texts, (), method, [a.reply for a in asked])
    return Measured(plan, iv, line_of, scores)


def measure_all(plans: list[LabelledPlan], condition: str = "clean", method: str = "combined",
                folds: Path | None = None) -> list[Measured]:
    """Every interview measured; with `folds`, each plan read by the encoder trained without it."""
    out = []
    for p in plans:
        with encoder(fold_model(folds, p.name)):
            out += [measure(p, iv, condition, method) for iv in p.interviews]
    return out


def _fold_of(folds: Path, plan: str) -> Path | None:
    index = folds / "folds.json"
    groups = json.loads(index.read_text(encoding="utf-8")) if index.is_file() else []
    k = next((k for k, names in enumerate(groups) if plan in names), None)
    return None if k is None else folds / f"fold{k}.onnx"


def complete_folds(plans: list[LabelledPlan], folds: Path = FOLDS) -> Path | None:
    """`folds` when it holds an encoder trained without each plan in `plans`, else None."""
    paths = [_fold_of(folds, p.name) for p in plans]
    return folds if all(path is not None and path.is_file() for path in paths) else None


def fold_model(folds: Path | None, plan: str) -> Path | None:
    """The encoder trained without `plan` (None: the shipped one)."""
    if folds is None:
        return None
    path = _fold_of(folds, plan)
    if path is None or not path.is_file():
        raise FileNotFoundError(f"no encoder without {plan} in {folds}: `make encoder-folds` makes them")
    return path


@contextmanager
def encoder(path: Path | None) -> Iterator[None]:
    """The question encoder replaced by the ONNX model at `path` while inside (None: as shipped)."""
    if path is None:
        yield
        return
    model = embed.MiniLM(path, embed.TOKENIZER)
    shipped = embed.load_minilm
    embed.load_minilm = lambda: model
    try:
        yield
    finally:
        embed.load_minilm = shipped


# ---- scoring ------------------------------------------------------------------------------


@dataclass
class Score:
    planned_right: int = 0
    planned: int = 0
    not_asked: int = 0
    false_asked: int = 0
    missed: int = 0  # asked but reported not asked (or maybe)
    maybes: int = 0
    maybe_right: int = 0  # maybes that were really that question
    followups: int = 0  # labelled follow-up questions
    followups_found: int = 0
    reported_followups: int = 0
    reported_right: int = 0
    interviews: int = 0
    order_right: int = 0
    lines_right: int = 0
    lines: int = 0
    per_plan: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.planned_right / self.planned if self.planned else 0.0

    @property
    def false_asked_rate(self) -> float:
        return self.false_asked / self.not_asked if self.not_asked else 0.0

    @property
    def followup_recall(self) -> float:
        return self.followups_found / self.followups if self.followups else 1.0

    @property
    def followup_precision(self) -> float:
        return self.reported_right / self.reported_followups if self.reported_followups else 1.0

    @property
    def order(self) -> float:
        return self.order_right / self.interviews if self.interviews else 0.0

    def add(self, other: Score) -> None:
        for f in self.__dataclass_fields__:
            if f == "per_plan":
                for k, (a, b) in other.per_plan.items():
                    x, y = self.per_plan.get(k, (0, 0))
                    self.per_plan[k] = (x + a, y + b)
            else:
                setattr(self, f, getattr(self, f) + getattr(other, f))

    def worst_plan(self) -> tuple[str, float]:
        name, (a, b) = min(self.per_plan.items(), key=lambda kv: kv[1][0] / max(1, kv[1][1]))
        return name, a / max(1, b)

    def interval(self, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
        """A 95 % bootstrap interval of `accuracy` over plans (plans drawn with replacement):
        how much the number would move with another set of careers."""
        if not self.per_plan:
            return 0.0, 0.0
        counts = np.array(list(self.per_plan.values()), dtype=float)
        pick = np.random.default_rng(seed).integers(0, len(counts), (draws, len(counts)))
        drawn = counts[pick].sum(axis=1)
        acc = drawn[:, 0] / np.maximum(drawn[:, 1], 1)
        return float(np.percentile(acc, 2.5)), float(np.percentile(acc, 97.5))

    def line(self) -> str:
        worst, acc = self.worst_plan() if self.per_plan else ("-", 0.0)
        return (f"planned right {self.accuracy:.3f} ({self.planned_right}/{self.planned}), worst plan {acc:.2f} ({worst}); "
                f"false asked {self.false_asked_rate:.3f} ({self.false_asked}/{self.not_asked}); "
                f"follow-ups recall {self.followup_recall:.3f} ({self.followups_found}/{self.followups}) "
                f"precision {self.followup_precision:.3f} ({self.reported_right}/{self.reported_followups}); "
                f"order {self.order:.3f} ({self.order_right}/{self.interviews}); maybe {self.maybe_right}/{self.maybes} right")


def score_interview(m: Measured, params: MatchParams, coefficients: dict | None = None) -> Score:
    return score_matches(m.plan, m.interview, m.line_of_ask, match_scored(m.scores, params, coefficients))


def score_matches(plan: LabelledPlan, iv: Interview, line_of_ask: list[int], matches: list[Match]) -> Score:
    """One interview's matches (one per ask, each at line `line_of_ask`) against its labels."""
    truth: dict[str, int] = {}
    for k, lab in enumerate(iv.labels):
        for x in lab.split("+") if lab not in ("", "-") else []:
            truth.setdefault(x, k)
    got: dict[str, int] = {}
    sc = Score(interviews=1)
    line_state = {}
    for k, match in zip(line_of_ask, matches, strict=True):
        ids = [plan.ids[j] for j in ([match.planned] if match.planned is not None else []) + (match.also or [])]
        for x in ids:
            got.setdefault(x, k)
        line_state[k] = ids
        if match.state != ASKED:
            sc.reported_followups += 1
            sc.reported_right += k >= 0 and iv.labels[k] == ""
        if match.maybe is not None:
            sc.maybes += 1
            sc.maybe_right += k >= 0 and plan.ids[match.maybe] in iv.labels[k].split("+")
    for k, lab in enumerate(iv.labels):
        if lab == "":
            sc.followups += 1
            sc.followups_found += k in line_state and not line_state[k]
        if lab != "-":
            want = [] if lab == "" else sorted(lab.split("+"))
            sc.lines += 1
            sc.lines_right += sorted(line_state.get(k, [])) == want
    for qid in plan.ids:
        sc.planned += 1
        if qid in truth:
            right = qid in got and qid in iv.labels[got[qid]].split("+")
            sc.missed += qid not in got
        else:
            sc.not_asked += 1
            right = qid not in got
            sc.false_asked += qid in got
        sc.planned_right += right
    sc.per_plan = {plan.name: (sc.planned_right, sc.planned)}
    rank = {qid: j for j, qid in enumerate(plan.ids)}
    sc.order_right = int(sorted(truth, key=lambda x: (truth[x], rank[x])) == sorted(got, key=lambda x: (got[x], rank[x])))
    return sc


def evaluate(measured: list[Measured], params: MatchParams, coefficients: dict | None = None) -> Score:
    total = Score()
    for m in measured:
        total.add(score_interview(m, params, coefficients))
    return total


def second_reader(plans: list[LabelledPlan], path: Path = SECOND) -> Score:
    """The second labels (`SECOND`) scored as if they were the system's answers: how far a
    careful reader, given the lines and answers but not the labels, agrees with the data."""
    labels = json.loads(path.read_text(encoding="utf-8"))
    total = Score()
    for plan in plans:
        for iv, second in zip(plan.interviews, labels[plan.name], strict=True):
            lines = [k for k, lab in enumerate(second) if lab != "-"]
            matches = []
            for k in lines:
                ids = [plan.ids.index(x) for x in second[k].split("+")] if second[k] else []
                matches.append(Match(ids[0], 1.0, 1.0, ASKED, also=ids[1:] or None) if ids else Match(None, 0.0, 0.0, NOT_ASKED))
            total.add(score_matches(plan, iv, lines, matches))
    return total


# ---- fitting and choosing thresholds, leave one plan out -----------------------------------


def training_pairs(measured: list[Measured]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for m in measured:
        f = design(m.scores.features, m.scores.method)
        for i, k in enumerate(m.line_of_ask):
            labels = m.interview.labels[k].split("+") if k >= 0 else []
            for j, qid in enumerate(m.plan.ids):
                xs.append(f[i, j])
                ys.append(1.0 if qid in labels else 0.0)
    return np.array(xs), np.array(ys)


def fit(measured: list[Measured], method: str) -> dict[str, tuple[float, ...]]:
    x, y = training_pairs(measured)
    return {method: tuple(float(round(b, 3)) for b in fit_logistic(x, y))}


GRID = {
    "asked": [0.3, 0.4, 0.5, 0.6, 0.7],
    "maybe": [0.2, 0.1],  # the objective rarely tells them apart; on a tie, fewer maybes to confirm
}
FALSE_ASKED_COST = 2.0  # a false "asked" hides a skipped question: worse than a miss


def objective(sc: Score) -> float:
    return sc.planned_right - FALSE_ASKED_COST * sc.false_asked + 0.5 * (sc.followups_found + sc.reported_right)


def calibrate(measured: list[Measured], method: str = "combined",
              extra: Sequence[Measured] = ()) -> tuple[MatchParams, dict, Score]:
    """The model fitted on `measured` and `extra` (more plans, to learn from only), and the
    grid point with the best objective on `measured`."""
    coefficients = fit([*measured, *extra], method)
    best: tuple[float, MatchParams, Score] | None = None
    for asked, maybe in itertools.product(GRID["asked"], GRID["maybe"]):
        if maybe >= asked:
            continue
        p = MatchParams(method=method, asked=asked, maybe=maybe)
        sc = evaluate(measured, p, coefficients)
        if best is None or objective(sc) > best[0] + 1e-9:
            best = (objective(sc), p, sc)
    assert best is not None
    return best[1], coefficients, best[2]


def cross_validate(measured: list[Measured], method: str = "combined",
                   others: dict[str, list[Measured]] | None = None,
                   extra: Sequence[Measured] = ()) -> tuple[Score, dict[str, Score]]:
    """Leave one plan out, over the plans of `measured` and `extra`: the model fitted on every
    other plan, the thresholds chosen on the other plans of `measured`; the held-out plan's
    interviews scored (in `measured`, and in each of `others`, measured the same way)."""
    total, total_others = Score(), {k: Score() for k in (others or {})}
    for name in sorted({m.plan.name for m in [*measured, *extra]}):
        params, coefficients, _ = calibrate([m for m in measured if m.plan.name != name], method,
                                            [m for m in extra if m.plan.name != name])
        total.add(evaluate([m for m in measured if m.plan.name == name], params, coefficients))
        for k, ms in (others or {}).items():
            total_others[k].add(evaluate([m for m in ms if m.plan.name == name], params, coefficients))
    return total, total_others


__all__ = ["APART", "EXTRA", "EXTRA2", "FEATURES", "FOLDS", "FRESH", "LABELLED", "MORE", "NEW", "Interview", "LabelledPlan", "Measured", "Score", "calibrate", "complete_folds", "counts",
           "cross_validate", "encoder", "evaluate", "fold_model", "load_labelled", "second_reader", "ENCODER_SETS", "measure", "measure_all", "replace", "transcript_of"]


def reliability(measured: list[Measured], method: str = "combined", extra: Sequence[Measured] = (),
                bins: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> list[tuple[float, float, int, int]]:
    """Calibration, leave one plan out: each ask of `measured`, its most likely planned
    question, by P (fitted on the other plans, with `extra`'s): (low, high, asks in the bin,
    how many were right)."""
    from listenwell.analysis.question_score import probabilities

    pairs = []
    for name in sorted({m.plan.name for m in measured}):
        coefficients = fit([m for m in [*measured, *extra] if m.plan.name != name], method)
        for m in (m for m in measured if m.plan.name == name):
            prob = probabilities(m.scores, coefficients)
            for i, k in enumerate(m.line_of_ask):
                if prob.shape[1]:
                    j = int(np.argmax(prob[i]))
                    labels = m.interview.labels[k].split("+") if k >= 0 else []
                    pairs.append((float(prob[i, j]), m.plan.ids[j] in labels))
    out = []
    for lo, hi in zip(bins, bins[1:], strict=False):
        inside = [ok for p, ok in pairs if lo <= p < hi or (hi == bins[-1] and p == hi)]
        out.append((lo, hi, len(inside), sum(inside)))
    return out
