"""Path 3: which speaker is the interviewer.

In order of trust:
1. enrollment: the speaker the diarizer (or, per channel, speakers/facts.py) recognised as
   the user's voice profile (profile.py) is the interviewer; decided before this module;
2. planned questions: the speaker whose questions match the plan's questions (lexically:
   half of a question's content terms in one question sentence; answers often echo the
   question's words, so statements do not count);
3. most questions: the speaker who asks the most questions (a "?" from the recogniser,
   or a sentence that opens like a question);
4. first speaker: with no evidence at all, whoever spoke first (the interviewer usually
   opens the conversation), and the transcript says so.
Channel recordings whose metadata names each channel skip all this ("metadata").
Content terms and the question detector are listenwell.text's, the ones the report uses.
"""

from __future__ import annotations

from dataclasses import replace

from listenwell.errors import UserError
from listenwell.plan import Plan
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript, Turn
from listenwell.text import is_question, split_sentences, terms

PLANNED_MIN_COVER = 0.5  # share of a planned question's content terms found in a sentence
PLANNED_MIN_WORDS = 2


def planned_matches(text: str, plan: Plan) -> int:
    """How many of the plan's questions this speaker's text asks (each counted once)."""
    qs = [(q.id, set(terms(q.text))) for q in plan.questions]
    asked: set[str] = set()
    for s in split_sentences(text):
        if not is_question(s):  # an answer often echoes the question's words
            continue
        words = set(terms(s))
        for qid, qwords in qs:
            common = len(words & qwords)
            if qwords and common >= min(PLANNED_MIN_WORDS, len(qwords)) and common / len(qwords) >= PLANNED_MIN_COVER:
                asked.add(qid)
    return len(asked)


def _unique_best(scores: dict[str, float]) -> str | None:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] <= 0:
        return None
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def find_interviewer(
    texts: dict[str, str],
    order: list[str],
    plan: Plan | None = None,
) -> tuple[str | None, str, dict]:
    """(label of the interviewer or None, how it was decided, detail for the transcript),
    from the words: when the voice profile did not say.

    texts: everything each speaker said; order: labels by first appearance."""
    detail: dict = {}
    if len(order) < 2:  # a lone speaker is named only by the voice profile
        return None, "none", detail
    if plan is not None and plan.questions:
        planned = {k: planned_matches(texts.get(k, ""), plan) for k in order}
        detail["planned_questions_asked"] = planned
        best = _unique_best(planned)
        if best:
            return best, "planned-questions", detail
    questions = {k: sum(is_question(s) for s in split_sentences(texts.get(k, ""))) for k in order}
    detail["questions_asked"] = questions
    best = _unique_best(questions)
    if best:
        return best, "most-questions", detail
    return order[0], "first-speaker", detail


# ---- renaming, and the user's corrections (`listenwell label`) -------------------------

def relabel_turns(turns: list[Turn], mapping: dict[str, str]) -> list[Turn]:
    return sorted((Turn(t.start, t.end, mapping.get(t.speaker, t.speaker)) for t in turns),
                  key=lambda t: (t.start, t.speaker))


def relabel(transcript: Transcript, mapping: dict[str, str]) -> Transcript:
    """The transcript with speaker labels renamed everywhere (turns, words, segments)."""
    m = lambda k: mapping.get(k, k) if k is not None else None  # noqa: E731
    return replace(
        transcript,
        turns=relabel_turns(transcript.turns, mapping),
        segments=[replace(s, speaker=m(s.speaker), words=[replace(w, speaker=m(w.speaker)) for w in s.words])
                  for s in transcript.segments],
    )


def relabel_for(transcript: Transcript, swap: bool = False, interviewer: str | None = None) -> Transcript:
    """Apply the user's correction: swap interviewer and interviewee, or name the label of
    the interviewer. With two speakers the labels become interviewer/interviewee; a lone
    speaker named interviewer is renamed; beyond two the S labels stay and `interviewer`
    says which one it is. interviewer_by becomes "manual"."""
    labels = sorted({t.speaker for t in transcript.turns})
    if not labels:
        raise UserError("this transcript has no speakers; run `listenwell transcribe --force` without --no-speakers")
    if swap:
        if not {INTERVIEWER, INTERVIEWEE} & set(labels):
            raise UserError(f"no interviewer/interviewee to swap (speakers: {', '.join(labels)}); use --interviewer LABEL")
        mapping = {INTERVIEWER: INTERVIEWEE, INTERVIEWEE: INTERVIEWER}
    else:
        if interviewer not in labels:
            raise UserError(f"no speaker '{interviewer}' in this transcript (speakers: {', '.join(labels)})")
        if len(labels) <= 2:
            others = [k for k in labels if k != interviewer]
            mapping = {interviewer: INTERVIEWER, **{k: INTERVIEWEE for k in others}}
        else:
            mapping = {}
    out = relabel(transcript, mapping)
    old = transcript.speakers or {}
    if swap:
        new_interviewer = INTERVIEWER if any(t.speaker == INTERVIEWER for t in out.turns) else None
    else:
        new_interviewer = mapping.get(interviewer, interviewer)
    out.speakers = {
        **old,
        "interviewer": new_interviewer,
        "interviewer_by": "manual",
        "labels": [mapping.get(k, k) for k in old.get("labels", labels)],
        "previous": {"interviewer": old.get("interviewer"), "interviewer_by": old.get("interviewer_by")},
    }
    return out
