"""Which planned question did the interviewer ask, and when?

Two steps, both pure:
1. `find_questions`: the interviewer's turns in question form ('?' from Whisper's
   punctuation, or an interrogative opening such as "what", "could you", "walk me through":
   listenwell.text.is_question, shared with the naming of speakers).
2. `match_questions`: each asked question against each planned question by meaning
   (lexical similarity with stemming and synonyms, plus wordllama embeddings when they
   load), then an assignment that uses the conversation's structure instead of one bare
   threshold: every planned question is matched at most once, best pairs first; a pair is
   accepted when it is clearly similar, or when it is a mutual best match that stands out
   from the asked question's runner-up. What is left over is a follow-up.

The parameters were measured on tests/data/paraphrases.toml (see bench/bench_report.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from listenwell.analysis.lexical import LexicalScorer
from listenwell.intervals import overlap
from listenwell.records import INTERVIEWER, Transcript
from listenwell.text import is_question, split_sentences

# ---- finding the interviewer's questions -------------------------------------------------

SAME_TURN_GAP_S = 1.5  # interviewer sentences closer than this (with no answer between) are one turn


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    speaker: str | None


@dataclass
class AskedQuestion:
    """One interviewer turn that asks something."""

    start: float  # when the first question sentence starts
    end: float  # when the interviewer's turn ends
    text: str  # the question sentences of the turn
    sentences: list[str]


def sentences(transcript: Transcript) -> list[Sentence]:
    """The transcript cut into sentences, each with times and speaker.

    Whisper segments may hold several sentences and, with diarization, several speakers;
    words carry both, so sentences are cut at word level where words are present.
    """
    out: list[Sentence] = []
    for seg in transcript.segments:
        if not seg.words:
            for part in split_sentences(seg.text):
                out.append(Sentence(seg.start, seg.end, part, seg.speaker))
            continue
        cur: list = []
        for w in seg.words:
            if cur and (w.speaker or seg.speaker) != (cur[-1].speaker or seg.speaker):
                out.append(_sentence(cur, seg.speaker))
                cur = []
            cur.append(w)
            if re.search(r"[.?!]['\"]?$", w.word.strip()):
                out.append(_sentence(cur, seg.speaker))
                cur = []
        if cur:
            out.append(_sentence(cur, seg.speaker))
    for s in out:  # segments not labelled: take the speaker whose turns cover the sentence most
        if s.speaker is None and transcript.turns:
            cover: dict[str, float] = {}
            for t in transcript.turns:
                cover[t.speaker] = cover.get(t.speaker, 0.0) + overlap((t.start, t.end), (s.start, s.end))
            best = max(cover, key=cover.get)
            s.speaker = best if cover[best] > 0 else None
    return [s for s in out if s.text]


def _sentence(words: list, default_speaker: str | None) -> Sentence:
    text = "".join(w.word for w in words).strip()
    if not text.startswith(" ") and " " not in "".join(w.word[:1] for w in words):
        text = " ".join(w.word.strip() for w in words)  # words without leading spaces
    return Sentence(words[0].start, words[-1].end, " ".join(text.split()), words[0].speaker or default_speaker)


def find_questions(transcript: Transcript, interviewer: str = INTERVIEWER) -> list[AskedQuestion]:
    """The interviewer's turns that ask something, in time order."""
    turns: list[list[Sentence]] = []
    last: Sentence | None = None
    for s in sorted(sentences(transcript), key=lambda s: s.start):
        if s.speaker != interviewer:
            if s.speaker is not None:
                last = s
            continue
        if turns and last is not None and last.speaker == interviewer and s.start - last.end < SAME_TURN_GAP_S:
            turns[-1].append(s)
        else:
            turns.append([s])
        last = s
    asked = []
    for turn in turns:
        qs = [s for s in turn if is_question(s.text)]
        if qs:
            asked.append(AskedQuestion(qs[0].start, turn[-1].end, " ".join(s.text for s in qs), [s.text for s in qs]))
    return asked


# ---- matching asked questions to planned ones ----------------------------------------------


@dataclass(frozen=True)
class MatchParams:
    """How sure a match must be; measured on the labelled set (bench/bench_report.py)."""

    method: str = "combined"  # "lexical", "embedding" or "combined"
    weight: float = 0.9  # share of the embedding in the combined score
    accept: float = 0.60  # accepted outright at or above this score
    floor: float = 0.25  # a mutual best match is accepted down to this score ...
    margin: float = 0.03  # ... when it beats the asked question's runner-up by this much
    # An asked question that sits, in the conversation, between two matched questions and
    # whose best remaining candidate is the planned question between them in the plan's
    # order is accepted down to this score: people tend to follow their plan.
    in_order_floor: float = 0.12


DEFAULT_PARAMS = MatchParams()


def strip_names(text: str, names: Sequence[str]) -> str:
    """Text without the plan's names (company, people): they say where, not what is asked."""
    for name in names:
        for part in name.split():
            if len(part) > 2:
                text = re.sub(rf"\b{re.escape(part)}(?:'s)?\b", " ", text, flags=re.I)
    return " ".join(text.split())


def similarity(
    asked: Sequence[Sequence[str]],
    planned: Sequence[str],
    params: MatchParams = DEFAULT_PARAMS,
    names: Sequence[str] = (),
) -> tuple[np.ndarray, str]:
    """Score matrix (asked x planned) in [0, 1] and the method actually used.

    Each asked question is a list of its sentences; its score is the best of the whole
    turn and each sentence alone, so small talk around a question does not dilute it.
    """
    from listenwell.analysis.embed import embedding_scores

    variants, owner = [], []
    for i, sents in enumerate(asked):
        for text in ([" ".join(sents)] + list(sents)) if len(sents) > 1 else list(sents):
            variants.append(strip_names(text, names))
            owner.append(i)
    planned = [strip_names(t, names) for t in planned]
    lex = LexicalScorer(planned)
    lexical = np.array([lex.scores(t) for t in variants]).reshape(len(variants), len(planned))
    method = params.method
    emb = embedding_scores(variants, planned) if method != "lexical" else None
    if emb is None:
        scores, method = lexical, "lexical"
    elif method == "embedding":
        scores = np.clip(emb, 0, 1)
    else:
        scores = params.weight * np.clip(emb, 0, 1) + (1 - params.weight) * lexical
    out = np.zeros((len(asked), len(planned)))
    for row, i in enumerate(owner):
        out[i] = np.maximum(out[i], scores[row])
    return out, method


def assign(scores: np.ndarray, params: MatchParams = DEFAULT_PARAMS) -> list[int | None]:
    """For each asked question, the planned question it asks (an index) or None.

    Best pair first; each planned question and each asked question is used at most once.
    Then questions left between two matches may take the planned question between them.
    """
    n_asked, n_planned = scores.shape if scores.size else (len(scores), 0)
    result: list[int | None] = [None] * n_asked
    if n_asked == 0 or n_planned == 0:
        return result
    s = scores.astype(float).copy()
    free_rows, free_cols = set(range(n_asked)), set(range(n_planned))
    while free_rows and free_cols:
        sub = np.full_like(s, -np.inf)
        rows, cols = sorted(free_rows), sorted(free_cols)
        sub[np.ix_(rows, cols)] = s[np.ix_(rows, cols)]
        i, j = np.unravel_index(int(np.argmax(sub)), s.shape)
        best = sub[i, j]
        if not np.isfinite(best) or best < params.floor:
            break
        others = [sub[i, k] for k in cols if k != j and np.isfinite(sub[i, k])]
        runner_up = max(others) if others else 0.0
        if best >= params.accept or best - runner_up >= params.margin:
            result[i] = int(j)
            free_rows.discard(i)
            free_cols.discard(j)
        else:
            s[i, j] = -np.inf  # not convincing: try the next pair
    if params.in_order_floor < params.floor:
        _fill_in_order(scores, result, params.in_order_floor)
    return result


def _fill_in_order(scores: np.ndarray, result: list[int | None], floor: float) -> None:
    """Match leftover asked questions to planned ones that fit the plan's order around them."""
    while True:
        taken = {j for j in result if j is not None}
        best: tuple[float, int, int] | None = None
        for i, j0 in enumerate(result):
            if j0 is not None:
                continue
            before = [j for j in result[:i] if j is not None]
            after = [j for j in result[i + 1:] if j is not None]
            lo = before[-1] if before else -1
            hi = after[0] if after else scores.shape[1]
            gap = [j for j in range(lo + 1, hi) if j not in taken]
            if not gap:
                continue
            j = max(gap, key=lambda k: scores[i, k])
            # the in-order candidate must also be this question's best free candidate overall
            free = [k for k in range(scores.shape[1]) if k not in taken]
            if scores[i, j] >= floor and scores[i, j] >= max(scores[i, k] for k in free) and (best is None or scores[i, j] > best[0]):
                best = (float(scores[i, j]), i, j)
        if best is None:
            return
        result[best[1]] = best[2]


@dataclass
class Match:
    planned: int | None  # index into the planned questions, None = follow-up
    score: float  # similarity to that planned question (or to the closest one)


def match_questions(
    asked: Sequence[Sequence[str]],
    planned: Sequence[str],
    params: MatchParams = DEFAULT_PARAMS,
    names: Sequence[str] = (),
) -> tuple[list[Match], str]:
    """Match asked questions (each a list of sentences) to planned question texts.

    `names` (the plan's company and people) are left out of the comparison.
    """
    if not asked:
        return [], "none"
    if not planned:
        return [Match(None, 0.0) for _ in asked], "none"
    scores, method = similarity(asked, planned, params, names)
    if method == "lexical" and params.method != "lexical":
        params = LEXICAL_PARAMS  # thresholds measured for the lexical scale
    picks = assign(scores, params)
    return [Match(j, float(scores[i, j] if j is not None else scores[i].max())) for i, j in enumerate(picks)], method


LEXICAL_PARAMS = MatchParams(method="lexical", accept=0.60, floor=0.20, margin=0.03, in_order_floor=0.20)
