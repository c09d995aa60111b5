"""Lexical similarity of two questions: stemmed content words, synonyms folded, IDF-weighted.

This is the floor of question mapping: it needs no model, is fully explainable and catches
paraphrases that share vocabulary ("hardest part" ~ "most difficult"). Synonym groups are
the words people actually swap when they ask informational-interview questions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

# Function words and question scaffolding: they say *that* something is asked, not *what*.
_STOPWORDS = """
    a an the and or but if so then than that this these those there here of in on at to for
    from by with about as into onto over under up down out off again also just only very
    really quite pretty maybe perhaps kind sort bit lot lots little much many more most
    some any each every all both either neither other another such own same
    i me my mine myself we us our ours you your yours yourself he him his she her it its
    they them their what which who whom whose when where why how whether
    is am are was were be been being do does did doing done have has had having
    will would shall should can could may might must let lets
    tell say said talk share walk through give describe explain mind wonder wondering curious
    like know think thought guess mean want wanted ask asking question questions
    please thanks thank okay ok yeah yes no not well oh um uh hmm right sure great cool
    interesting wow nice good one ones thing things something anything everything
    get got gets getting go going goes went come came make makes made
    now today currently actually generally usually typically basically
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Groups of interchangeable words; every member maps to the group's first word (after
# stemming). Kept small and specific to the questions of an informational interview.
SYNONYM_GROUPS = [
    "typical ordinary normal usual average regular standard everyday routine",
    "day daily week weekly schedule",
    "job role position work career occupation profession field line industry",
    "hard difficult tough toughest hardest challenging challenge struggle frustrating frustrate",
    "enjoy like love favorite favourite best fun rewarding satisfying",
    "future ahead next coming trend trends evolve evolving direction",
    "year years decade",
    "start begin began started beginning entry break enter",
    "skill skills ability abilities competence expertise knowledge",
    "experience background",
    "advice advise recommend recommendation suggest suggestion tip tips",
    "person people someone somebody anyone anybody contact contacts colleague colleagues",
    "talk speak chat reach connect meet",
    "hour hours time overtime",
    "pressure stress stressful deadline deadlines intense",
    "flexible flexibility remote hybrid home",
    "travel traveling travelling trip trips",
    "pay salary salaries compensation money earn earning wage wages",
    "learn learning study studying education degree course courses training school",
    "team teams coworkers group",
    "manager boss lead leader supervisor",
    "grow growth advance advancement promotion progress progression ladder",
    "surprise surprised surprising unexpected expect expected",
    "wish regret differently",
    "mistake mistakes error errors wrong",
    "tool tools software technology technologies stack",
    "culture environment atmosphere vibe",
    "hire hiring recruit recruiting recruiter candidate candidates applicant applicants",
    "interview interviews",
    "customer customers client clients user users patient patients",
    "problem problems issue issues",
    "important matter matters key critical essential",
    "biggest largest main major",
    "now today current currently present",
    "qualification qualify qualified certificate certification certified certify license licence credential diploma",
    "safe safety danger dangerous risk risky hazard hazardous injury",
    "measure metric metrics success successful succeed impact outcome",
    "quit leave leaving burnout burn",
    "network networking community communities meetup meetups association",
    "body physical physically demanding toll tiring exhausting",
    "senior seniority partner",
    "switch transition pivot move moving change changed",
]


def stem(word: str) -> str:
    """A light English suffix stripper: enough to fold plurals and verb forms together."""
    w = word
    for suffix, repl in (
        ("ational", "ate"), ("ization", "ize"), ("iveness", "ive"), ("fulness", "ful"),
        ("ousness", "ous"), ("ing", ""), ("edly", ""), ("ed", ""), ("ies", "y"),
        ("ness", ""), ("ment", ""), ("ly", ""), ("es", ""), ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":  # running -> runn -> run
        w = w[:-1]
    return w.rstrip("e") if len(w) > 4 else w


def _build_synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        words = group.split()
        head = stem(words[0])
        for w in words:
            table.setdefault(stem(w), head)
    return table


SYNONYMS = _build_synonyms()
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def terms(text: str) -> list[str]:
    """Content terms of a text: lowercased, stopwords dropped, stemmed, synonyms folded."""
    out = []
    for raw in _WORD.findall(text.lower().replace("\u2019", "'")):
        w = raw.split("'")[0]
        if w in STOPWORDS or len(w) < 2:
            continue
        s = stem(w)
        out.append(SYNONYMS.get(s, s))
    return out


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
