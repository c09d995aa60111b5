"""Measure question mapping on a labelled set (tests/data/paraphrases.toml).

Each plan in the set comes with the questions an interviewer asked, in order, labelled with
the planned question's id, or "" for follow-ups and small talk. Used by the accuracy test
and by bench/bench_report.py, which also calibrates MatchParams here.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from listenwell.analysis.question_map import MatchParams, assign, similarity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class LabelledPlan:
    name: str
    ids: list[str]
    texts: list[str]
    asked: list[str]
    labels: list[str]  # planned id or "" (not a planned question)


@dataclass
class Score:
    correct: int = 0
    total: int = 0
    paraphrases_right: int = 0
    paraphrases: int = 0
    distractors_right: int = 0
    distractors: int = 0
    ranked_first: int = 0  # paraphrases whose best-scoring planned question is the right one

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, other: Score) -> None:
        for f in self.__dataclass_fields__:
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def line(self) -> str:
        return (f"accuracy {self.accuracy:.3f} ({self.correct}/{self.total}); paraphrases "
                f"{self.paraphrases_right}/{self.paraphrases} (ranked first {self.ranked_first}); "
                f"follow-ups/small talk {self.distractors_right}/{self.distractors}")


def load_labelled(path: Path) -> list[LabelledPlan]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [
        LabelledPlan(p["name"], [q[0] for q in p["questions"]], [q[1] for q in p["questions"]],
                     [a[0] for a in p["asked"]], [a[1] for a in p["asked"]])
        for p in data["plans"]
    ]


def without_punctuation(plans: list[LabelledPlan]) -> list[LabelledPlan]:
    """The asks as a speech recogniser may give them: lowercase, no '?' or commas."""
    return [replace(p, asked=[re.sub(r"[^\w\s']", "", a).lower() for a in p.asked]) for p in plans]


def score_matrix(plan: LabelledPlan, params: MatchParams) -> tuple[np.ndarray, str]:
    return similarity([[a] for a in plan.asked], plan.texts, params)


def evaluate_scores(plan: LabelledPlan, scores: np.ndarray, params: MatchParams) -> Score:
    picks = assign(scores, params)
    sc = Score()
    for i, label in enumerate(plan.labels):
        got = plan.ids[picks[i]] if picks[i] is not None else ""
        sc.total += 1
        sc.correct += got == label
        if label:
            sc.paraphrases += 1
            sc.paraphrases_right += got == label
            sc.ranked_first += plan.ids[int(np.argmax(scores[i]))] == label
        else:
            sc.distractors += 1
            sc.distractors_right += got == ""
    return sc


def evaluate(plans: list[LabelledPlan], params: MatchParams) -> tuple[Score, str]:
    total, method = Score(), ""
    for plan in plans:
        scores, method = score_matrix(plan, params)
        total.add(evaluate_scores(plan, scores, params))
    return total, method


GRID = {
    "accept": [0.35, 0.40, 0.45, 0.50, 0.55, 0.60],
    "floor": [0.10, 0.15, 0.20, 0.25, 0.30],
    "margin": [0.0, 0.03, 0.06, 0.10, 0.15],
    "in_order_floor": [0.08, 0.12, 0.16, 1.0],  # 1.0: the rule is off
}


def calibrate(plans: list[LabelledPlan], base: MatchParams, weights: list[float] | None = None) -> tuple[MatchParams, Score]:
    """The grid point with the best accuracy on `plans` (ties: the most conservative)."""
    best: tuple[float, MatchParams, Score] | None = None
    for w in weights or [base.weight]:
        p0 = replace(base, weight=w)
        cached = [(plan, score_matrix(plan, p0)[0]) for plan in plans]
        grid = itertools.product(GRID["accept"], GRID["floor"], GRID["margin"], GRID["in_order_floor"])
        for accept, floor, margin, in_order in grid:
            if floor > accept:
                continue
            p = replace(p0, accept=accept, floor=floor, margin=margin, in_order_floor=min(in_order, floor))
            sc = Score()
            for plan, s in cached:
                sc.add(evaluate_scores(plan, s, p))
            key = sc.accuracy
            if best is None or key >= best[0] - 1e-9:  # ties: the later, stricter point
                best = (key, p, sc)
    assert best is not None
    return best[1], best[2]


def cross_validate(plans: list[LabelledPlan], base: MatchParams, weights: list[float] | None = None) -> Score:
    """Leave one plan out: calibrate on the others, score the held-out plan."""
    total = Score()
    for k, held in enumerate(plans):
        params, _ = calibrate(plans[:k] + plans[k + 1:], base, weights)
        total.add(evaluate_scores(held, score_matrix(held, params)[0], params))
    return total
