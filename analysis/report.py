"""The interview report: transcript + plan -> report.json (+ report.md, report.html).

`analyse` is a pure function of a Transcript and a Plan; `build_report` reads the interview
folder around it and `write_report` writes the files. report.json is the contract read by
`listenwell compare` (see docs/report.md).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from listenwell.analysis.findings import LONG_INTERVIEWER_S, findings, mmss
from listenwell.analysis.question_map import (
    DEFAULT_PARAMS,
    MatchParams,
    find_questions,
    match_questions,
    sentences,
)
from listenwell.analysis.talk import longest_stretch, talk_in, talk_stats

from listenwell import __version__
from listenwell import intervals as iv
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, read_jsonl, write_json, write_text
from listenwell.plan import DEFAULT_TARGET_SHARE, Plan, load_plan
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript

REPORT_SCHEMA = 1
EXCERPT_CHARS = 240


def analyse(
    transcript: Transcript,
    plan: Plan | None,
    target_share: float | None = None,
    params: MatchParams = DEFAULT_PARAMS,
) -> dict[str, Any]:
    """The report of one interview (without the folder-level fields)."""
    if not transcript.turns:
        transcript = _turns_from_words(transcript)
    if not transcript.turns:
        raise UserError(
            "the transcript has no speakers, so talk time cannot be measured; "
            "rerun `listenwell transcribe` with speaker attribution"
        )
    target = target_share if target_share is not None else (plan.target_share if plan else DEFAULT_TARGET_SHARE)
    if not 0 < target < 1:
        raise UserError(f"--target must be a fraction between 0 and 1, such as 0.7, not {target}")
    turns = transcript.turns
    speech_start = min(t.start for t in turns)
    speech_end = max(t.end for t in turns)
    end_of_audio = max(transcript.audio.duration_s, speech_end)
    ts = talk_stats(transcript)
    labels = set(ts.talk)

    asked = find_questions(transcript) if INTERVIEWER in labels else []
    planned = plan.questions if plan else []
    names = [n for n in (plan.interviewee, plan.interviewer, plan.company) if n] if plan else []
    matches, method = match_questions([a.sentences for a in asked], [q.text for q in planned], params, names)
    sents = sentences(transcript)
    unheard = _unheard_interviewer_speech(transcript)

    def answer(k: int) -> dict[str, Any]:
        a = asked[k]
        nxt = asked[k + 1].start if k + 1 < len(asked) else end_of_audio
        # interviewer speech without words (likely a question the recogniser dropped) ends it too
        nxt = min([nxt] + [u for u in unheard if u > a.end])
        ee = iv.crop(iv.talk_intervals([(t.start, t.end) for t in turns if t.speaker == INTERVIEWEE]), a.end, nxt)
        window = talk_in(turns, a.start, nxt)
        whole = sum(window.values())
        words = " ".join(s.text for s in sents if s.speaker == INTERVIEWEE and a.end - 0.25 <= s.start < nxt)
        return {
            "answer_s": round(iv.total(ee), 2),
            "answer_start_s": round(ee[0][0], 2) if ee else None,
            "answer_end_s": round(ee[-1][1], 2) if ee else None,
            "answer_excerpt": _excerpt(words),
            "interviewee_share": round(window.get(INTERVIEWEE, 0.0) / whole, 3) if whole > 0 else None,
        }

    questions, followups, asked_list = [], [], []
    by_planned = {m.planned: k for k, m in enumerate(matches) if m.planned is not None}
    order_of = {k: n + 1 for n, k in enumerate(sorted(by_planned.values()))}
    for j, q in enumerate(planned):
        k = by_planned.get(j)
        entry: dict[str, Any] = {"id": q.id, "text": q.text, "priority": q.priority, "asked": k is not None}
        if k is None:
            entry.update(asked_at_s=None, order=None, answer_s=None, asked_text=None, match_score=None,
                         answer_start_s=None, answer_end_s=None, answer_excerpt=None, interviewee_share=None)
        else:
            entry.update(asked_at_s=round(asked[k].start, 2), order=order_of[k], asked_text=asked[k].text,
                         match_score=round(matches[k].score, 3), **answer(k))
        questions.append(entry)
    for k, (a, m) in enumerate(zip(asked, matches, strict=True)):
        ans = answer(k)
        pid = planned[m.planned].id if m.planned is not None else None
        asked_list.append({"at_s": round(a.start, 2), "end_s": round(a.end, 2), "text": a.text, "planned": pid,
                           "score": round(m.score, 3), "answer_s": ans["answer_s"]})
        if pid is None:
            followups.append({"text": a.text, "at_s": round(a.start, 2), "answer_s": ans["answer_s"]})

    asked_order = [planned[matches[k].planned].id for k in sorted(by_planned.values())]
    skipped = [q.id for q in planned if q.id not in asked_order]
    p1_orders = [e["order"] for e in questions if e["asked"] and e["priority"] == 1]
    other_orders = [e["order"] for e in questions if e["asked"] and e["priority"] != 1]
    priority_first = (max(p1_orders) < min(other_orders)) if p1_orders and other_orders else (True if p1_orders else None)

    minutes = plan.minutes if plan else None
    actual_min = (speech_end - speech_start) / 60
    promise_end = speech_start + minutes * 60 if minutes else None
    time_budget = {
        "planned_min": minutes,
        "actual_min": round(actual_min, 2),
        "over_min": round(actual_min - minutes, 2) if minutes else None,
        "promise_ended_at_s": round(promise_end, 2) if promise_end is not None else None,
        "asked_after_promise": [q["id"] for q in questions if q["asked"] and promise_end is not None and q["asked_at_s"] > promise_end],
        "conversation_start_s": round(speech_start, 2),
        "conversation_end_s": round(speech_end, 2),
    }

    duration = transcript.audio.duration_s or speech_end
    er_long, ee_long = ts.longest[INTERVIEWER], ts.longest[INTERVIEWEE]
    report: dict[str, Any] = {
        "duration_s": round(duration, 2),
        "talk": {
            "interviewer_s": round(ts.interviewer_s, 2),
            "interviewee_s": round(ts.interviewee_s, 2),
            "interviewee_share": round(ts.interviewee_share, 4) if ts.interviewee_share is not None else None,
            "target_share": target,
            "other_s": round(ts.other_s, 2),
            "by_speaker": {k: round(v, 2) for k, v in sorted(ts.talk.items())},
        },
        "questions": questions,
        "asked_order": asked_order,
        "skipped": skipped,
        "followups": followups,
        "asked": asked_list,
        "time_budget": time_budget,
        "stats": {
            "interviewer_longest_s": round(er_long.duration, 2) if er_long else 0.0,
            "interviewee_longest_s": round(ee_long.duration, 2) if ee_long else 0.0,
            "interviewer_longest_at_s": round(er_long.start, 2) if er_long else None,
            "interviewee_longest_at_s": round(ee_long.start, 2) if ee_long else None,
            "interruptions": len(ts.interruptions),
            "patience_median_s": round(ts.patience_median_s, 2) if ts.patience_median_s is not None else None,
            "questions_per_10min": round(len(asked) / (duration / 600), 2) if duration > 0 else None,
            "interviewer_wpm": ts.interviewer_wpm,
            "interviewee_wpm": ts.interviewee_wpm,
        },
        "interruption_times": [round(t, 2) for t in ts.interruptions],
        "priority_first": priority_first if planned else None,
        "mapping": {"method": method, "questions_found": len(asked)},
        "speakers": transcript.speakers,
    }
    monologues = _interviewer_monologues(transcript)
    report["findings"] = _speaker_findings(labels) + findings(report, plan is not None, monologues)
    report["unheard_interviewer_s"] = [round(t, 2) for t in unheard]
    if unheard:
        times = ", ".join(mmss(t) for t in unheard[:4])
        report["findings"].append(
            f"You spoke at {times} but the transcript has no words there, so a question asked then may be "
            "missing from this report (check the recording there)."
        )
    return report


def _unheard_interviewer_speech(transcript: Transcript, min_s: float = 1.5) -> list[float]:
    """Starts of interviewer talk (per the speaker turns) that the transcript has no words for."""
    words = iv.merge([(w.start, w.end) for w in transcript.words], bridge=iv.PAUSE_BRIDGE_S)
    er = iv.talk_intervals([(t.start, t.end) for t in transcript.turns if t.speaker == INTERVIEWER])
    if not transcript.words:
        return []
    return [s for s, e in er if e - s >= min_s and iv.total(iv.crop(words, s, e)) < 0.2 * (e - s)]


def _turns_from_words(transcript: Transcript) -> Transcript:
    """A transcript whose words or segments carry speakers but which has no turns: derive them."""
    from dataclasses import replace

    from listenwell.records import Turn

    spans: dict[str, list[iv.Interval]] = {}
    for seg in transcript.segments:
        if seg.words:
            for w in seg.words:
                if w.speaker or seg.speaker:
                    spans.setdefault(w.speaker or seg.speaker, []).append((w.start, w.end))
        elif seg.speaker:
            spans.setdefault(seg.speaker, []).append((seg.start, seg.end))
    turns = [Turn(s, e, spk) for spk, x in spans.items() for s, e in iv.merge(x, bridge=iv.PAUSE_BRIDGE_S)]
    return replace(transcript, turns=sorted(turns, key=lambda t: t.start))


def _interviewer_monologues(transcript: Transcript) -> list[tuple[float, float]]:
    """The interviewer's stretches longer than LONG_INTERVIEWER_S, longest first."""
    er = [(t.start, t.end) for t in transcript.turns if t.speaker == INTERVIEWER]
    others = [(t.start, t.end) for t in transcript.turns if t.speaker != INTERVIEWER]
    out = []
    while er:
        s = longest_stretch(er, others)
        if s is None or s.duration <= LONG_INTERVIEWER_S:
            break
        out.append((s.start, s.end))
        er = iv.subtract(er, [(s.start, s.end)])
    return out


def _speaker_findings(labels: set[str]) -> list[str]:
    if len(labels) == 1:
        (only,) = labels
        who = {INTERVIEWER: "the interviewer", INTERVIEWEE: "the interviewee"}.get(only, f"one unnamed speaker ({only})")
        return [f"Only one speaker was heard ({who}); check the recording captured both sides, "
                "or rerun `listenwell transcribe --speakers 2`."]
    if INTERVIEWER not in labels or INTERVIEWEE not in labels:
        return [f"The speakers are not named interviewer/interviewee ({', '.join(sorted(labels))}); "
                "name them with `listenwell label` to get questions and shares."]
    return []


def _excerpt(text: str) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


# ---- the folder around it ---------------------------------------------------------------


def read_notes(folder: InterviewFolder) -> list[dict[str, Any]]:
    """Marks and notes taken while recording, as {"at_s", "kind", "text"}, in time order."""
    out = []
    for rec in read_jsonl(folder.notes_path):
        if not isinstance(rec, dict):
            continue
        t = next((rec[k] for k in ("at_s", "t", "time_s", "offset_s", "elapsed_s", "seconds", "time")
                  if isinstance(rec.get(k), (int, float))), None)
        if t is None:
            continue
        text = str(rec.get("text") or rec.get("note") or "")
        out.append({"at_s": round(float(t), 2), "kind": str(rec.get("kind") or rec.get("type") or ("note" if text else "mark")), "text": text})
    return sorted(out, key=lambda n: n["at_s"])


def load_folder_plan(folder: InterviewFolder, plan_path: Path | None = None) -> Plan | None:
    path = plan_path or folder.plan_path
    return load_plan(path) if path else None


def build_report(
    folder: InterviewFolder,
    target_share: float | None = None,
    plan_path: Path | None = None,
    params: MatchParams = DEFAULT_PARAMS,
) -> dict[str, Any]:
    """The report.json dict of an interview folder (not yet written)."""
    transcript = Transcript.load(folder.transcript_path)
    plan = load_folder_plan(folder, plan_path)
    meta = folder.metadata()
    body = analyse(transcript, plan, target_share, params)
    created = str(meta.get("started_at") or meta.get("created_at") or "")
    interview = {
        "interviewee": (plan.interviewee if plan else "") or meta.get("interviewee", ""),
        "interviewer": (plan.interviewer if plan else "") or meta.get("interviewer", ""),
        "role": (plan.role if plan else "") or meta.get("role", ""),
        "company": (plan.company if plan else "") or meta.get("company", ""),
        "level": (plan.level if plan else None) or meta.get("level"),
        "date": (plan.date if plan else "") or created[:10],
        "folder": folder.path.name,
        "audio": transcript.audio.file,
        "plan": (plan_path or folder.plan_path).name if plan else None,
    }
    return {
        "schema": REPORT_SCHEMA,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "interview": interview,
        **body,
        "notes": read_notes(folder),
    }


def write_report(folder: InterviewFolder, report: dict[str, Any]) -> list[Path]:
    """Write report.json, report.md and report.html (private, atomic); return their paths."""
    from listenwell.analysis.render_html import render_html
    from listenwell.analysis.render_md import render_markdown

    transcript = Transcript.load(folder.transcript_path)
    write_json(folder.report_path, report)
    md, html = folder.path / "report.md", folder.path / "report.html"
    write_text(md, render_markdown(report))
    write_text(html, render_html(report, transcript))
    return [folder.report_path, md, html]

