"""The interview report: transcript + plan -> report.json (+ report.md, report.html).

`analyse` is a pure function of a Transcript and a Plan, a chain of small steps: answer
windows and the question table (answers.py), priority order, the time budget, statistics
and findings. `build_report` reads the interview folder around it and `write_report`
writes the files. report.json is the contract read by `listenwell compare` (see
docs/report.md); its records are listenwell/report_records.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from listenwell import __version__
from listenwell import intervals as iv
from listenwell.analysis.answers import (
    answer_windows,
    asks_and_followups,
    question_table,
    unheard_interviewer_speech,
)
from listenwell.analysis.findings import LONG_INTERVIEWER_S, findings
from listenwell.analysis.question_fixes import decide, mark_decided, with_asks_at
from listenwell.analysis.question_map import (
    DEFAULT_PARAMS,
    MAYBE,
    MatchParams,
    find_questions,
    match_questions,
)
from listenwell.analysis.talk import TalkStats, longest_stretch, talk_stats
from listenwell.analysis.themes import question_themes, theme_coverage
from listenwell.corrected import Applied, corrected_transcript
from listenwell.corrections import Corrections, fingerprint
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, read_jsonl, write_files
from listenwell.plan import DEFAULT_TARGET_SHARE, Plan
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript, Turn
from listenwell.report_records import (
    InterviewMeta,
    Mapping,
    Note,
    QuestionResult,
    Report,
    Stats,
    Talk,
    TimeBudget,
)


def analyse(
    transcript: Transcript,
    plan: Plan | None,
    target_share: float | None = None,
    params: MatchParams = DEFAULT_PARAMS,
    corrections: Corrections | None = None,
) -> Report:
    """The report of one interview (without the folder-level fields: interview, notes...).
    `corrections`: the user's decisions about questions override the matching (the
    transcript given is already corrected: corrected.py)."""
    transcript = _with_turns(transcript)
    target = target_share if target_share is not None else (plan.target_share if plan else DEFAULT_TARGET_SHARE)
    if not 0 < target < 1:
        raise UserError(f"--target must be a fraction between 0 and 1, such as 0.7, not {target}")
    speech_start = min(t.start for t in transcript.turns)
    speech_end = max(t.end for t in transcript.turns)
    duration = transcript.audio.duration_s or speech_end
    ts = talk_stats(transcript)

    decisions = corrections.questions if corrections else []
    planned = plan.questions if plan else []
    asked = with_asks_at(find_questions(transcript, planned=[q.text for q in planned]) if INTERVIEWER in ts.talk else [],
                         transcript, decisions)
    names = [n for n in (plan.interviewee, plan.interviewer, plan.company) if n] if plan else []
    matches, method = match_questions([a.sentences for a in asked], [q.text for q in planned], params, names,
                                      [a.reply for a in asked])
    matches, decided = decide(asked, matches, planned, decisions)
    unheard = unheard_interviewer_speech(transcript)
    answers = answer_windows(transcript, asked, unheard, max(transcript.audio.duration_s, speech_end))
    themes, guessed = question_themes(planned)
    questions = mark_decided(question_table(planned, asked, matches, answers, themes), decided)
    asks, followups = asks_and_followups(asked, matches, planned, answers)
    asked_order, skipped, priority_first = priority_order(questions)

    report = Report(
        duration_s=round(duration, 2),
        talk=talk_shares(ts, target),
        questions=questions,
        asked_order=asked_order,
        skipped=skipped,
        maybe=[q.id for q in questions if q.state == MAYBE],
        followups=followups,
        asked=asks,
        time_budget=time_budget(speech_start, speech_end, plan.minutes if plan else None, questions),
        stats=statistics(ts, len(asked), duration),
        interruption_times=[round(t, 2) for t in ts.interruptions],
        priority_first=priority_first if planned else None,
        mapping=Mapping(method=method, questions_found=len(asked),
                        asked_from=params.asked if planned else None, maybe_from=params.maybe if planned else None),
        themes=theme_coverage(questions, guessed, transcript) if planned else {},
        speakers=transcript.speakers,
        findings=[],
        unheard_interviewer_s=[round(t, 2) for t in unheard],
    )
    report.findings = findings(report, plan is not None, interviewer_monologues(transcript), set(ts.talk))
    return report


def _with_turns(transcript: Transcript) -> Transcript:
    """The transcript with speaker turns: derived from its words' speakers when it has none."""
    if not transcript.turns:
        spans: dict[str, list[iv.Interval]] = {}
        for seg in transcript.segments:
            if seg.words:
                for w in seg.words:
                    if w.speaker or seg.speaker:
                        spans.setdefault(w.speaker or seg.speaker, []).append((w.start, w.end))
            elif seg.speaker:
                spans.setdefault(seg.speaker, []).append((seg.start, seg.end))
        turns = [Turn(s, e, spk) for spk, x in spans.items() for s, e in iv.merge(x, bridge=iv.PAUSE_BRIDGE_S)]
        transcript = replace(transcript, turns=sorted(turns, key=lambda t: t.start))
    if not transcript.turns and not transcript.words and not any(s.text.strip() for s in transcript.segments):
        raise UserError("no speech was found in the recording, so there is nothing to report; "
                        "check that the microphone captured the conversation")
    if not transcript.turns:
        raise UserError(
            "the transcript has no speakers, so talk time cannot be measured; "
            "rerun `listenwell transcribe` with speaker attribution"
        )
    return transcript


def priority_order(questions: list[QuestionResult]) -> tuple[list[str], list[str], bool | None]:
    """(planned ids in the order asked, ids skipped, whether every priority-1 question came
    before every other; None without priority-1 asks)."""
    asked = sorted((q for q in questions if q.asked), key=lambda q: q.order or 0)
    asked_order = [q.id for q in asked]
    skipped = [q.id for q in questions if q.id not in asked_order]
    p1 = [q.order or 0 for q in asked if q.priority == 1]
    others = [q.order or 0 for q in asked if q.priority != 1]
    first = (max(p1) < min(others)) if p1 and others else (True if p1 else None)
    return asked_order, skipped, first


def time_budget(speech_start: float, speech_end: float, minutes: float | None,
                questions: list[QuestionResult]) -> TimeBudget:
    """The conversation runs from the first speech to the last; the promise runs out
    `minutes` after its start."""
    actual_min = (speech_end - speech_start) / 60
    promise_end = speech_start + minutes * 60 if minutes else None
    return TimeBudget(
        planned_min=minutes,
        actual_min=round(actual_min, 2),
        over_min=round(actual_min - minutes, 2) if minutes else None,
        promise_ended_at_s=round(promise_end, 2) if promise_end is not None else None,
        asked_after_promise=[q.id for q in questions if q.asked and promise_end is not None
                             and (q.asked_at_s or 0.0) > promise_end],
        conversation_start_s=round(speech_start, 2),
        conversation_end_s=round(speech_end, 2),
    )


def talk_shares(ts: TalkStats, target: float) -> Talk:
    return Talk(
        interviewer_s=round(ts.interviewer_s, 2),
        interviewee_s=round(ts.interviewee_s, 2),
        interviewee_share=round(ts.interviewee_share, 4) if ts.interviewee_share is not None else None,
        target_share=target,
        other_s=round(ts.other_s, 2),
        by_speaker={k: round(v, 2) for k, v in sorted(ts.talk.items())},
    )


def statistics(ts: TalkStats, n_asked: int, duration: float) -> Stats:
    er, ee = ts.longest[INTERVIEWER], ts.longest[INTERVIEWEE]
    return Stats(
        interviewer_longest_s=round(er.duration, 2) if er else 0.0,
        interviewee_longest_s=round(ee.duration, 2) if ee else 0.0,
        interviewer_longest_at_s=round(er.start, 2) if er else None,
        interviewee_longest_at_s=round(ee.start, 2) if ee else None,
        interruptions=len(ts.interruptions),
        patience_median_s=round(ts.patience_median_s, 2) if ts.patience_median_s is not None else None,
        questions_per_10min=round(600 * n_asked / duration, 2) if duration >= 1.0 else None,
        interviewer_wpm=ts.interviewer_wpm,
        interviewee_wpm=ts.interviewee_wpm,
        switches_per_min=ts.switches_per_min,
        acknowledgements=len(ts.acknowledgements),
        acknowledgement_times=[round(t, 2) for t in ts.acknowledgements],
    )


def interviewer_monologues(transcript: Transcript) -> list[tuple[float, float]]:
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


# ---- the folder around it ---------------------------------------------------------------


def read_notes(folder: InterviewFolder, duration_s: float = math.inf) -> list[Note]:
    """Marks and notes taken while recording (notes.jsonl: `t` is seconds into the audio),
    in time order, each placed within the audio."""
    out = []
    for rec in read_jsonl(folder.notes_path):
        t = rec.get("t") if isinstance(rec, dict) else None
        if not isinstance(t, (int, float)) or isinstance(t, bool) or not math.isfinite(t):
            continue
        text = str(rec.get("text") or "")
        out.append(Note(at_s=round(min(max(0.0, float(t)), duration_s), 2),
                        kind=str(rec.get("kind") or ("note" if text else "mark")), text=text))
    return sorted(out, key=lambda n: n.at_s)


def interview_meta(folder: InterviewFolder, plan: Plan | None, plan_path: Path | None,
                   transcript: Transcript) -> InterviewMeta:
    """Who and when: from the plan, else the folder's interview.json."""
    meta: dict[str, Any] = folder.metadata()
    created = str(meta.get("started_at") or meta.get("created_at") or "")
    return InterviewMeta(
        interviewee=(plan.interviewee if plan else "") or meta.get("interviewee", ""),
        interviewer=(plan.interviewer if plan else "") or meta.get("interviewer", ""),
        role=(plan.role if plan else "") or meta.get("role", ""),
        company=(plan.company if plan else "") or meta.get("company", ""),
        level=(plan.level if plan else None) or meta.get("level"),
        date=(plan.date if plan else "") or created[:10],
        folder=folder.path.name,
        audio=transcript.audio.file,
        plan=(plan_path or folder.plan_path).name if plan else None,
    )


def build_report(
    folder: InterviewFolder,
    target_share: float | None = None,
    plan_path: Path | None = None,
    params: MatchParams = DEFAULT_PARAMS,
    applied: Applied | None = None,
    plan: Plan | None = None,
) -> Report:
    """The report of an interview folder (not yet written), with the user's corrections.
    `applied`/`plan`: the corrected transcript and the plan, when the caller has them
    already (the review page)."""
    sources = fingerprint(folder.path)
    applied = applied or corrected_transcript(folder.path)
    transcript = applied.transcript
    plan = plan if plan is not None else folder.plan(plan_path)
    report = analyse(transcript, plan, target_share, params, applied.corrections)
    return replace(
        report,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        tool_version=__version__,
        interview=interview_meta(folder, plan, plan_path, transcript),
        notes=sorted(read_notes(folder, report.duration_s) + [
            Note(at_s=round(min(n.at, report.duration_s), 2), kind="note", text=n.text)
            for n in applied.corrections.of_kind("note")], key=lambda n: n.at_s),
        sources=sources,
        corrections=applied.summary(),
    )


def write_report(folder: InterviewFolder, report: Report, transcript: Transcript | None = None) -> list[Path]:
    """Write report.json, report.md and report.html (private, atomic); return their paths.
    `transcript`: the corrected transcript the report was made from, when at hand."""
    from listenwell.analysis.render_html import render_html
    from listenwell.analysis.render_md import render_markdown

    transcript = transcript or corrected_transcript(folder.path).transcript
    md, html = folder.path / "report.md", folder.path / "report.html"
    # one set: the page never contradicts the JSON beside it, even after a failed write
    write_files({folder.report_path: json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
                 md: render_markdown(report, transcript), html: render_html(report, transcript)})
    return [folder.report_path, md, html]
