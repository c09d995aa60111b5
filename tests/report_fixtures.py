"""Interview folders for the report tests, built from a known script (no ASR involved)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from listenwell.folder import InterviewFolder, append_jsonl, write_json, write_text
from listenwell.records import INTERVIEWEE as EE
from listenwell.records import INTERVIEWER as ER
from samples.script import timed_script, transcript_from_script

PLAN = """\
[interview]
interviewee = "Morgan Lee"
role = "UX researcher"
company = "Northwind Health"
level = "above"
minutes = 1.5

[[questions]]
id = "day"
text = "What does a typical day look like in your role?"
priority = 1

[[questions]]
id = "path"
text = "How did you get into this field, and how would you get in today?"
priority = 1

[[questions]]
id = "future"
text = "Where do you see the profession going in the next five years?"
priority = 2

[[questions]]
id = "skills"
text = "Which skills or experience matter most for someone starting out?"
priority = 2

[[questions]]
id = "referrals"
text = "Who else would you suggest I talk to?"
priority = 3
"""

# Asked: day (paraphrased), a follow-up that may be the skills question, future before path (priority-1 late), path,
# referrals after the promised 2 minutes ran out; skills skipped.
SCRIPT = [
    (ER, "Thanks for making the time today. Could you walk me through an ordinary day for you?"),
    (EE, "Sure. Most mornings start with a stand-up with the design team, then I plan sessions. " * 4),
    (ER, "Does a psychology background help juniors much?"),
    (EE, "It helps with the interviewing side of things, and you learn the rest on the job. " * 2),
    (ER, "What do you think research will look like five years from now?"),
    (EE, "Tools will change how we synthesise and report, but talking to people stays at the heart of it. " * 3),
    (ER, "How did you end up in UX research in the first place?"),
    (EE, "I studied psychology, worked in a call centre, and then moved into research at a small agency. " * 3),
    (ER, "That is really helpful. Is there anyone else you think I should reach out to?"),
    (EE, "You should talk to my colleague Sam in design operations, and to Priya who leads research at Contoso."),
]


def make_folder(root: Path, script=SCRIPT, plan: str | None = PLAN, plan_name: str = "plan.toml",
                with_turns: bool = True, audio: bool = True, notes: bool = True) -> InterviewFolder:
    """A private interview folder with transcript.json (+ plan, audio, notes) from a script."""
    folder = InterviewFolder.create(root)
    lines = timed_script(script)
    transcript = transcript_from_script(lines, with_turns=with_turns)
    if audio:
        sr = 16000
        n = int(transcript.audio.duration_s * sr)
        tone = 0.05 * np.sin(2 * np.pi * 220 * np.arange(n) / sr).astype(np.float32)
        sf.write(folder.path / "audio.flac", tone, sr)
    write_json(folder.transcript_path, transcript.to_dict())
    folder.update_metadata(audio="audio.flac", source="imported", created_at="2026-11-20T10:00:00+00:00")
    if plan is not None:
        write_text(folder.path / plan_name, plan)
    if notes:
        append_jsonl(folder.notes_path, {"t": 20.0, "kind": "mark", "text": ""})
        append_jsonl(folder.notes_path, {"t": 45.5, "kind": "note", "text": "ask about Sam later"})
    return folder


def load_report(folder: InterviewFolder) -> dict:
    return json.loads(folder.report_path.read_text(encoding="utf-8"))
