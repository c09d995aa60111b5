"""Each ask's answer, and the report's question table, asks and follow-ups.

An answer to an ask is the interviewee's talk from the end of the ask to the next ask, or
to interviewer speech the transcript has no words for (likely a question the recogniser
dropped). Pure functions over the transcript and the asks found by question_map.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from listenwell import intervals as iv
from listenwell.analysis.question_map import AskedQuestion, Match, sentences
from listenwell.analysis.talk import talk_in
from listenwell.plan import Question
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import AskEntry, Followup, QuestionResult

EXCERPT_CHARS = 240
UNHEARD_MIN_S = 1.5  # interviewer talk this long with (almost) no words is flagged


@dataclass
class Answer:
    answer_s: float  # the interviewee's talk time in the window
    start_s: float | None  # the interviewee's first and last talk in it
    end_s: float | None
    excerpt: str | None
    interviewee_share: float | None  # of everyone's talk from the ask to the window's end


def answer_windows(transcript: Transcript, asked: Sequence[AskedQuestion], unheard: Sequence[float],
                   end_of_audio: float) -> list[Answer]:
    """The answer to each ask, in the order of `asked`."""
    turns = transcript.turns
    ee_talk = iv.talk_intervals([(t.start, t.end) for t in turns if t.speaker == INTERVIEWEE])
    said = [s for s in sentences(transcript) if s.speaker == INTERVIEWEE]
    out = []
    for k, a in enumerate(asked):
        nxt = asked[k + 1].start if k + 1 < len(asked) else end_of_audio
        nxt = min([nxt] + [u for u in unheard if u > a.end])
        ee = iv.crop(ee_talk, a.end, nxt)
        window = talk_in(turns, a.start, nxt)
        whole = sum(window.values())
        words = " ".join(s.text for s in said if a.end - 0.25 <= s.start < nxt)
        out.append(Answer(
            answer_s=round(iv.total(ee), 2),
            start_s=round(ee[0][0], 2) if ee else None,
            end_s=round(ee[-1][1], 2) if ee else None,
            excerpt=excerpt(words),
            interviewee_share=round(window.get(INTERVIEWEE, 0.0) / whole, 3) if whole > 0 else None,
        ))
    return out


def excerpt(text: str) -> str | None:
    """The text in one line, cut at a word before EXCERPT_CHARS."""
    text = " ".join(text.split())
    if not text:
        return None
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


def unheard_interviewer_speech(transcript: Transcript) -> list[float]:
    """Starts of interviewer talk (per the speaker turns) that the transcript has no words for."""
    if not transcript.words:
        return []
    words = iv.merge([(w.start, w.end) for w in transcript.words], bridge=iv.PAUSE_BRIDGE_S)
    er = iv.talk_intervals([(t.start, t.end) for t in transcript.turns if t.speaker == INTERVIEWER])
    return [s for s, e in er if e - s >= UNHEARD_MIN_S and iv.total(iv.crop(words, s, e)) < 0.2 * (e - s)]


def question_table(planned: Sequence[Question], asked: Sequence[AskedQuestion], matches: Sequence[Match],
                   answers: Sequence[Answer]) -> list[QuestionResult]:
    """One row per planned question, in the plan's order."""
    by_planned = {m.planned: k for k, m in enumerate(matches) if m.planned is not None}
    order_of = {k: n + 1 for n, k in enumerate(sorted(by_planned.values()))}
    out = []
    for j, q in enumerate(planned):
        k = by_planned.get(j)
        if k is None:
            out.append(QuestionResult.unasked(q.id, q.text, q.priority))
            continue
        a, ans = asked[k], answers[k]
        out.append(QuestionResult(
            id=q.id, text=q.text, priority=q.priority, asked=True, asked_at_s=round(a.start, 2),
            order=order_of[k], answer_s=ans.answer_s, asked_text=a.text, match_score=round(matches[k].score, 3),
            answer_start_s=ans.start_s, answer_end_s=ans.end_s, answer_excerpt=ans.excerpt,
            interviewee_share=ans.interviewee_share, state="asked",
        ))
    return out


def asks_and_followups(asked: Sequence[AskedQuestion], matches: Sequence[Match], planned: Sequence[Question],
                       answers: Sequence[Answer]) -> tuple[list[AskEntry], list[Followup]]:
    """Every ask in time order, and the ones that match no planned question."""
    asks, followups = [], []
    for a, m, ans in zip(asked, matches, answers, strict=True):
        pid = planned[m.planned].id if m.planned is not None else None
        asks.append(AskEntry(at_s=round(a.start, 2), end_s=round(a.end, 2), text=a.text, planned=pid,
                             score=round(m.score, 3), answer_s=ans.answer_s))
        if pid is None:
            followups.append(Followup(text=a.text, at_s=round(a.start, 2), answer_s=ans.answer_s))
    return asks, followups
