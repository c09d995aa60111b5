"""The comparison as Markdown and CSV (compare_html.py: the page), and what they share."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

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
    if cell.get("state") == "maybe":
        sure = f" ({round(100 * cell['confidence'])} % sure)" if cell.get("confidence") is not None else ""
        return f"maybe asked{sure}"
    if not cell["asked"]:
        return "not found (speakers unknown)" if cell.get("unknown") else "planned, not asked"
    return clock(cell["answer_s"], NO_TIME) or "asked"


FOOTNOTE = ("A row holds the same question from different plans: the same id, or the same thing asked in "
            "other words. “Maybe asked” is a weak match: confirm or reject it with `listenwell review`.")
THEME_NAMES = {"duties": "Duties (what the work is)", "conditions": "Working conditions", "prospects": "Prospects",
               "path": "Path into the field", "advice": "Advice", "network": "People to talk to"}


def theme_status(c: dict[str, Any] | None) -> str:
    """One interview's coverage of one theme, in words."""
    if c is None:
        return ""
    if c.get("asked"):
        return "asked"
    if c.get("maybe"):
        return "maybe asked"
    if c.get("covered_in_answers"):
        return "came up in the answers"
    return "planned, not asked" if c.get("planned") else "not yet"


def said_by(run: dict[str, Any]) -> str:
    """Who said a sentence, shown only when it is not the interviewee (their column
    already names them)."""
    return "" if run.get("role") == "interviewee" else f"{run['speaker']}: "


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
    out += ["", "## Your interviewing", "", comp["trend"]["sentence"], ""]
    themes = comp.get("themes") or {}
    if any(c for t in themes.values() for c in t["interviews"].values()):
        out += ["## Themes", "", "| Theme | " + " | ".join(_md(i["label"]) for i in ivs) + " |", "|---|" + "---|" * len(ivs)]
        for theme, t in themes.items():
            name = THEME_NAMES.get(theme, theme) + (" (essential)" if t.get("essential") else "")
            out.append(f"| {_md(name)} | " + " | ".join(_md(theme_status(t["interviews"].get(i["key"]))) for i in ivs) + " |")
        out.append("")
    out += ["## Coverage", ""]
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
            if cell is None or not (cell["asked"] or cell.get("state") == "maybe"):
                out.append(f"{head}: {cell_status(cell)}")
                continue
            how = f" (asked as a follow-up: “{cell['asked_text']}”)" if cell["match"] == "followup" else ""
            how += " (maybe: “" + (cell.get("asked_text") or "") + "”)" if cell.get("state") == "maybe" else ""
            out.append(f"{head}: {clock(cell['answer_s'], NO_TIME) or '?'} from {clock(cell['start_s'], NO_TIME)}{how}")
            for run in cell.get("answer") or cell["excerpt"]:
                out.append(f"  - [{clock(run['at_s'], NO_TIME)}] {said_by(run)}“{run['text']}”")
        out.append("")
    if comp["pending"] or comp["skipped"] or comp["notes"]:
        out += ["## Notes", ""] + [f"- {_md(n)}" for n in comp["notes"]] + [""]
    out += [FOOTNOTE, ""]
    return "\n".join(out)


# ---- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["question", "question_ids", "priority", "interview", "folder", "date", "interviewee",
               "level", "company", "planned_id", "in_plan", "asked", "match", "asked_at_s",
               "answer_start_s", "answer_s", "excerpt", "state", "answer"]


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
                        " / ".join(f"{x['speaker']}: {x['text']}" for x in c.get("excerpt") or []),
                        c.get("state") or "", " / ".join(f"{x['speaker']}: {x['text']}" for x in c.get("answer") or [])]])
    return buf.getvalue()


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


# ---- HTML: compare_html.py --------------------------------------------------------------------

def render_html(comp: dict[str, Any], out_dir: Path) -> str:
    from listenwell.analysis.compare_html import render_html as page

    return page(comp, out_dir)
