"""Lexical similarity of asked and planned questions: IDF-weighted cosine of content terms.

The floor of question mapping: it needs no model, is fully explainable and catches
paraphrases that share vocabulary ("hardest part" ~ "most difficult"). The terms (stop
words, stemming, synonym groups) are listenwell.text's, shared with compare and naming.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from listenwell.text import terms


class LexicalScorer:
    """Cosine similarity of IDF-weighted term counts, IDF taken from the planned questions.

    Words shared by many planned questions ("role", "work") weigh less than the word that
    tells one question from the others ("day", "path").
    """

    def __init__(self, planned: Sequence[str]):
        self.planned_terms = [terms(t) for t in planned]
        n = max(1, len(planned))
        df = Counter(t for ts in self.planned_terms for t in set(ts))
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.unseen_idf = math.log(1 + n)
        self.planned_vecs = [self._vec(ts) for ts in self.planned_terms]

    def _vec(self, ts: list[str]) -> dict[str, float]:
        return {t: c * self.idf.get(t, self.unseen_idf) for t, c in Counter(ts).items()}

    def scores(self, asked: str) -> list[float]:
        """Similarity in [0, 1] of `asked` to each planned question."""
        v = self._vec(terms(asked))
        return [_cosine(v, p) for p in self.planned_vecs]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(x * b.get(t, 0.0) for t, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values()))
    nb = math.sqrt(sum(x * x for x in b.values()))
    return dot / (na * nb)
