"""report.html: one file with everything but the recording (inline CSS, JS and SVG; nothing
fetched), which it plays from beside it: keep it in the interview folder.

Findings; the talk share with its margin and the conversation's statistics; the timeline
(report_charts.py); the planned questions (maybe matches shown as such); follow-ups;
notes; and the transcript with the speakers' names from the plan and the notes in place,
where clicking a line plays the recording from there. Laid out for screens, phones and
print (report_page.py).
"""

from __future__ import annotations

import re
from html import escape

from listenwell.analysis.question_map import sentences
from listenwell.analysis.render_md import fmt_rate, in_asked_order, speaker_names, title
from listenwell.analysis.report_charts import NARROW, WIDE, share_bar, timeline_svg
from listenwell.analysis.report_page import CSS, JS
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import Report
from listenwell.timefmt import clock

LINE_MAX_S = 30.0  # transcript lines longer than this are split, so a click lands near the words
GENERATED_ID = re.compile(r"q\d+")  # ids a plan did not give (Markdown plans): the text says more


def transcript_lines(transcript: Transcript) -> list[tuple[float, float, str | None, str]]:
    """Consecutive sentences of one speaker joined into lines of at most LINE_MAX_S."""
    lines: list[list] = []
    for s in sentences(transcript):
        if lines and lines[-1][2] == s.speaker and s.end - lines[-1][0] <= LINE_MAX_S:
            lines[-1][1] = s.end
            lines[-1][3] += " " + s.text
        else:
            lines.append([s.start, s.end, s.speaker, s.text])
    return [tuple(x) for x in lines]


def _spk_class(speaker: str | None) -> str:
    return speaker if speaker in (INTERVIEWER, INTERVIEWEE) else "other"


def state_badge(state: str, confidence: float | None, decided_by: str = "auto") -> str:
    sure = f" {confidence:.0%}" if state == "maybe" and confidence is not None else ""
    you = " (you)" if decided_by == "user" else ""
    return f'<span class="badge {state.replace(" ", "-")}">{escape(state)}{sure}{you}</span>'


def _questions_table(r: Report) -> str:
    if not r.questions:
        return '<p class="small">Questions need a plan: put plan.toml (or plan.md) in the folder, or pass --plan.</p>'
    rows = []
    for q in in_asked_order(r.questions):
        at = q.asked_at_s if q.state in ("asked", "maybe") else None
        when = f'<a href="#" data-start="{at:.2f}">{clock(at)}</a>' if at is not None else "–"
        share = f"{q.interviewee_share:.0%}" if q.interviewee_share is not None and q.asked else ""
        answer = f"{q.answer_s:.0f} s" if q.answer_s is not None and q.asked else ""
        qid = "" if GENERATED_ID.fullmatch(q.id) else f' <span class="qid">{escape(q.id)}</span>'
        asked = f'<br><span class="small">asked: “{escape(q.asked_text)}”</span>' if q.asked_text and at is not None else ""
        rows.append(
            f'<tr class="{q.state.replace(" ", "-")}"><td class="num">{q.order or "–"}</td>'
            f"<td>{escape(q.text)}{qid}{asked}</td><td class=\"num col-priority\">{q.priority}</td>"
            f'<td class="num">{when}</td><td class="num">{answer}</td><td class="num col-share">{share}</td>'
            f"<td>{state_badge(q.state, q.confidence, q.decided_by)}</td></tr>")
    return ('<div class="table-wrap"><table id="questions"><thead><tr><th class="num">#</th><th>question</th>'
            '<th class="num col-priority">priority</th><th class="num">asked at</th><th class="num">answer</th>'
            '<th class="num col-share">their share</th><th>state</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")


def margin_text(r: Report) -> str:
    """How sure the talk share is: the measured margin, why it is wide, whether a voice
    profile was used (transcript.json's speakers block; absent in older transcripts)."""
    sp = r.speakers or {}
    margin = sp.get("margin_pp")
    if margin is None:
        return ""
    reasons = sp.get("margin_reasons") or sp.get("margin_reason") or []
    reasons = [reasons] if isinstance(reasons, str) else list(reasons)
    profile = sp.get("profile") if isinstance(sp.get("profile"), dict) else {}
    used = profile.get("used")
    why = f"; wider because: {', '.join(escape(str(x)) for x in reasons)}" if reasons else ""
    voice = {True: " Your voice profile was used to tell you apart.",
             False: " No voice profile was used (<code>listenwell enroll</code> makes one)."}.get(used, "")
    return (f'<p class="margin">How sure: each share is within <b>± {float(margin):.1f} percentage points</b> '
            f"of the truth about 9 times in 10{why}.{voice}</p>")


def _stats(r: Report, names: dict[str, str]) -> str:
    st = r.stats
    you, them = names[INTERVIEWER], names[INTERVIEWEE]

    def at(t: float | None) -> str:
        return f' (<a href="#" data-start="{t:.2f}">{clock(t)}</a>)' if t is not None else ""

    items = [
        ("Longest stretch without a break", f"{escape(you)} {st.interviewer_longest_s:.0f} s{at(st.interviewer_longest_at_s)}, "
                                            f"{escape(them)} {st.interviewee_longest_s:.0f} s{at(st.interviewee_longest_at_s)}"),
        ("Interactivity", "n/a" if st.switches_per_min is None else f"{st.switches_per_min:.1f} changes of speaker a minute"),
        ("Active listening", f"{st.acknowledgements} short acknowledgement{'s' if st.acknowledgements != 1 else ''} "
                             "(“mm-hm”, “right”) while they talked; not counted as interruptions"),
        ("Interruptions", f"{st.interruptions}" + "".join(at(t) for t in r.interruption_times[:5])),
        ("Pause before you spoke (median)", "n/a" if st.patience_median_s is None else f"{st.patience_median_s:.1f} s"),
        ("Questions per 10 minutes", fmt_rate(st.questions_per_10min)),
        ("Words per minute", f"{escape(you)} {fmt_rate(st.interviewer_wpm, 0)}, {escape(them)} {fmt_rate(st.interviewee_wpm, 0)}"),
    ]
    return '<dl class="stats">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


THEME_NAMES = {"duties": "Duties", "conditions": "Working conditions", "prospects": "Prospects",
               "path": "Path into the field", "advice": "Advice", "network": "People to talk to"}


def themes_html(r: Report) -> str:
    """What the interview covered by theme (Report.themes), when the report has them."""
    if not r.themes:
        return ""
    items = []
    for theme, t in r.themes.items():
        if t.asked or t.maybe:
            state, cls, detail = ("asked", "asked", "") if t.asked else ("maybe asked", "maybe", "")
        elif t.covered_in_answers:
            state, cls, detail = "in the answers", "asked", ", ".join(t.answer_terms[:3])
        else:
            state, cls, detail = "not covered", "not-asked", "one to ask next time" if t.essential else ""
        items.append(f'<li><b>{escape(THEME_NAMES.get(theme, theme))}</b>{" (essential)" if t.essential else ""}: '
                     f'<span class="badge {cls}">{state}</span>'
                     f'{f" <span class=small>{escape(detail)}</span>" if detail else ""}</li>')
    return f'<section id="themes"><h2>Themes</h2><ul class="findings">{"".join(items)}</ul></section>'


def _caption(r: Report) -> str:
    parts = ["Bars: speech per speaker."]
    kinds = {a.state if a.planned is None else "asked" for a in r.asked}
    if r.asked:
        parts.append("Circles: the questions asked; a number is the row of the planned questions table"
                     + (", a purple + a follow-up" if "follow-up" in kinds else "")
                     + (", a dashed ? maybe a planned question (confirm it with <code>listenwell review</code>)" if "maybe" in kinds else "")
                     + "; click one to hear it.")
    if r.unheard_interviewer_s:
        parts.append("A dashed … marks interviewer speech the transcript has no words for.")
    if r.time_budget.promise_ended_at_s is not None:
        parts.append("Dashed red line: the end of the time you promised.")
    if r.notes:
        parts.append("Yellow squares: your notes and marks.")
    return " ".join(parts)


def _transcript_html(r: Report, transcript: Transcript, names: dict[str, str]) -> str:
    notes = list(r.notes)
    out = []
    for s, e, spk, text in transcript_lines(transcript):
        while notes and notes[0].at_s <= s:
            out.append(_note_line(notes.pop(0)))
        out.append(f'<p class="line" data-start="{s:.2f}" data-end="{e:.2f}"><span class="ts">{clock(s)}</span>'
                   f'<span class="spk {_spk_class(spk)}">{escape(names.get(spk or "", spk or "?"))}</span>'
                   f'<span class="text">{escape(text)}</span></p>')
    out += [_note_line(n) for n in notes]
    return "".join(out)


def _note_line(n) -> str:
    kind = "Mark" if n.kind == "mark" and not n.text else n.kind.capitalize()
    return (f'<div class="note-line" role="note" data-start="{n.at_s:.2f}">{escape(kind)} {clock(n.at_s)}'
            f'{": " + escape(n.text) if n.text else ""}</div>')


def render_html(r: Report, transcript: Transcript) -> str:
    i, talk = r.interview, r.talk
    labels = sorted({t.speaker for t in transcript.turns})
    names = speaker_names(r, labels)
    them = names[INTERVIEWEE]
    share = "n/a" if talk.interviewee_share is None else f"{talk.interviewee_share:.0%}"
    meta = " · ".join(escape(m) for m in (i.date or "", f"level: {i.level}" if i.level else "",
                                            f"recording {clock(r.duration_s)}", i.folder) if m)
    findings = "".join(f"<li>{escape(f)}</li>" for f in r.findings)
    followups = "".join(f'<li><a href="#" data-start="{f.at_s:.2f}">{clock(f.at_s)}</a> {escape(f.text)} '
                        f'<span class="small">(answer {f.answer_s or 0:.0f} s'
                        f'{", maybe “" + escape(f.maybe) + "”" if f.maybe else ""})</span></li>' for f in r.followups)
    notes = "".join(f'<li><a href="#" data-start="{n.at_s:.2f}">{clock(n.at_s)}</a> {escape(n.kind)}'
                    f'{": " + escape(n.text) if n.text else ""}</li>' for n in r.notes)
    audio = escape(transcript.audio.file, quote=True)
    stale = "".join(f"<li>{escape(x)}</li>" for x in (r.corrections or {}).get("not_applied", []))
    fixes = (r.corrections or {}).get("applied", 0)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interview report: {escape(title(r))}</title><style>{CSS}</style></head>
<body><main>
<h1>Interview report: {escape(title(r))}</h1><div class="meta">{meta}</div>
<section><h2>Findings</h2><ul class="findings">{findings}</ul></section>
<section><h2>Talk share: {escape(them)} spoke {share} of the time</h2>{share_bar(r, names)}{margin_text(r)}{_stats(r, names)}</section>
<section><h2>Timeline</h2><div class="chart">{timeline_svg(r, transcript, names, WIDE, "timeline")}{timeline_svg(r, transcript, names, NARROW, "timeline-narrow")}</div>
<p class="small">{_caption(r)}</p></section>
<section><h2>Planned questions</h2>{_questions_table(r)}</section>
{themes_html(r)}
{f'<section><h2>Follow-up questions</h2><ul>{followups}</ul></section>' if followups else ''}
{f'<section><h2>Notes</h2><ul>{notes}</ul></section>' if notes else ''}
<section><h2>Transcript</h2><audio id="audio" controls preload="metadata" src="{audio}"></audio>
<p id="audio-missing" class="warn" hidden>The recording ({escape(transcript.audio.file)}) is not next to this page, so it cannot be played: keep report.html in the interview folder, beside {escape(transcript.audio.file)}. Everything else works without it.</p>
<p class="small no-print">Click a line to play the recording from there.{f" The transcript includes your {fixes} correction{'s' if fixes != 1 else ''}." if fixes else ""}</p>
{f'<div class="warn"><p>Corrections that no longer apply (the transcript changed):</p><ul>{stale}</ul></div>' if stale else ''}
<div id="transcript">{_transcript_html(r, transcript, names)}</div></section>
<p class="small">listenwell {escape(r.tool_version)} · {escape(r.generated_at)} · question mapping: {escape(r.mapping.method)}</p>
</main><script>{JS}</script></body></html>
"""
