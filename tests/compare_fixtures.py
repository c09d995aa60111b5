"""Interview folders for the compare/list tests, built from short scripted conversations.

Each conversation is a list of (speaker, text) lines. The generator lays the words out in
time (a fixed speaking rate, a pause between turns), writes a real transcript.json through
listenwell.records, a real audio file of the same length, interview.json and the plan, and
a report.json: by default the real one from analysis.report.build_report; with
report="truth", one written from the script's own ground truth (which question each line
asks), following the report.json contract.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from listenwell.folder import InterviewFolder, write_json, write_text
from listenwell.intervals import shares, talk_time
from listenwell.records import AudioInfo, Segment, Transcript, Turn, Word

WORD_S = 0.36  # seconds per word
PAUSE_S = 0.9  # between turns
RATE = 8000

ER, EE = "interviewer", "interviewee"


def toml_plan(interviewee, company, level, minutes, questions, role="UX researcher", date=""):
    lines = ["[interview]", f'interviewee = "{interviewee}"', f'role = "{role}"',
             f'company = "{company}"', f'level = "{level}"', f"minutes = {minutes}"]
    if date:
        lines.append(f'date = "{date}"')
    for qid, text, priority in questions:
        lines += ["", "[[questions]]", f'id = "{qid}"', f'text = "{text}"', f"priority = {priority}"]
    return "\n".join(lines) + "\n"


def md_plan(interviewee, company, level, minutes, questions, date=""):
    head = [f"interviewee: {interviewee}", f"company: {company}", f"level: {level}", f"minutes: {minutes}"]
    if date:
        head.append(f"date: {date}")
    return "\n".join(head + ["", "# Questions"] + [f"- {q}" for q in questions]) + "\n"


def build_transcript(script: list[tuple[str, str]], audio_name: str) -> tuple[Transcript, list[tuple[float, float]]]:
    """Transcript (segments with words, speaker turns) and each line's (start, end)."""
    t = 1.0
    segments, turns, spans = [], [], []
    for n, (speaker, text) in enumerate(script):
        words, start = [], t
        for w in text.split():
            words.append(Word(start=round(t, 2), end=round(t + WORD_S * 0.85, 2), word=" " + w,
                              probability=0.95, speaker=speaker))
            t += WORD_S
        end = round(t - WORD_S * 0.15, 2)
        segments.append(Segment(id=n, start=round(start, 2), end=end, text=" " + text, words=words, speaker=speaker))
        turns.append(Turn(start=round(start, 2), end=end, speaker=speaker))
        spans.append((start, end))
        t += PAUSE_S
    duration = round(t + 1.0, 2)
    transcript = Transcript(
        audio=AudioInfo(file=audio_name, sha256="0" * 64, duration_s=duration, sample_rate=RATE, channels=1),
        model="script", settings={}, language="en", segments=segments, turns=turns,
        speakers={"method": "channels", "count": 2, "interviewer_by": "metadata"},
        created_at="2026-01-01T00:00:00+00:00", tool_version="test",
    )
    return transcript, spans


def write_audio(path: Path, seconds: float) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(path), (0.01 * np.sin(2 * np.pi * 220 * t)).astype("float32"), RATE, format="FLAC")


def make_interview(root: Path, name: str, *, plan: str, plan_suffix: str = ".toml",
                   script: list[tuple[str, str]] | None = None, asks: dict[int, str] | None = None,
                   stage: str = "reported", report: str = "pipeline", date: str = "") -> InterviewFolder:
    """An interview folder at `root/name`, taken as far as `stage`.

    `asks` maps a script line number (an interviewer line) to the planned question id it
    asks; only report="truth" uses it.
    """
    folder = InterviewFolder.create(root / name)
    write_text(folder.path / f"plan{plan_suffix}", plan)
    meta = {"audio": "audio.flac", "source": "imported", "created_at": f"{date or '2026-01-01'}T10:00:00+00:00"}
    if stage == "created":
        write_json(folder.metadata_path, meta)
        return folder
    transcript, spans = build_transcript(script or [], "audio.flac")
    write_audio(folder.path / "audio.flac", transcript.audio.duration_s)
    write_json(folder.metadata_path, meta)
    if stage == "recorded":
        return folder
    write_json(folder.transcript_path, transcript.to_dict())
    if stage == "transcribed":
        return folder
    if report == "truth":
        write_json(folder.report_path, truth_report(folder, transcript, spans, script or [], asks or {}))
    else:
        from listenwell.analysis.report import build_report

        # report.json is all that compare reads; write_report would render md/html too.
        write_json(folder.report_path, build_report(folder).to_dict())
    return folder


def truth_report(folder: InterviewFolder, transcript: Transcript, spans, script, asks) -> dict:
    """A report.json (contract schema 1) from the script's ground truth."""
    from listenwell.plan import load_plan

    plan = load_plan(folder.plan_path)
    by_speaker: dict[str, list] = {}
    for turn in transcript.turns:
        by_speaker.setdefault(turn.speaker, []).append((turn.start, turn.end))
    talk = talk_time(by_speaker)
    share = shares(talk)
    asked_lines = {qid: n for n, qid in asks.items()}
    order = sorted(asks)
    questions = []
    for q in plan.questions:
        n = asked_lines.get(q.id)
        if n is None:
            questions.append({"id": q.id, "text": q.text, "priority": q.priority, "asked": False,
                              "asked_at_s": None, "order": None, "answer_s": None, "asked_text": None,
                              "match_score": None, "answer_start_s": None, "answer_end_s": None,
                              "answer_excerpt": None, "interviewee_share": None})
            continue
        later = [m for m in range(n + 1, len(script)) if script[m][0] == ER]  # the next question
        last = (later[0] if later else len(script)) - 1
        a_start, a_end = spans[n + 1][0], spans[last][1]
        questions.append({"id": q.id, "text": q.text, "priority": q.priority, "asked": True,
                          "asked_at_s": spans[n][0], "order": order.index(n) + 1,
                          "answer_s": round(a_end - a_start, 2), "asked_text": script[n][1],
                          "match_score": 1.0, "answer_start_s": a_start, "answer_end_s": a_end,
                          "answer_excerpt": script[n + 1][1], "interviewee_share": 1.0})
    asked_order = [asks[n] for n in order]
    # Priority first: the priority-1 questions that were asked came before all others.
    firsts = {q.id for q in plan.questions if q.priority == 1} & set(asked_order)
    priority_first = set(asked_order[: len(firsts)]) == firsts if firsts else None
    actual = transcript.audio.duration_s / 60
    info = {k: getattr(plan, k) for k in ("interviewee", "interviewer", "role", "company", "level", "date")}
    return {
        "schema": 1, "generated_at": "2026-01-01T00:00:00+00:00", "tool_version": "truth",
        "interview": {**info, "folder": str(folder.path)},
        "duration_s": transcript.audio.duration_s,
        "talk": {"interviewer_s": talk.get(ER, 0.0), "interviewee_s": talk.get(EE, 0.0),
                 "interviewee_share": share.get(EE, 0.0), "target_share": plan.target_share, "other_s": 0.0},
        "questions": questions, "asked_order": asked_order,
        "skipped": [q["id"] for q in questions if not q["asked"]],
        "followups": [{"text": script[n][1], "at_s": spans[n][0],
                       "answer_s": round(spans[n + 1][1] - spans[n + 1][0], 2) if n + 1 < len(script) else None}
                      for n, (who, text) in enumerate(script) if who == ER and text.endswith("?") and n not in asks],
        "time_budget": {"planned_min": plan.minutes, "actual_min": round(actual, 2),
                        "over_min": round(actual - plan.minutes, 2) if plan.minutes else None,
                        "promise_ended_at_s": None, "asked_after_promise": []},
        "stats": {"interviewer_longest_s": 0.0, "interviewee_longest_s": 0.0, "interruptions": 0,
                  "patience_median_s": None, "questions_per_10min": None, "interviewer_wpm": None,
                  "interviewee_wpm": None},
        "priority_first": priority_first, "findings": [],
    }


# ---- the three interviews used across the tests ------------------------------------------

PLAN_A = toml_plan("Morgan Lee", "Northwind Health", "above", 1, [
    ("day", "What does a typical day look like in your role?", 1),
    ("path", "How did you get into this field, and how would you get in today?", 1),
    ("conditions", "What are the working conditions like: hours, pressure, flexibility?", 2),
    ("future", "Where do you see the profession going in the next five years?", 2),
    ("referrals", "Who else would you suggest I talk to?", 3),
], date="2026-01-12")

SCRIPT_A = [
    (ER, "Thanks for making time today. I am exploring research roles and I have read a lot about it already, so I will tell you a little about myself first."),
    (EE, "Sure, go ahead."),
    (ER, "What are the working conditions like: hours, pressure, flexibility?"),
    (EE, "Hours are steady, about forty a week. Pressure comes in waves around launches. We can work from home two days."),
    (ER, "What does a typical day look like in your role?"),
    (EE, "My day starts with a stand-up with the design team. Then I run two interviews with patients. In the afternoon I write up findings and plan the next study."),
    (ER, "How did you get into this field, and how would you get in today?"),
    (EE, "I studied psychology and moved over from market research. Today I would build a portfolio of small studies and volunteer for a nonprofit."),
    (ER, "Who else would you suggest I talk to?"),
    (EE, "Talk to Dana in our service design group. She hires junior researchers."),
]
ASKS_A = {2: "conditions", 4: "day", 6: "path", 8: "referrals"}

PLAN_B = toml_plan("Sam Ortiz", "Contoso", "peer", 3, [
    ("day", "What does a typical day look like in your role?", 1),
    ("path", "How did you get into this field, and how would you get in today?", 1),
    ("skills", "Which skills matter most for someone starting out?", 2),
    ("future", "Where do you see the profession going in the next five years?", 2),
], date="2026-02-03")

SCRIPT_B = [
    (ER, "What does a typical day look like in your role?"),
    (EE, "Mornings are for synthesis. I sort notes from yesterday's sessions into themes. Afternoons I meet product managers and we decide what to test next. Fridays I plan recruiting."),
    (ER, "How did you get into this field, and how would you get in today?"),
    (EE, "I started as a support agent and kept asking customers why. A manager noticed and moved me into research. Today a bootcamp and a strong case study would do it."),
    (ER, "Which skills matter most for someone starting out?"),
    (EE, "Listening without leading. Writing short clear summaries. And a bit of statistics so that surveys do not fool you."),
    (ER, "Where do you see the profession going in the next five years?"),
    (EE, "More research done by designers themselves, with researchers as coaches. Tools will transcribe and tag for us, so judgement matters more."),
    (ER, "And what is the pay like at Contoso?"),
    (EE, "Fair for the region. Seniors earn more than most designers here."),
]
ASKS_B = {0: "day", 2: "path", 4: "skills", 6: "future"}

PLAN_C = md_plan("Riley Chen", "Northwind Health", "peer", 3, [
    "Walk me through an ordinary day at work.",
    "How did you break into this career?",
    "What is the pay like?",
    "Is there anyone else I should speak with?",
], date="2026-03-02")

SCRIPT_C = [
    (ER, "Walk me through an ordinary day at work."),
    (EE, "I check the research calendar first. Most days I am in two or three sessions with clinicians. The rest is analysis and short readouts."),
    (ER, "How did you break into this career?"),
    (EE, "Through a master's in human factors and an internship here. The internship mattered more than the degree."),
    (ER, "Is there anyone else I should speak with?"),
    (EE, "Morgan Lee runs our team, and Sam Ortiz at Contoso writes about the field."),
]
ASKS_C = {0: "q1", 2: "q2", 4: "q4"}


def make_three(root: Path, report: str = "pipeline") -> list[InterviewFolder]:
    """Three reported interviews: above/peer/peer, two companies, TOML and Markdown plans."""
    return [
        make_interview(root, "2026-01-12-morgan", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report=report, date="2026-01-12"),
        make_interview(root, "2026-02-03-sam", plan=PLAN_B, script=SCRIPT_B, asks=ASKS_B, report=report, date="2026-02-03"),
        make_interview(root, "2026-03-02-riley", plan=PLAN_C, plan_suffix=".md", script=SCRIPT_C, asks=ASKS_C,
                       report=report, date="2026-03-02"),
    ]
