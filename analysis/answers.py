"""Each ask's answer, and the report's question table, asks and follow-ups.

An answer to an ask is the interviewee's talk from the end of the ask to the next ask, or
to interviewer speech the transcript has no words for (likely a question the recogniser
dropped). Pure functions over the transcript and the asks found by question_map.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from listenwell import intervals as iv
from listenwell.analysis.question_map import ASKED, MAYBE, AskedQuestion, Match, sentences
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
                   answers: Sequence[Answer], themes: Sequence[str | None] | None = None) -> list[QuestionResult]:
    """One row per planned question, in the plan's order: asked (also a second question
    asked in the same breath), maybe (not counted as asked: `asked` False, no `order`), or
    not asked. `confidence` is how sure the state is (docs/report.md)."""
    hit: dict[int, tuple[int, float, str]] = {}  # planned -> (ask, P, state)
    for k, m in enumerate(matches):
        if m.planned is not None:
            hit[m.planned] = (k, m.confidence if m.state == ASKED else 1.0, ASKED)
        for j, p in zip(m.also or [], m.also_confidence or [], strict=False):
            hit.setdefault(j, (k, p, ASKED))
    for k, m in enumerate(matches):
        if m.maybe is not None and m.planned is None and m.maybe not in hit:
            hit[m.maybe] = (k, m.confidence, MAYBE)
    asked_pairs = sorted((k, j) for j, (k, _, state) in hit.items() if state == ASKED)
    order_of = {j: n + 1 for n, (_, j) in enumerate(asked_pairs)}
    out = []
    for j, q in enumerate(planned):
        theme = themes[j] if themes else q.theme
        if j not in hit:
            best = max((m.probs[j] for m in matches if m.probs is not None and j < len(m.probs)), default=0.0)
            out.append(replace(QuestionResult.unasked(q.id, q.text, q.priority), theme=theme,
                               confidence=round(1.0 - best, 3)))
            continue
        k, p, state = hit[j]
        a, ans = asked[k], answers[k]
        score = matches[k].score if matches[k].planned == j or matches[k].maybe == j else (matches[k].scores or {}).get(j, 0.0)
        out.append(QuestionResult(
            id=q.id, text=q.text, priority=q.priority, asked=state == ASKED, asked_at_s=round(a.start, 2),
            order=order_of.get(j), answer_s=ans.answer_s, asked_text=a.text, match_score=round(score, 3),
            answer_start_s=ans.start_s, answer_end_s=ans.end_s, answer_excerpt=ans.excerpt,
            interviewee_share=ans.interviewee_share, state=state, confidence=round(p, 3), theme=theme,
        ))
    return out


def asks_and_followups(asked: Sequence[AskedQuestion], matches: Sequence[Match], planned: Sequence[Question],
                       answers: Sequence[Answer]) -> tuple[list[AskEntry], list[Followup]]:
    """Every ask in time order, and the follow-ups: the asks that are no planned question
    confidently (a maybe is a follow-up until the user confirms it)."""
    asks, followups = [], []
    for a, m, ans in zip(asked, matches, answers, strict=True):
        pid = planned[m.planned].id if m.planned is not None else None
        maybe = planned[m.maybe].id if m.maybe is not None and pid is None else None
        state = ASKED if pid is not None else (MAYBE if maybe else "follow-up")
        conf = round(m.confidence, 3) if pid is not None or maybe else None
        asks.append(AskEntry(at_s=round(a.start, 2), end_s=round(a.end, 2), text=a.text, planned=pid,
                             score=round(m.score, 3), answer_s=ans.answer_s, state=state, confidence=conf,
                             maybe=maybe, also=[planned[j].id for j in (m.also or []) if pid is not None]))
        if pid is None:
            followups.append(Followup(text=a.text, at_s=round(a.start, 2), answer_s=ans.answer_s,
                                      maybe=maybe, confidence=conf))
    return asks, followups
