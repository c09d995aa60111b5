"""report.md: the report as Markdown, readable as plain text and in any Markdown viewer,
with the whole transcript at the end."""

from __future__ import annotations

import re

from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import QuestionResult, Report
from listenwell.timefmt import clock

GENERATED_ID = re.compile(r"q\d+")  # ids a plan did not give (Markdown plans): the text says more


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def fmt_rate(x: float | None, digits: int = 1) -> str:
    """A rate for people: `35.8` (not `35.82`), `186` words a minute (not `186.1`)."""
    if x is None:
        return "n/a"
    return f"{x:.{digits}f}" if digits else f"{round(x)}"


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


def question_label(q: QuestionResult, width: int = 0) -> str:
    """A planned question as a short label: its id, or (a generated id such as q3 says
    nothing) the start of its text."""
    if not GENERATED_ID.fullmatch(q.id):
        return q.id
    text = " ".join(q.text.split())
    return text if not width or len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def in_asked_order(questions: list[QuestionResult]) -> list[QuestionResult]:
    """Asked questions in the order asked, then maybes by time, then the others by priority."""
    return sorted(questions, key=lambda q: (q.order is None, q.order or 0, q.state != "maybe",
                                            q.asked_at_s or 0.0, q.priority))


def render_markdown(r: Report, transcript: Transcript | None = None) -> str:
    i, talk, st = r.interview, r.talk, r.stats
    names = speaker_names(r, sorted({t.speaker for t in transcript.turns}) if transcript else None)
    you, them = names[INTERVIEWER], names[INTERVIEWEE]
    lines = [f"# Interview report: {title(r)}", ""]
    meta = [f"Date: {i.date}" if i.date else "", f"Level: {i.level}" if i.level else "",
            f"Recording: {clock(r.duration_s)}", f"Folder: {i.folder}"]
    lines += [" · ".join(m for m in meta if m), ""]

    lines += ["## Findings", ""] + [f"- {f}" for f in r.findings] + [""]

    everyone = max(1e-9, talk.interviewer_s + talk.interviewee_s + talk.other_s)
    lines += ["## Talk time", "",
              "| | minutes | share |", "|---|---:|---:|",
              f"| {_cell(them)} | {talk.interviewee_s / 60:.1f} | {_pct(talk.interviewee_share)} |",
              f"| {_cell(you)} | {talk.interviewer_s / 60:.1f} | "
              f"{_pct(None if talk.interviewee_share is None else talk.interviewer_s / everyone)} |"]
    if talk.other_s:
        lines.append(f"| Others | {talk.other_s / 60:.1f} | |")
    lines += ["", f"Target: {them} speaks at least {talk.target_share:.0%} of the time."]
    margin = (r.speakers or {}).get("margin_pp")
    if margin is not None:
        lines.append(f"How sure: each share is within ± {float(margin):.1f} percentage points, about 9 times in 10.")
    lines += [
        "",
        f"- Longest stretch without a break: {you} {st.interviewer_longest_s:.0f} s, {them} {st.interviewee_longest_s:.0f} s",
        "- Interactivity: " + ("n/a" if st.switches_per_min is None else f"{st.switches_per_min:.1f} changes of speaker a minute"),
        f"- Active listening: {st.acknowledgements} short acknowledgements while they talked (not interruptions)",
        f"- Interruptions (you started while they spoke): {st.interruptions}",
        "- Pause before you spoke after they stopped (median): "
        + ("n/a" if st.patience_median_s is None else f"{st.patience_median_s:.1f} s"),
        f"- Questions per 10 minutes: {fmt_rate(st.questions_per_10min)}",
        f"- Words per minute: {you} {fmt_rate(st.interviewer_wpm, 0)}, {them} {fmt_rate(st.interviewee_wpm, 0)}",
        "",
    ]
    lines += _time_budget(r) + _questions(r)
    if r.followups:
        lines += ["## Follow-up questions", ""]
        lines += [f"- {clock(f.at_s)} {f.text} (answer {f.answer_s or 0:.0f} s)" for f in r.followups] + [""]
    if r.notes:
        lines += ["## Notes", ""]
        lines += [f"- {clock(n.at_s)} {n.kind}{': ' + n.text if n.text else ''}" for n in r.notes] + [""]
    if transcript is not None:
        lines += _transcript(r, transcript, names)
    lines.append(f"_listenwell {r.tool_version}, {r.generated_at}; question mapping: {r.mapping.method}._")
    return "\n".join(lines) + "\n"


def _time_budget(r: Report) -> list[str]:
    tb = r.time_budget
    lines = ["## Time budget", ""]
    if tb.planned_min:
        lines.append(f"Planned {tb.planned_min:g} min, actual {tb.actual_min:.1f} min"
                     + (f", {tb.over_min:.1f} min over; the promise ran out at {clock(tb.promise_ended_at_s)}."
                        if (tb.over_min or 0) > 0 else ", within the promise."))
        if tb.asked_after_promise:
            lines.append(f"Asked after the promise ran out: {', '.join(tb.asked_after_promise)}.")
    else:
        lines.append(f"Actual {tb.actual_min:.1f} min (the plan promises no time: add `minutes` to it).")
    return [*lines, ""]


def _questions(r: Report) -> list[str]:
    lines = ["## Planned questions", ""]
    if not r.questions:
        return [*lines, "No plan: questions need a plan (plan.toml or plan.md in the folder, or --plan).", ""]
    lines += ["| # | question | priority | asked at | answer | state | as asked |", "|---:|---|---:|---:|---:|---|---|"]
    for q in in_asked_order(r.questions):
        shown = q.state in ("asked", "maybe")
        when = clock(q.asked_at_s) if shown and q.asked_at_s is not None else "–"
        answer = f"{q.answer_s:.0f} s" if q.answer_s is not None and q.asked else ""
        state = q.state + (f" ({q.confidence:.0%})" if q.state == "maybe" and q.confidence is not None else "") \
            + (", you decided" if q.decided_by == "user" else "")
        label = q.text if GENERATED_ID.fullmatch(q.id) else f"{q.text} ({q.id})"
        lines.append(f"| {q.order or '–'} | {_cell(label)} | {q.priority} | {when} | {answer} | {state} | "
                     f"{_cell(q.asked_text) if shown else ''} |")
    return [*lines, ""]


def _transcript(r: Report, transcript: Transcript, names: dict[str, str]) -> list[str]:
    from listenwell.analysis.render_html import transcript_lines

    notes = list(r.notes)
    out = ["## Transcript", ""]
    for s, _e, spk, text in transcript_lines(transcript):
        while notes and notes[0].at_s <= s:
            n = notes.pop(0)
            out += [f"> {clock(n.at_s)} {n.kind}{': ' + n.text if n.text else ''}", ""]
        out += [f"**{clock(s)} {names.get(spk or '', spk or '?')}:** {text}", ""]
    out += [line for n in notes for line in (f"> {clock(n.at_s)} {n.kind}{': ' + n.text if n.text else ''}", "")]
    return out
