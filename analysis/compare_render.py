"""The comparison as Markdown, CSV and a self-contained HTML page (see compare.py)."""

from __future__ import annotations

import csv
import io
import os
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from listenwell.analysis.compare_chart import trend_svg
from listenwell.safe_text import csv_cell
from listenwell.timefmt import clock

NO_TIME = ""  # an unknown time shows as nothing in the tables


def pct(x: float | None) -> str:
    return "" if x is None else f"{round(100 * x)} %"


def time_kept(i: dict[str, Any]) -> str:
    over = i.get("over_min")
    if over is None:
        return ""
    return "on time" if over <= 0 else f"{over:.1f} min over"


def yes_no(x: bool | None) -> str:
    return "" if x is None else ("yes" if x else "no")


def who(i: dict[str, Any]) -> str:
    """Level and company of an interviewee, for headings."""
    return ", ".join(x for x in (i.get("level"), i.get("company")) if x)


def row_label(r: dict[str, Any]) -> str:
    return r["text"] + (f" ({', '.join(r['ids'])})" if r["ids"] else "")


def cell_status(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "not in plan"
    if not cell["asked"]:
        return "not found (speakers unknown)" if cell.get("unknown") else "planned, not asked"
    return clock(cell["answer_s"], NO_TIME) or "asked"


def coverage_lines(c: dict[str, Any], rows: list[dict], interviews: list[dict]) -> list[str]:
    """Coverage as plain sentences (used by Markdown and HTML alike)."""
    text = {r["key"]: r["text"] for r in rows}
    lines = []
    if c["never_asked"]:
        lines.append("Nobody has asked yet: " + "; ".join(f"“{text[k]}”" for k in c["never_asked"]) + ".")
    elif not c.get("unknown"):
        lines.append("Every question in your plans has been asked in at least one interview.")
    if c.get("unknown"):
        lines.append("Not known whether these were asked (speakers not told apart): "
                     + "; ".join(f"“{text[k]}”" for k in c["unknown"]) + ".")
    if len(interviews) > 1:
        if c["one_perspective"]:
            lines.append("Only one perspective so far: " + "; ".join(f"“{text[k]}”" for k in c["one_perspective"]) + ".")
        else:
            lines.append("Every asked question has at least two perspectives.")
    levels = ", ".join(f"{lv} {n}" for lv, n in c["levels"].items())
    if c.get("pending"):
        levels += f" (counting {c['pending']} pending)"
    if c["levels_missing"]:
        lines.append(f"Levels: {levels}; missing: {', '.join(c['levels_missing'])} "
                     "(relative to the role you explore: talk to someone there too).")
    else:
        lines.append(f"Levels: {levels}; all three covered.")
    if c["level_unknown"]:
        lines.append("Level not set for: " + ", ".join(c["level_unknown"]) + " (add `level` to the plan).")
    if c["companies"]:
        names = ", ".join(f"{k} ({n})" for k, n in c["companies"].items())
        lines.append(f"Companies: {names}." + (" All interviews are at one company: talk to people elsewhere "
                                               "to tell the company from the career." if c["one_company"] else ""))
    if c["company_unknown"]:
        lines.append("Company not set for: " + ", ".join(c["company_unknown"]) + ".")
    return lines


# ---- Markdown --------------------------------------------------------------------------------

def _md(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render_md(comp: dict[str, Any]) -> str:
    ivs, rows = comp["interviews"], comp["questions"]
    out = [f"# Across {len(ivs)} interview{'s' if len(ivs) != 1 else ''}", "",
           f"Generated {comp['generated_at']} by listenwell {comp['tool_version']}.", "", "## Interviews", "",
           "| # | Date | Interviewee | Role | Level | Company | Duration | Interviewee share | Time | Priority first |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for n, i in enumerate(ivs, start=1):
        out.append("| " + " | ".join(_md(x) for x in (
            n, i["date"], i["label"], i["role"], i["level"], i["company"], clock(i["duration_s"], NO_TIME),
            pct(i["interviewee_share"]), time_kept(i), yes_no(i["priority_first"]))) + " |")
    out += ["", "## Your interviewing", "", comp["trend"]["sentence"], "", "## Coverage", ""]
    out += [f"- {line}" for line in coverage_lines(comp["coverage"], rows, ivs)]
    out += ["", "## Answer lengths", "", "| Question | " + " | ".join(_md(i["label"]) for i in ivs) + " |",
            "|---|" + "---|" * len(ivs)]
    for r in rows:
        out.append(f"| {_md(row_label(r))} | " + " | ".join(_md(cell_status(r['cells'][i['key']])) for i in ivs) + " |")
    out += ["", "## Answers", ""]
    for r in rows:
        out += [f"### {r['text']}", ""]
        for i in ivs:
            cell = r["cells"][i["key"]]
            head = f"- **{i['label']}**" + (f" ({who(i)})" if who(i) else "")
            if cell is None or not cell["asked"]:
                out.append(f"{head}: {cell_status(cell)}")
                continue
            how = f" (asked as a follow-up: “{cell['asked_text']}”)" if cell["match"] == "followup" else ""
            out.append(f"{head}: {clock(cell['answer_s'], NO_TIME) or '?'} from {clock(cell['start_s'], NO_TIME)}{how}")
            for run in cell["excerpt"]:
                out.append(f"  - [{clock(run['at_s'], NO_TIME)}] {run['speaker']}: “{run['text']}”")
        out.append("")
    if comp["pending"] or comp["skipped"] or comp["notes"]:
        out += ["## Notes", ""] + [f"- {_md(n)}" for n in comp["notes"]] + [""]
    out += [f"Questions were matched across plans by id, else by meaning ({comp['similarity']}).", ""]
    return "\n".join(out)


# ---- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["question", "question_ids", "priority", "interview", "folder", "date", "interviewee",
               "level", "company", "planned_id", "in_plan", "asked", "match", "asked_at_s",
               "answer_start_s", "answer_s", "excerpt"]


def render_csv(comp: dict[str, Any]) -> str:
    """One row per question x interviewee; a cell a spreadsheet would evaluate as a formula
    (text from plans and transcripts) starts with an apostrophe."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in comp["questions"]:
        for i in comp["interviews"]:
            c = r["cells"][i["key"]] or {}
            w.writerow([csv_cell(x) for x in [r["text"], " ".join(r["ids"]), r["priority"], i["key"], i["folder"], i["date"] or "",
                        i["label"], i["level"] or "", i["company"] or "", c.get("id") or "",
                        "yes" if c.get("in_plan") else "no", "yes" if c.get("asked") else "no",
                        c.get("match") or "", _num(c.get("at_s")), _num(c.get("start_s")), _num(c.get("answer_s")),
                        " / ".join(f"{x['speaker']}: {x['text']}" for x in c.get("excerpt") or [])]])
    return buf.getvalue()


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


# ---- HTML -----------------------------------------------------------------------------------

def audio_src(audio: str | None, out_dir: Path) -> str | None:
    """The recording's path relative to the page, so the page works wherever both are moved."""
    if not audio:
        return None
    rel = os.path.relpath(Path(audio).resolve(), Path(out_dir).resolve())
    return quote(rel.replace(os.sep, "/"))


def render_html(comp: dict[str, Any], out_dir: Path) -> str:
    ivs, rows = comp["interviews"], comp["questions"]
    e = escape
    title = f"Across {len(ivs)} interview{'s' if len(ivs) != 1 else ''}"
    players = {i["key"]: audio_src(i["audio"], out_dir) for i in ivs}

    trs = []
    for n, i in enumerate(ivs, start=1):
        src = players[i["key"]]
        player = (f'<audio id="audio-{i["key"]}" controls preload="metadata" src="{e(src)}"></audio>'
                  if src else '<span class="muted">no recording</span>')
        trs.append("<tr>" + "".join(f"<td>{e(str(x))}</td>" for x in (
            n, i["date"] or "", i["label"], i["role"] or "", i["level"] or "", i["company"] or "",
            clock(i["duration_s"], NO_TIME), pct(i["interviewee_share"]), time_kept(i), yes_no(i["priority_first"])))
            + f"<td>{player}</td></tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in ("#", "Date", "Interviewee", "Role", "Level", "Company", "Duration",
                                                   "Their share", "Time", "Priority first", "Recording"))
    interviews_table = f'<table class="list"><thead><tr>{head}</tr></thead><tbody>{"".join(trs)}</tbody></table>'

    cols = "".join(f'<th data-i="{i["key"]}">{e(i["label"])}<small>{e(who(i))}</small></th>' for i in ivs)
    body = []
    for r in rows:
        tds = []
        for i in ivs:
            tds.append(_html_cell(r["cells"][i["key"]], i, players[i["key"]] is not None))
        ids = f'<small>{e(", ".join(r["ids"]))}</small>' if r["ids"] else ""
        body.append(f'<tr data-q="{e(r["key"])}"><th>{e(r["text"])}{ids}</th>{"".join(tds)}</tr>')
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
<section id="interviews"><h2>Interviews</h2>{interviews_table}</section>
<section id="trend"><h2>Your interviewing</h2><p>{e(comp["trend"]["sentence"])}</p>{trend_svg(comp["trend"])}</section>
<section id="coverage"><h2>Coverage</h2><ul>{cover}</ul></section>
<section id="answers"><h2>Questions × interviewees</h2><div class="scroll">{matrix}</div>
<p class="muted">Questions are matched across plans by id, else by meaning ({e(comp["similarity"])}).</p></section>
{notes_html}
<script>{JS}</script>
</body></html>
"""


def _html_cell(cell: dict[str, Any] | None, i: dict[str, Any], playable: bool) -> str:
    e = escape
    key = i["key"]
    if cell is None:
        return f'<td class="cell none" data-i="{key}"><span class="muted">not in plan</span></td>'
    if not cell["asked"]:
        return f'<td class="cell skipped" data-i="{key}"><span class="muted">{cell_status(cell)}</span></td>'
    lines = []
    for run in cell["excerpt"]:
        ts = (f'<button type="button" class="ts" data-audio="audio-{key}" data-t="{run["at_s"]}" '
              f'title="Play from {clock(run["at_s"], NO_TIME)}"{"" if playable else " disabled"}>{clock(run["at_s"], NO_TIME)}</button>')
        lines.append(f'<p>{ts} <b>{e(run["speaker"])}:</b> {e(run["text"])}</p>')
    tag = (f' <span class="tag" title="{e(cell["asked_text"])}">asked as a follow-up</span>'
           if cell["match"] == "followup" else "")
    length = f'<span class="len" title="answer length">{clock(cell["answer_s"], NO_TIME) or "asked"}</span>{tag}'
    return f'<td class="cell asked" data-i="{key}">{length}{"".join(lines)}</td>'


CSS = """
:root{--ink:#1d2330;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb;--ok:#15803d;--warn:#b45309}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:1200px;padding:24px}
h1{margin:0 0 4px}h2{margin:28px 0 10px;font-size:1.2em}.muted{color:var(--muted)}small{display:block;color:var(--muted);font-weight:normal}
table{border-collapse:collapse;width:100%}table.list td:nth-child(2){white-space:nowrap}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
table.list audio{height:32px;width:220px}.scroll{overflow-x:auto}
table.matrix th:first-child{min-width:220px;max-width:320px}table.matrix td{min-width:200px}
td.cell p{margin:4px 0}td.none,td.skipped{background:#fafafa}td.playing{background:#eff6ff}
.len{display:inline-block;font-weight:600;background:#ecfdf5;color:var(--ok);border-radius:4px;padding:0 6px}
.tag{font-size:.8em;color:var(--warn)}
button.ts{font:inherit;font-size:.85em;border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:4px;padding:0 5px;cursor:pointer}
button.ts:hover{background:var(--accent);color:#fff}button.ts:disabled{border-color:var(--line);color:var(--muted);cursor:default;background:#fff}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
"""

# Clicking a time seeks that interview's recording and plays it. play() may be refused
# (autoplay rules, missing file); the position is kept either way.
JS = """
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
