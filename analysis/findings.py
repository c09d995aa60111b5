"""Coaching findings: one sentence each, with its evidence (timestamps as mm:ss).

Good practice for informational interviews: ask the most important questions first, let
the interviewee do most of the talking, keep your own turns short, don't cut in, leave a
pause after they finish (they often add the best part), and keep to the time you promised.
Pure function of the report dict.
"""

from __future__ import annotations

from typing import Any

LONG_INTERVIEWER_S = 30.0  # an interviewer stretch longer than this is a monologue
QUICK_PATIENCE_S = 0.6  # a median pause shorter than this means jumping in


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(round(max(0.0, seconds)))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def _times(ts: list[float], limit: int = 4) -> str:
    shown = ", ".join(mmss(t) for t in ts[:limit])
    return shown + (f" and {len(ts) - limit} more" if len(ts) > limit else "")


def findings(r: dict[str, Any], has_plan: bool, monologues: list[tuple[float, float]]) -> list[str]:
    """The coaching findings of a report; `monologues` are the interviewer's long stretches."""
    out: list[str] = []
    talk, stats, qs = r["talk"], r["stats"], r["questions"]
    by_id = {q["id"]: q for q in qs}

    share, target = talk.get("interviewee_share"), talk["target_share"]
    if share is not None and talk["interviewer_s"] + talk["interviewee_s"] > 0:
        if share < target:
            out.append(
                f"The interviewee had {share:.0%} of the speaking time, under your {target:.0%} target "
                f"(you spoke {talk['interviewer_s'] / 60:.1f} min, they spoke {talk['interviewee_s'] / 60:.1f} min)."
            )
        else:
            out.append(f"Good: the interviewee had {share:.0%} of the speaking time (target {target:.0%}).")

    if not has_plan:
        out.append("Questions need a plan: put plan.toml (or plan.md) in the folder or pass --plan to map the questions.")
    elif qs:
        p1 = [q for q in qs if q["priority"] == 1]
        missed = [q for q in p1 if not q["asked"]]
        if missed:
            out.append("Priority-1 question never asked: " + "; ".join(f"'{q['text']}'" for q in missed) + ".")
        if r.get("priority_first") is False:
            first_other = next(by_id[i] for i in r["asked_order"] if by_id[i]["priority"] != 1)
            late = [by_id[i] for i in r["asked_order"] if by_id[i]["priority"] == 1 and by_id[i]["order"] > first_other["order"]]
            out.append(
                f"A priority-1 question came late: '{late[0]['id']}' at {mmss(late[0]['asked_at_s'])}, "
                f"after '{first_other['id']}' at {mmss(first_other['asked_at_s'])}; ask the most important first."
            )
        elif r.get("priority_first") and not missed:
            out.append("Good: you asked your priority-1 questions first.")
        if r["skipped"] and len(r["skipped"]) < len(qs):
            out.append(f"Skipped {len(r['skipped'])} of {len(qs)} planned questions: {', '.join(r['skipped'])}.")

    n_asked = len(r["asked_order"]) + len(r["followups"])
    if n_asked == 0 and r["talk"]["interviewer_s"] > 0:
        out.append("No questions from the interviewer were found in the transcript (none ended in '?' or opened like a question).")
    if r["followups"]:
        f = r["followups"]
        out.append(f"You asked {len(f)} follow-up question{'s' if len(f) > 1 else ''}, at {_times([x['at_s'] for x in f])}.")

    for start, end in monologues[:3]:
        out.append(f"You spoke for {end - start:.0f} s without a break at {mmss(start)}-{mmss(end)}; keep questions short.")

    if stats["interruptions"]:
        times = r.get("interruption_times", [])
        out.append(
            f"You started speaking while the interviewee was still talking {stats['interruptions']} "
            f"time{'s' if stats['interruptions'] > 1 else ''}" + (f", at {_times(times)}." if times else ".")
        )
    pm = stats.get("patience_median_s")
    if pm is not None and pm < QUICK_PATIENCE_S:
        out.append(f"You came in {pm:.1f} s (median) after they stopped; a longer pause lets them add more.")

    tb = r["time_budget"]
    if tb.get("planned_min"):
        if tb["over_min"] and tb["over_min"] > 0:
            after = tb["asked_after_promise"]
            out.append(
                f"The interview ran {tb['actual_min']:.1f} min against {tb['planned_min']:g} promised; the promise ran out "
                f"at {mmss(tb['promise_ended_at_s'])}"
                + (f" and you still asked {', '.join(after)} after it." if after else ".")
            )
        else:
            out.append(f"Good: you kept to the promised time ({tb['actual_min']:.1f} of {tb['planned_min']:g} min).")
    return out
