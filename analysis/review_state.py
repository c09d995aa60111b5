"""What the review page shows, as one JSON-ready dict (`listenwell review`, listenwell/review.py).

The corrected transcript as lines of timed words (so a click or a selection maps to times),
the speakers with their names from the plan, the planned questions with their states
("maybe" first: they need a decision), the talk share with its margin, the notes, and
every correction with whether it still applies. Pure: built from a report and the
corrected transcript, both computed by the caller.
"""

from __future__ import annotations

from typing import Any

from listenwell.analysis.render_md import speaker_names
from listenwell.corrected import Applied
from listenwell.corrections import describe
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.report_records import Report

LINE_GAP_S = 2.0  # a pause this long starts a new line
LINE_MAX_S = 30.0  # a line this long ends at its next sentence end
STATE_ORDER = {"maybe": 0, "asked": 1, "not asked": 2}


def review_lines(t: Transcript) -> list[dict[str, Any]]:
    """Lines of one speaker: [{start, end, speaker, words: [[start, end, text], ...]}]."""
    lines: list[dict[str, Any]] = []
    for seg in t.segments:
        pieces = [(w.start, w.end, w.word.strip(), w.speaker or seg.speaker) for w in seg.words] \
            or [(seg.start, seg.end, seg.text.strip(), seg.speaker)]
        for start, end, text, speaker in pieces:
            if not text:
                continue
            last = lines[-1] if lines else None
            ended = last is not None and last["words"][-1][2][-1:] in ".?!"
            if (last is None or last["speaker"] != speaker or start - last["end"] > LINE_GAP_S
                    or (ended and end - last["start"] > LINE_MAX_S)):
                lines.append({"start": round(start, 3), "end": round(end, 3), "speaker": speaker, "words": []})
                last = lines[-1]
            last["words"].append([round(start, 3), round(end, 3), text])
            last["end"] = round(max(last["end"], end), 3)
    return lines


def review_state(report: Report, applied: Applied, audio_present: bool) -> dict[str, Any]:
    t = applied.transcript
    labels = sorted({x.speaker for x in t.turns} | {ln["speaker"] for ln in review_lines(t) if ln["speaker"]},
                    key=lambda s: (s != INTERVIEWER, s != INTERVIEWEE, s))
    if len(labels) <= 2:  # two people: both can always be chosen
        labels = [INTERVIEWER, INTERVIEWEE] + [x for x in labels if x not in (INTERVIEWER, INTERVIEWEE)]
    names = speaker_names(report, labels)
    questions = sorted(report.questions, key=lambda q: (STATE_ORDER.get(q.state, 3), q.asked_at_s or 1e9, q.priority))
    sp = report.speakers or {}
    return {
        "title": _title(report),
        "folder": report.interview.folder,
        "audio": {"file": t.audio.file, "present": audio_present},
        "duration_s": report.duration_s,
        "speakers": [{"label": x, "name": names[x]} for x in labels],
        "lines": review_lines(t),
        "questions": [{"id": q.id, "text": q.text, "priority": q.priority, "state": q.state, "asked": q.asked,
                       "confidence": q.confidence, "asked_at_s": q.asked_at_s, "asked_text": q.asked_text,
                       "order": q.order, "decided_by": q.decided_by, "theme": q.theme} for q in questions],
        "asks": [{"at_s": a.at_s, "end_s": a.end_s, "text": a.text, "planned": a.planned} for a in report.asked],
        "talk": {"interviewee_share": report.talk.interviewee_share, "target_share": report.talk.target_share,
                 "by_speaker": report.talk.by_speaker, "margin_pp": sp.get("margin_pp")},
        "notes": [{"at_s": n.at_s, "kind": n.kind, "text": n.text} for n in report.notes],
        "corrections": [{"id": c.id, "kind": c.kind, "said": describe(c)} for c in applied.corrections.corrections],
        "not_applied": applied.not_applied,
    }


def _title(r: Report) -> str:
    from listenwell.analysis.render_md import title

    return title(r)
