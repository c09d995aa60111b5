"""Coaching findings: one sentence each, with its evidence (timestamps as mm:ss).

Good practice for informational interviews: ask the most important questions first, let
the interviewee do most of the talking, keep your own turns short, don't cut in, leave a
pause after they finish (they often add the best part), and keep to the time you promised.
Pure functions of the Report.
"""

from __future__ import annotations

from listenwell.records import INTERVIEWEE, INTERVIEWER
from listenwell.report_records import Report
from listenwell.timefmt import clock

LONG_INTERVIEWER_S = 30.0  # an interviewer stretch longer than this is a monologue
QUICK_PATIENCE_S = 0.6  # a median pause shorter than this means jumping in


def _times(ts: list[float], limit: int = 4) -> str:
    shown = ", ".join(clock(t) for t in ts[:limit])
    return shown + (f" and {len(ts) - limit} more" if len(ts) > limit else "")


def findings(r: Report, has_plan: bool, monologues: list[tuple[float, float]], speakers: set[str]) -> list[str]:
    """Every finding of a report, in the order shown: who was heard, the coaching, then
    interviewer speech the transcript has no words for. `monologues` are the interviewer's
    long stretches; `speakers` the labels heard."""
    out = speaker_findings(speakers) + coaching(r, has_plan, monologues)
    if r.unheard_interviewer_s:
        times = ", ".join(clock(t) for t in r.unheard_interviewer_s[:4])
        out.append(f"You spoke at {times} but the transcript has no words there, "
                   "so a question asked then may be missing from this report (check the recording there).")
    return out


def speaker_findings(labels: set[str]) -> list[str]:
    if len(labels) == 1:
        (only,) = labels
        who = {INTERVIEWER: "the interviewer", INTERVIEWEE: "the interviewee"}.get(only, f"one unnamed speaker ({only})")
        return [f"Only one speaker was heard ({who}); check the recording captured both sides, "
                "or rerun `listenwell transcribe --speakers 2`."]
    if INTERVIEWER not in labels or INTERVIEWEE not in labels:
        return [f"The speakers are not named interviewer/interviewee ({', '.join(sorted(labels))}); "
                "name them with `listenwell label` to get questions and shares."]
    return []


def coaching(r: Report, has_plan: bool, monologues: list[tuple[float, float]]) -> list[str]:
    """Talk share, priorities, follow-ups, monologues, interruptions, patience, time."""
    out = _share(r)
    if not has_plan:
        out.append("Questions need a plan: put plan.toml (or plan.md) in the folder or pass --plan to map the questions.")
    elif r.questions:
        out += _priorities(r)

    if not r.asked_order and not r.followups and r.talk.interviewer_s > 0:
        out.append("No questions from the interviewer were found in the transcript (none ended in '?' or opened like a question).")
    if r.followups:
        f = r.followups
        out.append(f"You asked {len(f)} follow-up question{'s' if len(f) > 1 else ''}, at {_times([x.at_s for x in f])}.")

    for start, end in monologues[:3]:
        out.append(f"You spoke for {end - start:.0f} s without a break at {clock(start)}-{clock(end)}; keep questions short.")

    n = r.stats.interruptions
    if n:
        times = r.interruption_times
        out.append(f"You started speaking while the interviewee was still talking {n} time{'s' if n > 1 else ''}"
                   + (f", at {_times(times)}." if times else "."))
    pm = r.stats.patience_median_s
    if pm is not None and pm < QUICK_PATIENCE_S:
        out.append(f"You came in {pm:.1f} s (median) after they stopped; a longer pause lets them add more.")
    return out + _time(r)


def _share(r: Report) -> list[str]:
    talk = r.talk
    share, target = talk.interviewee_share, talk.target_share
    if share is None or talk.interviewer_s + talk.interviewee_s <= 0:
        return []
    if share < target:
        return [f"The interviewee had {share:.0%} of the speaking time, under your {target:.0%} target "
                f"(you spoke {talk.interviewer_s / 60:.1f} min, they spoke {talk.interviewee_s / 60:.1f} min)."]
    return [f"Good: the interviewee had {share:.0%} of the speaking time (target {target:.0%})."]


def _priorities(r: Report) -> list[str]:
    out = []
    qs = r.questions
    by_id = {q.id: q for q in qs}
    missed = [q for q in qs if q.priority == 1 and not q.asked]
    if missed:
        out.append("Priority-1 question never asked: " + "; ".join(f"'{q.text}'" for q in missed) + ".")
    if r.priority_first is False:
        asked = [by_id[i] for i in r.asked_order]
        first_other = next(q for q in asked if q.priority != 1)
        late = [q for q in asked if q.priority == 1 and q.order > first_other.order]
        out.append(
            f"A priority-1 question came late: '{late[0].id}' at {clock(late[0].asked_at_s)}, "
            f"after '{first_other.id}' at {clock(first_other.asked_at_s)}; ask the most important first."
        )
    elif r.priority_first and not missed:
        out.append("Good: you asked your priority-1 questions first.")
    if r.skipped and len(r.skipped) < len(qs):
        out.append(f"Skipped {len(r.skipped)} of {len(qs)} planned questions: {', '.join(r.skipped)}.")
    maybe = [by_id[i] for i in r.maybe if i in by_id and by_id[i].asked_at_s is not None]
    if maybe:
        out.append("Maybe asked (a weak match, counted as skipped until you confirm it): "
                   + "; ".join(f"{q.id} at {clock(q.asked_at_s)} ({q.confidence:.0%} sure)" for q in maybe) + ".")
    return out + _themes(r)


_THEME_WORDS = {"duties": "the duties", "conditions": "the working conditions", "prospects": "the prospects of the profession"}


def _themes(r: Report) -> list[str]:
    """Which of the three essentials (duties, working conditions, prospects) came up."""
    essential = {t: c for t, c in r.themes.items() if c.essential}
    if not essential:
        return []
    missing = [t for t, c in essential.items() if not c.covered]
    if not missing:
        return ["Good: the duties, the working conditions and the prospects of the profession all came up."]
    names = " or ".join(_THEME_WORDS.get(t, t) for t in missing)
    return [f"Nothing about {names}: no question on it was asked and the answers did not talk about it; "
            "an informational interview should leave you with a clear idea of the duties, the conditions and the prospects."]


def _time(r: Report) -> list[str]:
    tb = r.time_budget
    if not tb.planned_min:
        return []
    if tb.over_min and tb.over_min > 0:
        after = tb.asked_after_promise
        return [f"The interview ran {tb.actual_min:.1f} min against {tb.planned_min:g} promised; the promise ran out "
                f"at {clock(tb.promise_ended_at_s)}"
                + (f" and you still asked {', '.join(after)} after it." if after else ".")]
    return [f"Good: you kept to the promised time ({tb.actual_min:.1f} of {tb.planned_min:g} min)."]
