"""The user's decisions about planned questions (corrections.json), applied to the report.

A decision overrides the automatic matching, whatever its confidence:
- "asked at T": the ask at T is that planned question (an ask is made from the sentence
  spoken at T when the detector found none there); any other ask matched to it becomes a
  follow-up, and the question the ask at T had before is free again;
- "not asked": no ask is that planned question (its ask becomes a follow-up).
Pure functions over the asks (question_map.find_questions), their matches and the rows
of the question table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from listenwell.analysis.question_map import AskedQuestion, Match, sentences
from listenwell.corrections import ASKED, NOT_ASKED, QuestionFix
from listenwell.plan import Question
from listenwell.records import Transcript
from listenwell.report_records import QuestionResult

NEAR_S = 3.0  # an ask that starts this close to a decision's time is the one it means


def ask_at(asked: Sequence[AskedQuestion], at: float) -> int | None:
    """The index of the ask that `at` points at: one that holds it, else the nearest start
    within NEAR_S."""
    holding = [k for k, a in enumerate(asked) if a.start - 0.5 <= at <= a.end + 0.5]
    if holding:
        return min(holding, key=lambda k: abs(asked[k].start - at))
    near = [k for k, a in enumerate(asked) if abs(a.start - at) <= NEAR_S]
    return min(near, key=lambda k: abs(asked[k].start - at)) if near else None


def with_asks_at(asked: list[AskedQuestion], transcript: Transcript,
                 fixes: Sequence[QuestionFix]) -> list[AskedQuestion]:
    """The asks, plus one for each "asked at T" with no ask near T: the sentence spoken at
    T (or the next one), in time order."""
    out = list(asked)
    said = sorted(sentences(transcript), key=lambda s: s.start)
    for fix in fixes:
        if fix.state != ASKED or fix.at is None or ask_at(out, fix.at) is not None:
            continue
        at = next((s for s in said if s.start <= fix.at <= s.end), None) \
            or next((s for s in said if s.start >= fix.at), None)
        if at is not None:
            out.append(AskedQuestion(at.start, at.end, at.text, [at.text]))
    return sorted(out, key=lambda a: a.start)


def decide(asked: Sequence[AskedQuestion], matches: Sequence[Match], planned: Sequence[Question],
           fixes: Sequence[QuestionFix]) -> tuple[list[Match], dict[str, str]]:
    """The matches with the user's decisions applied, and {planned id: state} decided."""
    index = {q.id: j for j, q in enumerate(planned)}
    out = [replace(m, **{k: list(v) for k, v in vars(m).items() if isinstance(v, list)}) for m in matches]
    decided: dict[str, str] = {}
    for fix in fixes:
        j = index.get(fix.question)
        if j is None:
            continue  # a question no longer in the plan
        for m in out:
            _forget(m, j)
        if fix.state == ASKED and fix.at is not None:
            k = ask_at(asked, fix.at)
            if k is None:
                continue
            m = out[k]
            m.planned, m.state, m.confidence, m.maybe = j, ASKED, 1.0, None
        decided[fix.question] = fix.state
    return out, decided


def _forget(m: Match, j: int) -> None:
    """The match no longer holds planned question j (as asked, maybe, or a second one)."""
    also = m.also or []
    if j in also:
        k = also.index(j)
        del also[k]
        if m.also_confidence and k < len(m.also_confidence):
            del m.also_confidence[k]
    if m.planned == j:
        m.planned = also.pop(0) if also else None
        if m.planned is None:
            m.state = NOT_ASKED
    if m.maybe == j:
        m.maybe = None
        if m.state != ASKED:
            m.state = NOT_ASKED


def mark_decided(questions: list[QuestionResult], decided: dict[str, str]) -> list[QuestionResult]:
    """The question table with the user's decisions marked (state, decided_by, a sure
    confidence), and the order asked renumbered."""
    if not decided:
        return questions
    out = []
    for q in questions:
        state = decided.get(q.id)
        if state == NOT_ASKED:
            q = replace(QuestionResult.unasked(q.id, q.text, q.priority), theme=q.theme)
        if state is not None:
            q = replace(q, state=state, asked=state == ASKED and q.asked_at_s is not None,
                        decided_by="user", confidence=1.0)
        out.append(q)
    asked = sorted((q for q in out if q.asked), key=lambda q: q.asked_at_s or 0.0)
    order = {q.id: n for n, q in enumerate(asked, start=1)}
    return [replace(q, order=order.get(q.id)) for q in out]
