"""Which planned question did the interviewer ask, and when, and how sure is that?

Two steps, both pure:
1. `find_questions`: the interviewer's turns that ask something ('?' from Whisper's
   punctuation, an interrogative opening such as "what", "could you", "walk me through",
   or, in raw unpunctuated recogniser text, a question inside the sentence:
   listenwell.text.asks). A short lead-in sentence with content ("I'm curious about
   money.") is kept with the question that follows it.
2. `match_questions`: every (ask, planned question) pair gets a calibrated probability
   (question_score.py: two sentence encoders, word overlap, how much the pair stands out,
   signs of a follow-up, what the interviewee replied), then best pairs first, each planned
   question at most once: a pair at or above `asked` is asked, one at or above `maybe` is a
   maybe (shown, never counted as asked until the user confirms it), the rest are
   follow-ups. One ask may hold two planned questions when two different clauses each
   match one confidently. The plan's order decides nothing: an ask is placed by its own
   evidence (a rule that let a weak ask take the planned question between two confident
   matches lost accuracy on plans it was not tuned on: docs/report.md).

The parameters were chosen by leave-one-plan-out cross-validation on tests/data/
(bench/bench_mapping.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from listenwell.analysis.lexical import LexicalScorer
from listenwell.analysis.question_score import PairScores, pair_scores, probabilities, strip_names
from listenwell.analysis.talk import is_acknowledgement
from listenwell.intervals import overlap
from listenwell.records import INTERVIEWER, Transcript
from listenwell.text import asks, split_sentences, spoken_clean, terms

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
    reply: str = ""  # what the other speakers said after the turn, up to the interviewer's next words (not "mm-hm")


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


# word-by-word similarity (embed.token_match) from which an interviewer turn without a
# question's form is taken as asking a planned question: 95 % of the labelled set's asks
# reach it with their planned question, 7 % of the other pairs and none of its small talk
# (each plan read by the encoder trained without it, as raw recogniser text)
PLAN_WORDS = 0.4
_ENDS_SENTENCE = re.compile(r"[.?!…]['\")]*\s*$")


def find_questions(transcript: Transcript, interviewer: str = INTERVIEWER,
                   planned: Sequence[str] = ()) -> list[AskedQuestion]:
    """The interviewer's turns that ask something, in time order; with the `planned`
    questions, also an unpunctuated turn without a question's form that says one of them
    in other words (raw recogniser text: "is jet lag something you get used to")."""
    turns: list[list[Sentence]] = []
    replies: list[list[str]] = []  # per turn: the other speakers' sentences after it
    last: Sentence | None = None
    for s in sorted(sentences(transcript), key=lambda s: s.start):
        if s.speaker != interviewer:
            if s.speaker is not None:
                last = s
                if replies:
                    replies[-1].append(s.text)
            continue
        if turns and last is not None and last.speaker == interviewer and s.start - last.end < SAME_TURN_GAP_S:
            turns[-1].append(s)
        else:
            turns.append([s])
            replies.append([])
        last = s
    for t in range(len(turns) - 2, -1, -1):  # "mm-hm" in the middle of an answer does not end it
        if all(is_acknowledgement(s.text) for s in turns[t + 1]):
            replies[t] += replies[t + 1]
    found = [[n for n, s in enumerate(turn) if asks(s.text)] for turn in turns]
    if planned:
        _says_planned(turns, found, planned)
    asked = []
    for turn, k, reply in zip(turns, found, replies, strict=True):
        if not k:
            continue
        qs = [turn[n] for n in k]
        texts = [s.text for s in qs]
        lead = turn[k[0] - 1] if k[0] > 0 else None
        if lead is not None and _is_lead_in(lead.text):  # "I'm curious about money. What do ... earn?"
            texts[0] = f"{lead.text} {texts[0]}"
        asked.append(AskedQuestion(qs[0].start, turn[-1].end, " ".join(s.text for s in qs), texts, " ".join(reply)))
    return asked


def _says_planned(turns: list[list[Sentence]], found: list[list[int]], planned: Sequence[str]) -> None:
    """Adds to `found` the unpunctuated sentences of turns with no question found whose
    words match a planned question's at least PLAN_WORDS (one encoder pass; nothing
    without the model)."""
    from listenwell.analysis.embed import minilm_encode, token_match

    # only unpunctuated text: where the recogniser wrote a full stop, the interviewer was
    # most likely saying something ("I'm thinking of moving into data work.")
    todo = [(t, n) for t, k in enumerate(found) if not k for n in range(len(turns[t]))
            if not _ENDS_SENTENCE.search(turns[t][n].text)]
    texts = [spoken_clean(turns[t][n].text) or "." for t, n in todo]
    enc = minilm_encode(texts + list(planned)) if todo else None
    if enc is None:
        return
    words = token_match(enc, range(len(texts)), range(len(texts), len(texts) + len(planned)))
    for (t, n), row in zip(todo, words, strict=True):
        if row.max() >= PLAN_WORDS:
            found[t].append(n)


# A sentence before the question, up to this long, is its lead-in ("I hear pay goes up a lot
# as you get through the exams. How does that work?"); longer, it is a speech of its own.
# 12 until 7 December: 20 gave more right on the held-out plans and none fewer anywhere
# (docs/report.md); 40 measured about the same.
LEAD_IN_MAX_WORDS = 20


def _is_lead_in(text: str) -> bool:
    """A sentence with something to say about the topic, not "Thanks, that's great." """
    return len(text.split()) <= LEAD_IN_MAX_WORDS and bool(terms(text))




# ---- matching asked questions to planned ones ----------------------------------------------

ASKED, MAYBE, NOT_ASKED = "asked", "maybe", "not asked"


@dataclass(frozen=True)
class MatchParams:
    """How sure a match must be, as P(ask is the planned question); chosen by
    leave-one-plan-out cross-validation (bench/bench_mapping.py)."""

    method: str = "combined"  # "combined" (sentence encoders + words) or "lexical"
    asked: float = 0.4  # at or above: asked
    maybe: float = 0.2  # at or above (and below `asked`): maybe


DEFAULT_PARAMS = MatchParams()
LEXICAL_PARAMS = MatchParams(method="lexical", asked=0.6)


@dataclass
class Match:
    planned: int | None  # index into the planned questions when asked, None = follow-up (or maybe)
    score: float  # similarity of the ask's closest part to that planned question (or to the closest one)
    confidence: float = 0.0  # P(the ask is `planned`, or `maybe`), calibrated
    state: str = NOT_ASKED  # asked | maybe | not asked (a follow-up)
    maybe: int | None = None  # the planned question it may be, when state is maybe
    also: list[int] | None = None  # a second planned question asked in the same breath
    also_confidence: list[float] | None = None
    probs: list[float] | None = None  # P(the ask is each planned question)
    scores: dict[int, float] | None = None  # similarity to the `also` questions


def similarity(
    asked: Sequence[Sequence[str]],
    planned: Sequence[str],
    params: MatchParams = DEFAULT_PARAMS,
    names: Sequence[str] = (),
) -> tuple[np.ndarray, str]:
    """Similarity matrix (asked x planned) in [0, 1] (the best part of each ask, by the
    sentence encoder, else by word overlap) and the method used. compare_match.py blends it."""
    ps = pair_scores(asked, planned, names, params.method)
    return ps.similarity, ps.method


def assign(prob: np.ndarray, clause: np.ndarray | None = None, params: MatchParams = DEFAULT_PARAMS) -> list[Match]:
    """States from probabilities (asks x planned): best pairs first; each planned question
    at most once, each ask at most once but for a second, disjoint clause asked confidently."""
    n_a, n_p = prob.shape if prob.size else (len(prob), 0)
    out = [Match(None, 0.0) for _ in range(n_a)]
    if not n_a or not n_p:
        return out
    taken: set[int] = set()
    order = sorted(((float(prob[i, j]), i, j) for i in range(n_a) for j in range(n_p)), reverse=True)
    for p, i, j in order:
        if p < params.maybe:
            break
        if j in taken:
            continue
        if p >= params.asked and _second_clause(out[i], clause, i, j):
            # a question asked in its own clause of an ask that holds another one stays there
            taken.add(j)
            out[i].also, out[i].also_confidence = [j], [p]
            continue
        i = _earliest(prob, out, i, j, params.asked)
        p = float(prob[i, j])  # the confidence of the ask that takes it
        m = out[i]
        if m.state == NOT_ASKED:
            taken.add(j)
            if p >= params.asked:
                m.planned, m.state, m.confidence = j, ASKED, p
            else:
                m.maybe, m.state, m.confidence = j, MAYBE, p
    return out


def _second_clause(m: Match, clause: np.ndarray | None, i: int, j: int) -> bool:
    """Ask `i` (matched as `m`) is asked and says `j` in a clause of its own: two in one breath."""
    return (m.state == ASKED and not m.also and clause is not None and m.planned is not None
            and clause[i, j] >= 0 and clause[i, m.planned] >= 0 and clause[i, j] != clause[i, m.planned])


def _earliest(prob: np.ndarray, out: list[Match], i: int, j: int, asked: float) -> int:
    """The first free ask that asks `j` confidently and likes it best: a planned question
    comes before its follow-ups, which share its words."""
    if prob[i, j] < asked:
        return i
    for k in range(i):
        if out[k].state == NOT_ASKED and prob[k, j] >= asked and int(np.argmax(prob[k])) == j:
            return k
    return i


def match_questions(
    asked: Sequence[Sequence[str]],
    planned: Sequence[str],
    params: MatchParams = DEFAULT_PARAMS,
    names: Sequence[str] = (),
    replies: Sequence[str] | None = None,
) -> tuple[list[Match], str]:
    """Match asked questions (each a list of sentences) to planned question texts.

    `names` (the plan's company and people) are left out of the comparison. `replies`: what
    the interviewee said to each ask (AskedQuestion.reply); without them each ask stands for
    its own reply.
    """
    if not asked:
        return [], "none"
    if not planned:
        return [Match(None, 0.0) for _ in asked], "none"
    scores = pair_scores(asked, planned, names, params.method, replies)
    return match_scored(scores, params), scores.method


def match_scored(scores: PairScores, params: MatchParams = DEFAULT_PARAMS,
                 coefficients: dict | None = None) -> list[Match]:
    """The matches from measured pairs (for the bench: measure once, try many parameters)."""
    if scores.method == "lexical" and params.method != "lexical":
        params = LEXICAL_PARAMS  # thresholds chosen for the lexical model
    prob = probabilities(scores, coefficients)
    out = assign(prob, scores.clause, params)
    for i, m in enumerate(out):
        j = m.planned if m.planned is not None else m.maybe
        m.score = float(scores.similarity[i, j] if j is not None else scores.similarity[i].max())
        m.probs = [round(float(x), 4) for x in prob[i]]
        m.scores = {j: float(scores.similarity[i, j]) for j in m.also or []}
    return out


__all__ = ["ASKED", "MAYBE", "NOT_ASKED", "AskedQuestion", "LexicalScorer", "Match", "MatchParams",
           "find_questions", "match_questions", "sentences", "similarity", "strip_names"]
