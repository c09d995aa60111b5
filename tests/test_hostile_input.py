"""Property-based tests: random and hostile transcripts, plans and notes through loading,
analysis and rendering, via the real command line.

Whatever the files hold: no traceback, exit code 0 or 2, one line per error; when a report
is made, every share lies between 0 and 1, the shares add up to 1 and every time lies
within the audio; a rejected file leaves the old report files as they were.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.folder import InterviewFolder, write_json, write_text

runner = CliRunner()
HOSTILE_TEXT = st.sampled_from([
    "What does a typical day look like?", "\x1b[31mred\x1b[0m", "\x1b]0;owned\x07", "<script>alert(1)</script>",
    "=1+2", "@SUM(A1)", "", " ", "\u202eevil", "a" * 5000, "Really?", "x\x00y", "café ☕",
])
HOSTILE_NUMBER = st.one_of(
    st.sampled_from([-1.0, -1e9, 1e308, math.inf, -math.inf, math.nan, 0.0, 299.99, 300.0, 300.01]),
    st.integers(min_value=-5, max_value=400),
)
# Mostly plausible times (so that reports get made and checked), now and then a hostile one.
NUMBER = st.integers(0, 19).flatmap(lambda k: HOSTILE_NUMBER if k == 0 else st.floats(min_value=0, max_value=300))
SPEAKER = st.integers(0, 9).flatmap(lambda k: st.one_of(st.integers(), st.dictionaries(
    st.text(max_size=3), st.integers(), max_size=2)) if k == 0 else st.sampled_from(
    ["interviewer", "interviewee", "interviewer", "interviewee", "S1", "S3", "\x1b[2J", None]))
JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=6), kids, max_size=4),
                    max_leaves=20)


@st.composite
def spans(draw, hostile: bool) -> tuple:
    """(start, end): ordered and inside 300 s, or (hostile) now and then anything."""
    if hostile and draw(st.integers(0, 4)) == 0:
        return draw(NUMBER), draw(HOSTILE_NUMBER)
    start = draw(st.floats(min_value=0, max_value=300))
    return start, start + draw(st.floats(min_value=0, max_value=20))


@st.composite
def transcripts(draw) -> dict:
    """A transcript.json, well-formed with hostile text and speakers, or (half the time) with
    hostile times and types too."""
    hostile = draw(st.booleans())
    speaker = SPEAKER if hostile else st.sampled_from(["interviewer", "interviewee", "S1", "\x1b[2J", None])
    duration = draw(HOSTILE_NUMBER) if hostile and draw(st.integers(0, 4)) == 0 else 330.0
    segments = []
    for i in range(draw(st.integers(0, 6))):
        start, end = draw(spans(hostile))
        words = []
        for _ in range(draw(st.integers(0, 4))):
            ws, we = draw(spans(hostile))
            words.append({"start": ws, "end": we, "word": " " + draw(HOSTILE_TEXT), "probability": 0.9,
                          "speaker": draw(speaker)})
        segments.append({"id": i, "start": start, "end": end, "text": draw(HOSTILE_TEXT), "words": words,
                         "speaker": draw(speaker)})
    turns = []
    for _ in range(draw(st.integers(0, 6))):
        ts, te = draw(spans(hostile))
        turns.append({"start": ts, "end": te, "speaker": draw(speaker)})
    data = {"schema": 1, "audio": {"file": "audio.flac", "sha256": "0" * 64, "duration_s": duration,
                                   "sample_rate": 16000, "channels": 1},
            "model": "tiny.en", "settings": {}, "language": "en", "segments": segments, "turns": turns,
            "speakers": {"method": "diarization"}, "created_at": "", "tool_version": "0.1.0"}
    if hostile and draw(st.integers(0, 9)) == 0:  # now and then, arbitrary JSON in some field
        data[draw(st.sampled_from(sorted(data)))] = draw(JSON)
    return data


PLAN = """[interview]
interviewee = "Morgan Lee"
minutes = 3

[[questions]]
id = "day"
text = "What does a typical day look like?"
priority = 1
"""


def _folder(tmp: Path, transcript, notes: list | None = None) -> InterviewFolder:
    shutil.rmtree(tmp, ignore_errors=True)
    folder = InterviewFolder.create(tmp)
    write_text(folder.path / "plan.toml", PLAN)
    write_json(folder.metadata_path, {"audio": "audio.flac", "source": "imported"})
    write_text(folder.transcript_path, transcript if isinstance(transcript, str) else json.dumps(transcript))
    if notes is not None:
        write_text(folder.notes_path, "".join(json.dumps(n) + "\n" for n in notes))
    return folder


def _check_outcome(result, folder: InterviewFolder) -> None:
    event(f"exit {result.exit_code} " + (result.output.split(":")[0:3][-1][:40] if result.exit_code else ""))
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 2), result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    if result.exit_code == 2:
        assert len(errors) == 1 and not (folder.path / "report.json").exists(), result.output
        assert "\x1b" not in result.output
        return
    report = json.loads((folder.path / "report.json").read_text())
    duration = report["duration_s"]
    assert math.isfinite(duration) and duration >= 0
    by_speaker = report["talk"]["by_speaker"]
    total = sum(by_speaker.values())
    assert all(0 <= v <= duration + 1e-6 for v in by_speaker.values())
    if total > 0:
        assert abs(sum(v / total for v in by_speaker.values()) - 1) < 1e-9
    share = report["talk"]["interviewee_share"]
    assert share is None or 0 <= share <= 1
    times = [q[k] for q in report["questions"] for k in ("asked_at_s", "answer_start_s", "answer_end_s")]
    times += [f["at_s"] for f in report["followups"]] + [n["at_s"] for n in report.get("notes", [])]
    assert all(t is None or 0 <= t <= duration + 1e-6 for t in times), times
    for name in ("report.md", "report.html"):
        assert (folder.path / name).is_file()


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@SETTINGS
@given(transcript=transcripts())
def test_any_transcript_gives_a_sound_report_or_one_line(tmp_path, transcript):
    folder = _folder(tmp_path / "iv", transcript)
    _check_outcome(runner.invoke(app, ["report", str(folder.path)]), folder)


@pytest.mark.slow
@SETTINGS
@given(data=st.one_of(JSON, st.text(max_size=30).map(lambda t: t), st.just("[" * 100_000)))
def test_arbitrary_or_deeply_nested_json_is_refused_in_one_line(tmp_path, data):
    folder = _folder(tmp_path / "iv", data if isinstance(data, str) else json.dumps(data))
    _check_outcome(runner.invoke(app, ["report", str(folder.path)]), folder)


@SETTINGS
@given(notes=st.lists(st.one_of(JSON, st.fixed_dictionaries({"t": NUMBER, "kind": HOSTILE_TEXT, "text": HOSTILE_TEXT})),
                      max_size=6))
def test_hostile_notes_never_break_a_report(tmp_path, notes):
    transcript = {"schema": 1, "audio": {"file": "audio.flac", "sha256": "", "duration_s": 60.0,
                                         "sample_rate": 16000, "channels": 1},
                  "model": "m", "settings": {}, "language": "en",
                  "segments": [{"id": 0, "start": 1.0, "end": 4.0, "text": "What does a typical day look like?",
                                "speaker": "interviewer"},
                               {"id": 1, "start": 5.0, "end": 30.0, "text": "Meetings, then code.", "speaker": "interviewee"}],
                  "turns": [{"start": 1.0, "end": 4.0, "speaker": "interviewer"},
                            {"start": 5.0, "end": 30.0, "speaker": "interviewee"}]}
    folder = _folder(tmp_path / "iv", transcript, notes)
    result = runner.invoke(app, ["report", str(folder.path)])
    assert result.exit_code == 0, result.output
    _check_outcome(result, folder)


@SETTINGS
@given(interviewee=HOSTILE_TEXT, text=HOSTILE_TEXT, minutes=NUMBER, priority=st.integers(-3, 5))
def test_hostile_plans_are_checked_in_lines_without_escapes(tmp_path, interviewee, text, minutes, priority):
    plan = tmp_path / "plan.toml"
    q = json.dumps  # TOML basic strings accept JSON string escapes
    body = f"[interview]\ninterviewee = {q(interviewee)}\n"
    if math.isfinite(minutes):
        body += f"minutes = {minutes}\n"
    body += f"\n[[questions]]\nid = \"q\"\ntext = {q(text)}\npriority = {priority}\n"
    plan.write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["plan", "check", str(plan)])
    assert "Traceback" not in result.output and result.exit_code in (0, 2), result.output
    assert "\x1b" not in result.output and "\x00" not in result.output
