"""compare.html: the comparison as one offline page (inline CSS, JS and SVG; nothing fetched).

Each interview links to its own report page and plays its own recording. Those paths are
relative to the page when the page's folder holds the interview (the two move together:
`compare interviews/` writes into interviews/), and absolute otherwise (an --out folder
elsewhere can move on its own); each recording also carries the other form, tried when
the first fails. A cell shows the answer's length, a few key sentences and, on expand,
the whole answer; the interviewee is named once, at the top of their column.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from listenwell.analysis.compare_chart import trend_svg
from listenwell.analysis.compare_render import (
    FOOTNOTE,
    NO_TIME,
    THEME_NAMES,
    cell_status,
    coverage_lines,
    pct,
    said_by,
    theme_status,
    time_kept,
    who,
    yes_no,
)
from listenwell.analysis.render_md import GENERATED_ID
from listenwell.timefmt import clock


def link(path: str | None, out_dir: Path) -> tuple[str, str] | None:
    """(href, the other form) for a file the page points at: relative when the page's
    folder holds it, else an absolute file: URL."""
    if not path:
        return None
    target, here = Path(path).resolve(), Path(out_dir).resolve()
    relative = quote(os.path.relpath(target, here).replace(os.sep, "/"))
    absolute = target.as_uri()
    return (relative, absolute) if here in target.parents else (absolute, relative)


def audio_src(audio: str | None, out_dir: Path) -> str | None:
    found = link(audio, out_dir)
    return found[0] if found else None


def _report_link(i: dict[str, Any], out_dir: Path) -> str:
    found = link(i.get("report_html"), out_dir)
    if found is None:
        return '<span class="muted">no report page yet</span>'
    stale = ' <span class="muted">(out of date: the numbers here are recomputed)</span>' if i.get("report_current") is False else ""
    return f'<a class="report-link" href="{escape(found[0])}">report</a>{stale}'


def _interviews_table(ivs: list[dict], out_dir: Path) -> str:
    e = escape
    trs = []
    for n, i in enumerate(ivs, start=1):
        found = link(i["audio"], out_dir)
        player = (f'<audio id="audio-{i["key"]}" controls preload="metadata" src="{e(found[0])}" data-alt="{e(found[1])}"></audio>'
                  if found else '<span class="muted">no recording</span>')
        cells = [e(str(x)) for x in (n, i["date"] or "")]
        cells.append(f'{e(i["label"])}<br>{_report_link(i, out_dir)}')
        cells += [e(str(x)) for x in (i["role"] or "", i["level"] or "", i["company"] or "", clock(i["duration_s"], NO_TIME),
                                      pct(i["interviewee_share"]), time_kept(i), yes_no(i["priority_first"]))]
        trs.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td>{player}</td></tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in ("#", "Date", "Interviewee", "Role", "Level", "Company", "Duration",
                                                   "Their share", "Time", "Priority first", "Recording"))
    return f'<div class="scroll"><table class="list"><thead><tr>{head}</tr></thead><tbody>{"".join(trs)}</tbody></table></div>'


def _themes_table(comp: dict[str, Any]) -> str:
    themes, ivs = comp.get("themes") or {}, comp["interviews"]
    if not any(c for t in themes.values() for c in t["interviews"].values()):
        return ""  # reports from before themes: nothing to show
    head = "".join(f"<th>{escape(i['label'])}</th>" for i in ivs)
    rows = []
    for theme, t in themes.items():
        name = escape(THEME_NAMES.get(theme, theme)) + (' <small>essential</small>' if t.get("essential") else "")
        cells = "".join(f'<td class="theme {theme_status(t["interviews"].get(i["key"])).replace(" ", "-").replace(",", "")}">'
                        f'{escape(theme_status(t["interviews"].get(i["key"])))}</td>' for i in ivs)
        rows.append(f'<tr data-theme="{escape(theme)}"><th>{name}</th>{cells}</tr>')
    return (f'<section id="themes"><h2>Themes</h2><div class="scroll"><table class="themes"><thead><tr><th>Theme</th>'
            f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def render_html(comp: dict[str, Any], out_dir: Path) -> str:
    ivs, rows = comp["interviews"], comp["questions"]
    e = escape
    title = f"Across {len(ivs)} interview{'s' if len(ivs) != 1 else ''}"
    playable = {i["key"]: i["audio"] is not None for i in ivs}
    cols = "".join(f'<th data-i="{i["key"]}">{e(i["label"])}<small>{e(who(i))}</small></th>' for i in ivs)
    body = []
    for r in rows:
        tds = "".join(_html_cell(r["cells"][i["key"]], i, playable[i["key"]]) for i in ivs)
        chosen = [x for x in r["ids"] if not GENERATED_ID.fullmatch(x)]  # q3 says nothing the text does not
        ids = f'<small>{e(", ".join(chosen))}</small>' if chosen else ""
        body.append(f'<tr data-q="{e(r["key"])}"><th>{e(r["text"])}{ids}</th>{tds}</tr>')
    matrix = (f'<table class="matrix"><thead><tr><th>Question</th>{cols}</tr></thead>'
              f'<tbody>{"".join(body)}</tbody></table>')
    cover = "".join(f"<li>{e(x)}</li>" for x in coverage_lines(comp["coverage"], rows, ivs))
    notes = "".join(f"<li>{e(n)}</li>" for n in comp["notes"])
    notes_html = f'<section id="notes"><h2>Notes</h2><ul>{notes}</ul></section>' if notes else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · listenwell</title>
<style>{CSS}</style></head>
<body>
<header><h1>{e(title)}</h1><p class="muted">Generated {e(comp["generated_at"])} by listenwell {e(comp["tool_version"])}. Click a time to hear that moment.</p></header>
<section id="interviews"><h2>Interviews</h2>{_interviews_table(ivs, out_dir)}</section>
<section id="trend"><h2>Your interviewing</h2><p>{e(comp["trend"]["sentence"])}</p><div class="scroll">{trend_svg(comp["trend"])}</div></section>
{_themes_table(comp)}
<section id="coverage"><h2>Coverage</h2><ul>{cover}</ul></section>
<section id="answers"><h2>Questions × interviewees</h2><div class="scroll">{matrix}</div>
<p class="muted" id="footnote">{e(FOOTNOTE)}</p></section>
{notes_html}
<script>{JS}</script>
</body></html>
"""


def _ts(key: str, at: float | None, playable: bool) -> str:
    return (f'<button type="button" class="ts" data-audio="audio-{key}" data-t="{at}" '
            f'title="Play from {clock(at, NO_TIME)}"{"" if playable else " disabled"}>{clock(at, NO_TIME)}</button>')


def _html_cell(cell: dict[str, Any] | None, i: dict[str, Any], playable: bool) -> str:
    e = escape
    key = i["key"]
    if cell is None:
        return f'<td class="cell none" data-i="{key}"><span class="muted">not in plan</span></td>'
    maybe = cell.get("state") == "maybe"
    if not cell["asked"] and not maybe:
        return f'<td class="cell skipped" data-i="{key}"><span class="muted">{e(cell_status(cell))}</span></td>'
    lines = [f'<p>{_ts(key, run["at_s"], playable)} {f"<b>{e(said_by(run))}</b>" if said_by(run) else ""}'
             f'{e(run["text"])}</p>' for run in cell["excerpt"]]
    whole = cell.get("answer") or []
    if whole and sum(len(r["text"]) for r in whole) > sum(len(r["text"]) for r in cell["excerpt"]):
        runs = "".join(f'<p>{_ts(key, r["at_s"], playable)} {f"<b>{e(said_by(r))}</b>" if said_by(r) else ""}'
                       f'{e(r["text"])}</p>' for r in whole)
        lines.append(f'<details><summary>Whole answer</summary>{runs}</details>')
    tag = ""
    if cell["match"] == "followup":
        tag = f' <span class="tag" title="{e(cell["asked_text"])}">asked as a follow-up</span>'
    elif maybe:
        tag = f' <span class="tag maybe" title="{e(cell.get("asked_text") or "")}">{e(cell_status(cell))}</span>'
    length = f'<span class="len" title="answer length">{clock(cell["answer_s"], NO_TIME) or "asked"}</span>{tag}'
    return f'<td class="cell {"maybe" if maybe else "asked"}" data-i="{key}">{length}{"".join(lines)}</td>'


CSS = """
:root{--ink:#1d2330;--muted:#5b6473;--line:#e5e7eb;--accent:#1d4ed8;--ok:#166534;--warn:#9a3412}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:1200px;padding:24px}
h1{margin:0 0 4px}h2{margin:28px 0 10px;font-size:1.2em}.muted{color:var(--muted)}small{display:block;color:var(--muted);font-weight:normal}
table{border-collapse:collapse;width:100%}table.list td:nth-child(2){white-space:nowrap}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
table.list audio{height:32px;width:220px}.scroll{overflow-x:auto}
table.matrix th:first-child{min-width:200px;max-width:320px}table.matrix td{min-width:220px}
td.cell p{margin:4px 0}td.none,td.skipped{background:#fafafa}td.playing{background:#eff6ff}td.maybe{background:#f0fdf4}
details summary{cursor:pointer;color:var(--accent);margin:4px 0}
.len{display:inline-block;font-weight:600;background:#ecfdf5;color:var(--ok);border-radius:4px;padding:0 6px}
.tag{font-size:.85em;color:var(--warn)}
td.theme.asked{color:var(--ok);font-weight:600}td.theme.not-yet,td.theme.planned-not-asked{color:var(--warn)}
button.ts{font:inherit;font-size:.85em;border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:4px;padding:0 5px;cursor:pointer}
button.ts:hover{background:var(--accent);color:#fff}button.ts:disabled{border-color:var(--line);color:var(--muted);cursor:default;background:#fff}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
@media (max-width:700px){body{padding:10px}table.matrix td{min-width:180px}}
@media print{audio,button.ts{display:none}details{display:block}details>*{display:block}}
"""

# Clicking a time seeks that interview's recording and plays it. play() may be refused
# (autoplay rules, missing file); the position is kept either way. A recording that cannot
# be found by its first path is tried by its other one (relative <-> absolute).
JS = """
document.querySelectorAll('audio[data-alt]').forEach(function (a) {
  a.addEventListener('error', function () {
    if (a.dataset.tried) return;
    a.dataset.tried = '1';
    a.src = a.dataset.alt;
  });
});
document.addEventListener('click', function (ev) {
  var b = ev.target.closest('button.ts');
  if (!b) return;
  var a = document.getElementById(b.dataset.audio);
  if (!a) return;
  a.currentTime = parseFloat(b.dataset.t);
  var p = a.play();
  if (p && p.catch) p.catch(function () {});
  document.querySelectorAll('td.playing').forEach(function (td) { td.classList.remove('playing'); });
  b.closest('td').classList.add('playing');
});
"""
