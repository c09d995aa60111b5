"""report.md: the report as Markdown, readable as plain text and in any Markdown viewer."""

from __future__ import annotations

from listenwell.records import INTERVIEWEE, INTERVIEWER
from listenwell.report_records import QuestionResult, Report
from listenwell.timefmt import clock


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def title(r: Report) -> str:
    i = r.interview
    who = i.interviewee or "Interview"
    what = ", ".join(x for x in (i.role, i.company) if x)
    return f"{who} ({what})" if what else who


def speaker_names(r: Report, labels: list[str] | None = None) -> dict[str, str]:
    """What to call each speaker label: the names in the plan (the interviewer is "You"
    unless the plan names them), "Speaker 2" for S2 and the like."""
    i = r.interview
    names = {INTERVIEWER: i.interviewer or "You", INTERVIEWEE: i.interviewee or "Interviewee"}
    for label in labels or []:
        if label not in names:
            names[label] = f"Speaker {label[1:]}" if label[:1] == "S" and label[1:].isdigit() else label
    return names


def in_asked_order(questions: list[QuestionResult]) -> list[QuestionResult]:
    """Asked questions in the order asked, then the skipped ones by priority."""
    return sorted(questions, key=lambda q: (q.order is None, q.order or 0, q.priority))


def render_markdown(r: Report) -> str:
    i, talk, tb, st = r.interview, r.talk, r.time_budget, r.stats
    lines = [f"# Interview report: {title(r)}", ""]
    meta = [f"Date: {i.date}" if i.date else "", f"Level: {i.level}" if i.level else "",
            f"Recording: {clock(r.duration_s)}", f"Folder: {i.folder}"]
    lines += [" · ".join(m for m in meta if m), ""]

    lines += ["## Findings", ""] + [f"- {f}" for f in r.findings] + [""]

    everyone = max(1e-9, talk.interviewer_s + talk.interviewee_s + talk.other_s)
    lines += ["## Talk time", "",
              "| | minutes | share |", "|---|---:|---:|",
              f"| Interviewee | {talk.interviewee_s / 60:.1f} | {_pct(talk.interviewee_share)} |",
              f"| Interviewer | {talk.interviewer_s / 60:.1f} | "
              f"{_pct(None if talk.interviewee_share is None else talk.interviewer_s / everyone)} |"]
    if talk.other_s:
        lines.append(f"| Others | {talk.other_s / 60:.1f} | |")
    lines += ["", f"Target: the interviewee speaks at least {talk.target_share:.0%} of the time.", ""]
    lines += [
        f"- Longest stretch: interviewer {st.interviewer_longest_s:.0f} s, interviewee {st.interviewee_longest_s:.0f} s",
        f"- Interruptions (you started while they spoke): {st.interruptions}",
        "- Pause before you spoke after they stopped (median): "
        + ("n/a" if st.patience_median_s is None else f"{st.patience_median_s:.1f} s"),
        f"- Questions per 10 minutes: {st.questions_per_10min if st.questions_per_10min is not None else 'n/a'}",
        f"- Words per minute: interviewer {st.interviewer_wpm or 'n/a'}, interviewee {st.interviewee_wpm or 'n/a'}",
        "",
    ]

    lines += ["## Time budget", ""]
    if tb.planned_min:
        lines.append(f"Planned {tb.planned_min:g} min, actual {tb.actual_min:.1f} min"
                     + (f", {tb.over_min:.1f} min over; the promise ran out at {clock(tb.promise_ended_at_s)}."
                        if (tb.over_min or 0) > 0 else ", within the promise."))
        if tb.asked_after_promise:
            lines.append(f"Asked after the promise ran out: {', '.join(tb.asked_after_promise)}.")
    else:
        lines.append(f"Actual {tb.actual_min:.1f} min (the plan promises no time: add `minutes` to it).")
    lines.append("")

    lines += ["## Planned questions", ""]
    if r.questions:
        lines += ["| # | id | priority | asked at | answer | question | as asked |", "|---:|---|---:|---:|---:|---|---|"]
        for q in in_asked_order(r.questions):
            when = clock(q.asked_at_s) if q.asked else "skipped"
            answer = f"{q.answer_s:.0f} s" if q.answer_s is not None else ""
            lines.append(f"| {q.order or '–'} | {q.id} | {q.priority} | {when} | {answer} | "
                         f"{_cell(q.text)} | {_cell(q.asked_text)} |")
    else:
        lines.append("No plan: questions need a plan (plan.toml or plan.md in the folder, or --plan).")
    lines.append("")
    if r.followups:
        lines += ["## Follow-up questions", ""]
        lines += [f"- {clock(f.at_s)} {f.text} (answer {f.answer_s or 0:.0f} s)" for f in r.followups] + [""]
    if r.notes:
        lines += ["## Notes taken while recording", ""]
        lines += [f"- {clock(n.at_s)} {n.kind}{': ' + n.text if n.text else ''}" for n in r.notes] + [""]
    lines.append(f"_listenwell {r.tool_version}, {r.generated_at}; question mapping: {r.mapping.method}._")
    return "\n".join(lines) + "\n"
