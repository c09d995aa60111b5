"""The pictures of report.html: the timeline (inline SVG) and the talk-share bar (HTML).

The timeline is drawn twice: 1000 units wide for screens and print, 420 units wide for
phones (shown by the stylesheet under 700 pixels), so that its text is as big as the
page's on both. A marker per ask: planned questions carry the number of their row in the
question table, follow-ups a "+", a possible planned question ("maybe") a dashed "?";
markers too close to share a row go up a row instead of covering each other; notes and
marks have their own lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from listenwell.analysis.report_page import (
    BUDGET,
    COLOURS,
    FOLLOWUP,
    MAYBE,
    MUTED,
    NOTE_EDGE,
    NOTE_FILL,
    OTHER_COLOUR,
    PLANNED,
)
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import Report
from listenwell.timefmt import clock


def colour(speaker: str) -> str:
    return COLOURS.get(speaker, OTHER_COLOUR)


@dataclass
class Layout:
    width: float
    left: float  # room for the lane names (0: names above the lanes)
    font: float  # text size, in the drawing's units
    radius: float  # of a marker
    ticks: int  # at most this many time labels


WIDE = Layout(width=1000, left=110, font=12, radius=9, ticks=12)
NARROW = Layout(width=420, left=0, font=14, radius=10, ticks=4)


def _rows(xs: list[float], gap: float, most: int = 3) -> list[int]:
    """A row for each marker (x sorted or not): the lowest where it covers no other."""
    last: list[float] = []
    out = []
    for x in xs:
        row = next((k for k, end in enumerate(last) if x - end >= gap), None)
        if row is None:
            row = len(last) if len(last) < most else min(range(len(last)), key=lambda k: last[k])
            if row == len(last):
                last.append(x)
        last[row] = x
        out.append(row)
    return out


def timeline_svg(r: Report, transcript: Transcript, names: dict[str, str], lay: Layout = WIDE,
                 svg_id: str = "timeline") -> str:
    """Lanes of speech per speaker, markers above them, the promised time, notes below."""
    speakers = sorted({t.speaker for t in transcript.turns}, key=lambda s: (s != INTERVIEWER, s != INTERVIEWEE, s))
    tb = r.time_budget
    span = max(r.duration_s, max((t.end for t in transcript.turns), default=0.0), 1.0)
    if tb.promise_ended_at_s:
        span = max(span, tb.promise_ended_at_s * 1.02)
    right, f, rad = 12, lay.font, lay.radius

    if lay.left:  # names beside the lanes: room for the longest (about 0.62 of the text size a letter)
        longest = max([len(names.get(x, x)) for x in speakers] + [5 if r.notes else 0])
        lay = Layout(lay.width, min(260, max(lay.left, 0.62 * f * longest + 14)), f, rad, lay.ticks)
    origin = lay.left or 2 * f  # names above the lanes: room for the first time label only

    def x(t: float) -> float:
        return origin + (lay.width - origin - right) * t / span

    order = {q.id: q.order for q in r.questions if q.order}
    markers = []  # (x, kind, label, title, start)
    for a in r.asked:
        kind = "planned" if a.planned else ("maybe" if a.state == "maybe" else "followup")
        label = str(order.get(a.planned or "", "")) if a.planned else ("?" if kind == "maybe" else "+")
        what = a.planned or (f"maybe {a.maybe}" if kind == "maybe" else "follow-up")
        markers.append((x(a.at_s), kind, label, f"{clock(a.at_s)} {what}: {a.text}", a.at_s))
    for t in r.unheard_interviewer_s:
        markers.append((x(t), "unheard", "…", f"{clock(t)} {names.get(INTERVIEWER, 'the interviewer')} spoke here, "
                        "but the transcript has no words", t))
    markers.sort(key=lambda m: m[0])
    rows = _rows([m[0] for m in markers], 2 * rad + 2)
    n_rows = max(rows, default=-1) + 1
    label_h = f + 6 if tb.promise_ended_at_s is not None else 0
    top = label_h + n_rows * (2 * rad + 2) + 6
    lane_h = 26 if lay.left else f + 24
    notes_h = lane_h if r.notes else 0
    lanes_end = top + lane_h * len(speakers)
    height = lanes_end + notes_h + f + 12

    out = [f'<svg id="{svg_id}" viewBox="0 0 {lay.width} {height:.0f}" role="img" '
           f'aria-label="Timeline of who spoke when, with the questions asked" xmlns="http://www.w3.org/2000/svg" '
           f'style="font-size:{f}px">']
    out += _ticks(span, lay, x, top, lanes_end + notes_h, height)
    for n, spk in enumerate(speakers):
        y = top + n * lane_h
        bar_y = y + (4 if lay.left else f + 4)
        bar_h = lane_h - (8 if lay.left else f + 8)
        anchor, lx, ly = ("end", lay.left - 8, y + lane_h / 2 + f / 3) if lay.left else ("start", 4, y + f)
        out.append(f'<text x="{lx}" y="{ly:.1f}" text-anchor="{anchor}" fill="{colour(spk)}" '
                   f'style="fill:{colour(spk)};font-weight:600">{escape(names.get(spk, spk))}</text>')
        for turn in (t for t in transcript.turns if t.speaker == spk):
            w = max(0.8, x(turn.end) - x(turn.start))
            out.append(f'<rect class="turn" data-start="{turn.start:.2f}" x="{x(turn.start):.1f}" y="{bar_y:.1f}" '
                       f'width="{w:.1f}" height="{bar_h:.1f}" fill="{colour(spk)}" rx="2">'
                       f'<title>{escape(names.get(spk, spk))} {clock(turn.start)}-{clock(turn.end)}</title></rect>')
    if tb.promise_ended_at_s is not None:
        bx = x(tb.promise_ended_at_s)
        out.append(f'<line class="budget-line" x1="{bx:.1f}" y1="2" x2="{bx:.1f}" y2="{lanes_end + notes_h:.1f}" '
                   f'stroke="{BUDGET}" stroke-width="2" stroke-dasharray="5,4"/>'
                   f'<text x="{bx - 4:.1f}" y="{f:.0f}" text-anchor="end" style="fill:{BUDGET}">'
                   f'{tb.planned_min or 0:g} min promised</text>')
    for (mx, kind, label, title, start), row in zip(markers, rows, strict=True):
        cy = top - 4 - rad - row * (2 * rad + 2)
        out.append(_marker(mx, cy, rad, kind, label, title, start, top + lane_h * len(speakers)))
    if r.notes:
        out += _notes(r, lay, x, lanes_end, lane_h)
    out.append("</svg>")
    return "".join(out)


def _ticks(span: float, lay: Layout, x, top: float, bottom: float, height: float) -> list[str]:
    step = next((s for s in (15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200) if span / s <= lay.ticks), 7200)
    out, t = [], 0.0
    while t <= span:
        out.append(f'<line x1="{x(t):.1f}" y1="{top - 4:.1f}" x2="{x(t):.1f}" y2="{bottom:.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{x(t):.1f}" y="{height - 6:.1f}" text-anchor="middle" style="fill:{MUTED}">{clock(t)}</text>')
        t += step
    return out


def _marker(cx: float, cy: float, rad: float, kind: str, label: str, title: str, start: float, down_to: float) -> str:
    fill = {"planned": PLANNED, "followup": FOLLOWUP, "maybe": "#fff", "unheard": "#fff"}[kind]
    stroke = {"maybe": MAYBE, "unheard": MUTED}.get(kind, fill)
    ink = {"maybe": MAYBE, "unheard": MUTED}.get(kind, "#fff")
    dash = ' stroke-dasharray="3,2"' if kind in ("maybe", "unheard") else ""
    cls = "unheard-marker" if kind == "unheard" else f"q-marker {kind}"
    return (f'<g class="{cls}" data-start="{start:.2f}"><title>{escape(title)}</title>'
            f'<line x1="{cx:.1f}" y1="{cy + rad:.1f}" x2="{cx:.1f}" y2="{down_to:.1f}" stroke="#6b7280" stroke-width="0.6"/>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{rad}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{cx:.1f}" y="{cy + rad * 0.42:.1f}" text-anchor="middle" '
            f'style="fill:{ink};font-size:{rad * 1.15:.0f}px;font-weight:700">{escape(label)}</text></g>')


def _notes(r: Report, lay: Layout, x, y: float, lane_h: float) -> list[str]:
    """The notes lane: a flag per note or mark, side by side where they are close."""
    size = lay.radius * 1.3
    xs = [x(n.at_s) for n in r.notes]
    rows = _rows(xs, size + 2, most=2)
    out = [f'<text x="{lay.left - 8 if lay.left else 4}" y="{y + (lane_h / 2 + lay.font / 3 if lay.left else lay.font):.1f}" '
           f'text-anchor="{"end" if lay.left else "start"}" style="fill:{NOTE_EDGE};font-weight:600">Notes</text>']
    base = y + (4 if lay.left else lay.font + 4)
    for note, nx, row in zip(r.notes, xs, rows, strict=True):
        what = "mark" if note.kind == "mark" and not note.text else note.kind
        out.append(f'<g class="note-marker" data-start="{note.at_s:.2f}"><title>{clock(note.at_s)} {escape(what)}'
                   f'{": " + escape(note.text) if note.text else ""}</title>'
                   f'<rect x="{nx - size / 2:.1f}" y="{base + row * (size / 2):.1f}" width="{size:.1f}" height="{size:.1f}" '
                   f'rx="2" fill="{NOTE_FILL}" stroke="{NOTE_EDGE}" stroke-width="1.2"/></g>')
    return out


def share_bar(r: Report, names: dict[str, str]) -> str:
    """The talk split as a bar with the target marked, and a legend beside it (text at the
    page's size, never under the target line)."""
    talk = r.talk
    total = talk.interviewer_s + talk.interviewee_s + talk.other_s
    parts = [(INTERVIEWEE, talk.interviewee_s), (INTERVIEWER, talk.interviewer_s), ("other", talk.other_s)]
    segs, legend = [], []
    for spk, secs in parts:
        if total <= 0 or secs <= 0:
            continue
        name = names.get(spk, "Others")
        segs.append(f'<div class="seg share-{spk}" style="width:{100 * secs / total:.2f}%;background:{colour(spk)}" '
                    f'title="{escape(name)}: {secs / 60:.1f} min"></div>')
        legend.append(f'<li><span class="sw" style="background:{colour(spk)}"></span>{escape(name)} '
                      f'<b>{secs / total:.0%}</b> · {secs / 60:.1f} min</li>')
    who = names.get(INTERVIEWEE, "the interviewee")
    legend.append(f'<li><span class="sw target"></span>target: {escape(who)} {talk.target_share:.0%} or more</li>')
    label = ", ".join(f"{names.get(s, 'Others')} {v / total:.0%}" for s, v in parts if total > 0 and v > 0)
    return (f'<div id="share" class="sharebar" role="img" aria-label="{escape(label)}; target {talk.target_share:.0%}">'
            + "".join(segs) + f'<div class="target" style="left:{100 * talk.target_share:.1f}%"></div></div>'
            f'<ul class="legend">{"".join(legend)}</ul>')
