"""Across interviews: the 360-degree view of a career (`listenwell compare`).

`build_comparison(paths)` reads every interview's report (computing it in memory for a
transcribed folder that has none) and returns one plain dict: the interviews in date order,
a matrix of questions x interviews (answer length, the whole answer and a few key sentences
of it, attributed to whoever said them, and where it starts in the recording), coverage (questions nobody asked, single perspectives,
missing levels and companies) and the interviewer's own trend. compare_render.py turns it
into Markdown, HTML and CSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from listenwell import __version__
from listenwell.analysis.compare_answers import answer_parts
from listenwell.analysis.compare_load import InterviewInfo, describe, find_interviews
from listenwell.analysis.compare_match import Scorer, match_questions, pick_pairs, scorer
from listenwell.analysis.compare_trend import trend
from listenwell.corrected import corrected_transcript
from listenwell.errors import UserError
from listenwell.plan import ESSENTIAL_THEMES, LEVELS, THEMES
from listenwell.records import INTERVIEWER, Transcript
from listenwell.report_records import QuestionResult, Report

# A follow-up fills another plan's question only when this similar (see _followups).
FOLLOWUP_FLOOR = 0.35


def build_comparison(paths: list[Path], progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """The comparison of the interviews named by `paths` (folders, or parents of folders).

    `progress(done, total, name)` is called as each interview is read (and, where it has
    no report yet, analysed).
    """
    folders, warnings = find_interviews(paths)
    if not folders:
        where = ", ".join(str(p) for p in paths) or "."
        raise UserError(f"no interview folders in {where}; give interview folders or a folder that holds them")
    infos = []
    for n, folder in enumerate(folders):
        if progress:
            progress(n, len(folders), folder.path.name)
        infos.append(describe(folder, want_report=True))
    if progress:
        progress(len(folders), len(folders), "")
    ready = sorted((i for i in infos if i.report is not None), key=lambda i: (i.date or "9999", i.name))
    pending = [i for i in infos if i.report is None]
    sc = scorer()

    interviews = [_interview(n, info) for n, info in enumerate(ready, start=1)]
    slots = match_questions([_report(info).questions for info in ready], sc)
    transcripts = [_transcript(info) for info in ready]
    rows = [{"key": s.key, "text": s.text, "priority": s.priority, "ids": sorted(s.ids), "cells": {}} for s in slots]
    for n, info in enumerate(ready):
        key = interviews[n]["key"]
        for slot, row in zip(slots, rows, strict=True):
            if n in slot.members:
                row["cells"][key] = _cell(slot.members[n], slot.how[n], slot.score[n], info, transcripts[n])
                row["cells"][key]["unknown"] = not interviews[n]["speakers_known"]
        open_rows = [(slot, row) for slot, row in zip(slots, rows, strict=True) if n not in slot.members]
        followups = _followups(open_rows, info, transcripts[n], sc)
        for slot, row in open_rows:
            row["cells"][key] = followups.get(slot.key)

    remarks = []  # advice about the comparison itself, shown on the terminal too
    for info, iv in zip(ready, interviews, strict=True):
        if not iv["speakers_known"]:
            why = next((f for f in _report(info).findings if "speaker" in f.lower()), "")
            remarks.append(f"{info.label}: the transcript does not tell the interviewer from the interviewee, "
                         f"so its questions could not be found. {why}".strip())
    if len(ready) == 1:
        remarks.append("Only one interview so far: interviews with more people, above, beside and "
                     "below the role and at other companies, give the 360-degree view.")
    return {
        "schema": 1,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "similarity": sc.name,
        "interviews": interviews,
        "pending": [{**i.as_dict(), "reason": i.pending} for i in pending],
        "skipped": warnings,
        "questions": rows,
        "coverage": coverage(rows, interviews, [i.as_dict() for i in pending]),
        "themes": theme_view(ready, interviews),
        "trend": trend(interviews),
        "remarks": remarks,
        "notes": warnings + [f"{i.folder.path}: pending, {i.pending}" for i in pending] + remarks,
    }


def _report(info: InterviewInfo) -> Report:
    assert info.report is not None  # only interviews with a report are compared
    return info.report


def _interview(n: int, info: InterviewInfo) -> dict[str, Any]:
    report = _report(info)
    talk, budget = report.talk, report.time_budget
    return {
        **info.as_dict(),
        "key": f"i{n}",
        "label": info.label,
        "interviewer": info.interviewer or None,
        "report": info.report_source,
        "audio": str(info.folder.audio_path) if info.folder.audio_path else None,
        # the report page to link to (absent: none written yet), and whether it is current
        "report_html": str(info.folder.path / "report.html") if (info.folder.path / "report.html").is_file() else None,
        "report_current": info.report_current,
        "target_share": talk.target_share,
        "planned_min": budget.planned_min,
        "actual_min": budget.actual_min,
        "over_min": budget.over_min,
        "priority_first": report.priority_first,
        # Without both sides told apart no question can be found: "not asked" would be a guess.
        "speakers_known": bool(talk.interviewer_s) and bool(talk.interviewee_s),
        "planned": len(report.questions),
        "asked": sum(1 for q in report.questions if q.asked),
        "followups": len(report.followups),
        "maybe": len(report.maybe),
    }


def _transcript(info: InterviewInfo) -> Transcript | None:
    """The interview's transcript with the user's corrections applied (its answers are
    quoted as corrected)."""
    if not info.folder.transcript_path.is_file():
        return None
    try:
        return corrected_transcript(info.folder.path).transcript
    except UserError:
        return None


def _cell(q: QuestionResult, how: str, score: float, info: InterviewInfo,
          transcript: Transcript | None) -> dict[str, Any]:
    cell = {"id": q.id, "planned_text": q.text, "in_plan": True, "asked": q.asked,
            "state": q.state, "confidence": q.confidence, "theme": q.theme,
            "match": how, "score": score, "at_s": _r(q.asked_at_s), "answer_s": _r(q.answer_s),
            "start_s": None, "excerpt": [], "answer": []}
    if q.state == "maybe":
        cell["asked_text"] = q.asked_text
    if q.asked or q.state == "maybe":
        start = q.answer_start_s if q.answer_start_s is not None else q.asked_at_s
        end = q.answer_end_s
        if end is None and start is not None and q.answer_s is not None:
            end = start + q.answer_s
        cell["start_s"] = _r(start)
        cell.update(excerpt(transcript, start, end, info, q.answer_excerpt))
    return cell


def _followups(open_rows: list, info: InterviewInfo, transcript: Transcript | None, sc: Scorer) -> dict[str, Any]:
    """Cells for questions this interview did not plan but asked anyway, as follow-ups.

    A follow-up is free speech, and a wrong cell would put someone's answer under the
    wrong question: so besides the usual rule (pick_pairs) the pair must score at least
    FOLLOWUP_FLOOR.
    """
    followups = [f for f in _report(info).followups if f.text]
    scores = sc.scores([row["text"] for _, row in open_rows], [f.text for f in followups])
    cells = {}
    for r, k, score in pick_pairs(scores, sc.accept, max(sc.floor, FOLLOWUP_FLOOR)):
        f = followups[k]
        start, end = _answer_window(transcript, f.at_s)
        cells[open_rows[r][1]["key"]] = {
            "id": None, "planned_text": None, "in_plan": False, "asked": True, "match": "followup",
            "score": round(score, 3), "at_s": _r(f.at_s), "answer_s": _r(f.answer_s), "start_s": _r(start),
            "asked_text": f.text, **excerpt(transcript, start, end, info, None)}
    return cells


def _answer_window(transcript: Transcript | None, at: float | None) -> tuple[float | None, float | None]:
    """Where the answer to a question asked at `at` runs: from the other side's first word
    after it to the interviewer's next turn of three words or more (a follow-up's report
    entry gives only when it was asked)."""
    if transcript is None or at is None:
        return at, None
    words = [(w.start, w.speaker or s.speaker) for s in transcript.segments for w in s.words if w.start > at]
    start = next((t for t, spk in words if spk != INTERVIEWER), None)
    if start is None:
        return at, None
    later = [s for s in transcript.segments if s.start > start and s.speaker == INTERVIEWER and len(s.words) >= 3]
    return start, (later[0].start if later else None)


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def excerpt(transcript: Transcript | None, start: float | None, end: float | None,
            info: InterviewInfo, fallback: str | None) -> dict[str, list[dict[str, Any]]]:
    """{"excerpt": a few key sentences, "answer": the whole answer}, each a list of
    {speaker, role, at_s, text} attributed to whoever said it (compare_answers.py)."""
    key, whole = answer_parts(transcript, start, end, (info.interviewee, info.interviewer), fallback)
    return {"excerpt": key, "answer": whole}


def coverage(rows: list[dict], interviews: list[dict], pending: list[dict]) -> dict[str, Any]:
    """What the set of interviews has not covered yet."""
    asked_in = {r["key"]: [k for k, c in r["cells"].items() if c and c["asked"]] for r in rows}
    people = interviews + pending  # a pending interview still counts for who was reached
    levels = Counter(p["level"] for p in people if p.get("level"))
    companies: dict[str, list[str]] = {}
    for p in people:
        if p.get("company"):
            companies.setdefault(p["company"].strip().casefold(), []).append(p["company"].strip())
    company_counts = {names[0]: len(names) for names in companies.values()}
    return {
        # a question planned in an interview whose speakers are unknown may have been asked
        "never_asked": [r["key"] for r in rows if not asked_in[r["key"]]
                        and not any(c and c.get("unknown") for c in r["cells"].values())],
        "unknown": [r["key"] for r in rows if not asked_in[r["key"]]
                    and any(c and c.get("unknown") for c in r["cells"].values())],
        "one_perspective": [r["key"] for r in rows if len(asked_in[r["key"]]) == 1] if len(interviews) > 1 else [],
        # not asked anywhere for sure, but maybe asked somewhere (a weak match: see the cells)
        "maybe_only": [r["key"] for r in rows if not asked_in[r["key"]]
                       and any(c and c.get("state") == "maybe" for c in r["cells"].values())],
        "asked_by": asked_in,
        "levels": {lv: levels.get(lv, 0) for lv in LEVELS},
        "levels_missing": [lv for lv in LEVELS if not levels.get(lv)],
        "level_unknown": [p.get("interviewee") or Path(p["folder"]).name for p in people if not p.get("level")],
        "companies": company_counts,
        "company_unknown": [p.get("interviewee") or Path(p["folder"]).name for p in people if not p.get("company")],
        "one_company": len(company_counts) == 1 and len(people) > 1,
        "pending": len(pending),
    }


def theme_view(ready: list[InterviewInfo], interviews: list[dict]) -> dict[str, Any]:
    """Each theme across the interviews: {theme: {"essential", "interviews": {key: {planned,
    asked, maybe, covered_in_answers, covered} or None (a report without themes)}}}."""
    out: dict[str, Any] = {}
    for theme in THEMES:
        cells = {}
        for info, iv in zip(ready, interviews, strict=True):
            cov = _report(info).themes.get(theme)
            cells[iv["key"]] = None if cov is None else {
                "planned": cov.planned, "asked": cov.asked, "maybe": cov.maybe,
                "covered_in_answers": cov.covered_in_answers, "covered": cov.covered}
        if theme in ESSENTIAL_THEMES or any(c and c["planned"] for c in cells.values()):
            out[theme] = {"essential": theme in ESSENTIAL_THEMES, "interviews": cells}
    return out
