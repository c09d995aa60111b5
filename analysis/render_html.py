"""report.html: one self-contained page (inline CSS, JS and SVG; nothing fetched).

It shows the timeline (who spoke when, a marker per asked question, the time-budget line,
notes), the talk share against the target, the question table, and the transcript, where
clicking a line plays the recording (the folder's audio file, by relative path) from there.
"""

from __future__ import annotations

from html import escape

from listenwell.analysis.question_map import sentences
from listenwell.analysis.render_md import in_asked_order, title
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import Report
from listenwell.timefmt import clock

LINE_MAX_S = 30.0  # transcript lines longer than this are split, so a click lands near the words
COLOURS = {INTERVIEWER: "#d9822b", INTERVIEWEE: "#2b7bd9"}
OTHER_COLOUR = "#8a8f98"

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 10px}
.meta{color:#5b6473;margin-bottom:16px}
section{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:14px 18px;margin:14px 0}
ul.findings li{margin:4px 0}
table{border-collapse:collapse;width:100%;font-size:.93em}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
tr.skipped td{color:#8a8f98}
.pill{display:inline-block;padding:0 7px;border-radius:9px;font-size:.85em;color:#fff}
.interviewer{color:#d9822b}.interviewee{color:#2b7bd9}
svg text{font:11px system-ui,sans-serif;fill:#3b4350}
.q-marker,.note-marker,.unheard-marker{cursor:pointer}
.q-marker:hover circle{stroke:#000;stroke-width:1.5}
audio{width:100%;margin:6px 0 10px}
#transcript{max-height:560px;overflow:auto}
.line{margin:0;padding:4px 6px;border-radius:5px;cursor:pointer;display:flex;gap:10px}
.line:hover{background:#eef3fb}.line.playing{background:#fff4d6}
.line .ts{color:#5b6473;font-variant-numeric:tabular-nums;min-width:3.2em}
.line .spk{font-weight:600;min-width:6.5em}
.small{color:#5b6473;font-size:.88em}
"""

JS = """
(function(){
  var audio=document.getElementById('audio');
  function seek(t){
    if(!audio){return;}
    audio.currentTime=t;
    var p=audio.play(); if(p&&p.catch){p.catch(function(){});}
  }
  document.querySelectorAll('[data-start]').forEach(function(el){
    el.addEventListener('click',function(ev){ev.preventDefault();seek(parseFloat(el.getAttribute('data-start')));});
  });
  var lines=Array.prototype.slice.call(document.querySelectorAll('#transcript .line'));
  if(audio){audio.addEventListener('timeupdate',function(){
    var t=audio.currentTime;
    lines.forEach(function(l){
      var on=t>=parseFloat(l.dataset.start)&&t<parseFloat(l.dataset.end);
      l.classList.toggle('playing',on);
    });
  });}
})();
"""


def _colour(speaker: str) -> str:
    return COLOURS.get(speaker, OTHER_COLOUR)


def _name(speaker: str | None) -> str:
    return {INTERVIEWER: "Interviewer", INTERVIEWEE: "Interviewee"}.get(speaker or "", speaker or "?")


def timeline_svg(r: Report, transcript: Transcript) -> str:
    """Lanes of speech per speaker, question markers above, the time-budget line across."""
    width, left, right = 1000, 90, 16
    speakers = sorted({t.speaker for t in transcript.turns}, key=lambda s: (s != INTERVIEWER, s != INTERVIEWEE, s))
    tb = r.time_budget
    span = max(r.duration_s, max((t.end for t in transcript.turns), default=0.0), 1.0)
    if tb.promise_ended_at_s:
        span = max(span, tb.promise_ended_at_s * 1.02)
    lane_h, top = 26, 44
    height = top + lane_h * len(speakers) + 34

    def x(t: float) -> float:
        return left + (width - left - right) * t / span

    out = [f'<svg id="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="Timeline of who spoke when, with question markers" xmlns="http://www.w3.org/2000/svg">']
    step = next(s for s in (30, 60, 120, 300, 600, 1200, 1800, 3600) if span / s <= 14)
    t = 0.0
    while t <= span:
        out.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{height - 28}" stroke="#eceef2"/>'
                   f'<text x="{x(t):.1f}" y="{height - 14}" text-anchor="middle">{clock(t)}</text>')
        t += step
    for n, spk in enumerate(speakers):
        y = top + n * lane_h
        out.append(f'<text x="{left - 8}" y="{y + lane_h / 2 + 4}" text-anchor="end">{escape(_name(spk))}</text>')
        for turn in (t for t in transcript.turns if t.speaker == spk):
            w = max(0.8, x(turn.end) - x(turn.start))
            out.append(f'<rect class="turn" data-start="{turn.start:.2f}" x="{x(turn.start):.1f}" y="{y + 4}" '
                       f'width="{w:.1f}" height="{lane_h - 8}" fill="{_colour(spk)}" rx="2">'
                       f'<title>{escape(_name(spk))} {clock(turn.start)}-{clock(turn.end)}</title></rect>')
    if tb.promise_ended_at_s is not None:
        bx = x(tb.promise_ended_at_s)
        out.append(f'<line class="budget-line" x1="{bx:.1f}" y1="8" x2="{bx:.1f}" y2="{height - 28}" '
                   f'stroke="#c0392b" stroke-width="2" stroke-dasharray="5,4"/>'
                   f'<text x="{bx - 4:.1f}" y="12" text-anchor="end" fill="#c0392b">{tb.planned_min or 0:g} min promised</text>')
    for n, a in enumerate(r.asked, start=1):
        cx = x(a.at_s)
        planned = a.planned is not None
        label = escape(a.planned or "follow-up")
        out.append(f'<g class="q-marker {"planned" if planned else "followup"}" data-start="{a.at_s:.2f}">'
                   f'<title>{clock(a.at_s)} {label}: {escape(a.text)}</title>'
                   f'<line x1="{cx:.1f}" y1="{top - 14}" x2="{cx:.1f}" y2="{top + lane_h * len(speakers)}" stroke="#555" stroke-width="0.6"/>'
                   f'<circle cx="{cx:.1f}" cy="{top - 18}" r="8" fill="{"#2e8b57" if planned else "#9b59b6"}"/>'
                   f'<text x="{cx:.1f}" y="{top - 14.5}" text-anchor="middle" style="fill:#fff;font-size:9px">{n}</text></g>')
    for t in r.unheard_interviewer_s:  # interviewer speech the transcript has no words for
        ux = x(t)
        out.append(f'<g class="unheard-marker" data-start="{t:.2f}"><title>{clock(t)} the interviewer spoke here, '
                   f'but the transcript has no words</title><circle cx="{ux:.1f}" cy="{top - 18}" r="7" fill="#fff" '
                   f'stroke="#8a8f98" stroke-dasharray="2,2"/><text x="{ux:.1f}" y="{top - 14.5}" text-anchor="middle">?</text></g>')
    for note in r.notes:
        nx = x(note.at_s)
        out.append(f'<g class="note-marker" data-start="{note.at_s:.2f}"><title>{clock(note.at_s)} {escape(note.kind)}: '
                   f'{escape(note.text)}</title><path d="M{nx - 5:.1f},{height - 28} l5,-8 l5,8 z" fill="#f1c40f"/></g>')
    out.append("</svg>")
    return "".join(out)


def share_svg(r: Report) -> str:
    """A bar of the talk split, with the target marked."""
    talk = r.talk
    total = talk.interviewer_s + talk.interviewee_s + talk.other_s
    width, h = 1000, 34
    parts = [(INTERVIEWEE, talk.interviewee_s), (INTERVIEWER, talk.interviewer_s), ("others", talk.other_s)]
    out = [f'<svg id="share" viewBox="0 0 {width} {h + 22}" width="100%" role="img" aria-label="Talk share" '
           'xmlns="http://www.w3.org/2000/svg">']
    x0 = 0.0
    for spk, secs in parts:
        if total <= 0 or secs <= 0:
            continue
        w = width * secs / total
        out.append(f'<rect class="share-{spk}" x="{x0:.1f}" y="0" width="{w:.1f}" height="{h}" fill="{_colour(spk)}">'
                   f'<title>{escape(_name(spk))}: {secs / 60:.1f} min ({secs / total:.0%})</title></rect>')
        if w > 90:
            out.append(f'<text x="{x0 + 8:.1f}" y="{h / 2 + 4}" style="fill:#fff;font-size:13px">{escape(_name(spk))} {secs / total:.0%}</text>')
        x0 += w
    tx = width * talk.target_share
    out.append(f'<line x1="{tx:.1f}" y1="-2" x2="{tx:.1f}" y2="{h + 4}" stroke="#111" stroke-width="2" stroke-dasharray="4,3"/>'
               f'<text x="{tx:.1f}" y="{h + 17}" text-anchor="middle">target {talk.target_share:.0%} interviewee</text></svg>')
    return "".join(out)


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


def _questions_table(r: Report) -> str:
    if not r.questions:
        return '<p class="small">Questions need a plan: put plan.toml (or plan.md) in the folder, or pass --plan.</p>'
    rows = []
    for q in in_asked_order(r.questions):
        when = f'<a href="#" data-start="{q.asked_at_s:.2f}">{clock(q.asked_at_s)}</a>' if q.asked and q.asked_at_s is not None else "skipped"
        share = f"{q.interviewee_share:.0%}" if q.interviewee_share is not None else ""
        answer = "" if q.answer_s is None else f"{q.answer_s:.0f} s"
        asked = f"<br><span class=small>asked: {escape(q.asked_text)}</span>" if q.asked_text else ""
        rows.append(
            f'<tr class="{"asked" if q.asked else "skipped"}"><td class="num">{q.order or "–"}</td><td>{escape(q.id)}</td>'
            f'<td class="num">{q.priority}</td><td class="num">{when}</td>'
            f'<td class="num">{answer}</td><td class="num">{share}</td>'
            f"<td>{escape(q.text)}{asked}</td></tr>"
        )
    return ('<table id="questions"><thead><tr><th class="num">#</th><th>id</th><th class="num">priority</th>'
            '<th class="num">asked at</th><th class="num">answer</th><th class="num">their share</th><th>question</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def render_html(r: Report, transcript: Transcript) -> str:
    i, talk, st = r.interview, r.talk, r.stats
    share = "n/a" if talk.interviewee_share is None else f"{talk.interviewee_share:.0%}"
    meta = " · ".join(escape(m) for m in (i.date or "", f"level: {i.level}" if i.level else "",
                                            f"recording {clock(r.duration_s)}", i.folder) if m)
    findings = "".join(f"<li>{escape(f)}</li>" for f in r.findings)
    followups = "".join(f'<li><a href="#" data-start="{f.at_s:.2f}">{clock(f.at_s)}</a> {escape(f.text)} '
                        f'<span class="small">(answer {f.answer_s or 0:.0f} s)</span></li>' for f in r.followups)
    notes = "".join(f'<li><a href="#" data-start="{n.at_s:.2f}">{clock(n.at_s)}</a> {escape(n.kind)}'
                    f'{": " + escape(n.text) if n.text else ""}</li>' for n in r.notes)
    lines = "".join(
        f'<p class="line" data-start="{s:.2f}" data-end="{e:.2f}"><span class="ts">{clock(s)}</span>'
        f'<span class="spk" style="color:{_colour(spk or "")}">{escape(_name(spk))}</span><span>{escape(text)}</span></p>'
        for s, e, spk, text in transcript_lines(transcript)
    )
    patience = "n/a" if st.patience_median_s is None else f"{st.patience_median_s:.1f} s"
    stats = (f"Longest stretch: you {st.interviewer_longest_s:.0f} s, them {st.interviewee_longest_s:.0f} s · "
             f"interruptions {st.interruptions} · pause before you spoke (median) "
             f"{patience} · "
             f"questions per 10 min {st.questions_per_10min} · words/min you {st.interviewer_wpm or 'n/a'}, them {st.interviewee_wpm or 'n/a'}")
    audio = escape(transcript.audio.file, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interview report: {escape(title(r))}</title><style>{CSS}</style></head>
<body><main>
<h1>Interview report: {escape(title(r))}</h1><div class="meta">{meta}</div>
<section><h2>Findings</h2><ul class="findings">{findings}</ul></section>
<section><h2>Talk share: the interviewee spoke {share} of the time</h2>{share_svg(r)}<p class="small">{stats}</p></section>
<section><h2>Timeline</h2>{timeline_svg(r, transcript)}
<p class="small">Bars: speech per speaker. Circles: questions in the order asked (green = planned, purple = follow-up); click one to hear it; a dashed circle marks interviewer speech the transcript has no words for. Dashed red line: the end of the promised time. Yellow: your notes.</p></section>
<section><h2>Planned questions</h2>{_questions_table(r)}</section>
{f'<section><h2>Follow-up questions</h2><ul>{followups}</ul></section>' if followups else ''}
{f'<section><h2>Notes taken while recording</h2><ul>{notes}</ul></section>' if notes else ''}
<section><h2>Transcript</h2><audio id="audio" controls preload="metadata" src="{audio}"></audio>
<p class="small">Click a line to play the recording from there.</p><div id="transcript">{lines}</div></section>
<p class="small">listenwell {escape(r.tool_version)} · {escape(r.generated_at)} · question mapping: {escape(r.mapping.method)}</p>
</main><script>{JS}</script></body></html>
"""
