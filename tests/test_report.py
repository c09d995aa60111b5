"""`listenwell report` on interview folders built from a known script."""

from __future__ import annotations

import json
import re
import stat

import pytest
from report_fixtures import SCRIPT, make_folder
from typer.testing import CliRunner

from listenwell.analysis.report import build_report, read_notes, write_report
from listenwell.cli import app
from listenwell.errors import UserError
from listenwell.records import INTERVIEWEE as EE
from listenwell.records import INTERVIEWER as ER
from listenwell.report_records import Note, Report
from samples.script import timed_script

runner = CliRunner()

CONTRACT = {
    "schema", "generated_at", "tool_version", "interview", "duration_s", "talk", "questions",
    "asked_order", "skipped", "followups", "time_budget", "stats", "priority_first", "findings",
}
QUESTION_KEYS = {"id", "text", "priority", "asked", "asked_at_s", "order", "answer_s", "asked_text",
                 "match_score", "answer_start_s", "answer_end_s", "answer_excerpt", "interviewee_share"}


def report_of(folder, *args):
    r = runner.invoke(app, ["report", str(folder.path), *args])
    return r, (json.loads(folder.report_path.read_text()) if folder.report_path.exists() else None)


def test_report_of_a_scripted_interview(tmp_path):
    folder = make_folder(tmp_path / "iv")
    r, rep = report_of(folder)
    assert r.exit_code == 0, r.output
    assert set(rep) >= CONTRACT and rep["schema"] == 1
    assert set(rep["interview"]) >= {"interviewee", "interviewer", "role", "company", "level", "date", "folder"}
    assert rep["interview"]["interviewee"] == "Morgan Lee" and rep["interview"]["date"] == "2026-11-20"
    for q in rep["questions"]:
        assert set(q) >= QUESTION_KEYS
    assert set(rep["talk"]) >= {"interviewer_s", "interviewee_s", "interviewee_share", "target_share", "other_s"}
    assert set(rep["time_budget"]) >= {"planned_min", "actual_min", "over_min", "promise_ended_at_s", "asked_after_promise"}
    assert set(rep["stats"]) >= {"interviewer_longest_s", "interviewee_longest_s", "interruptions",
                                 "patience_median_s", "questions_per_10min", "interviewer_wpm", "interviewee_wpm"}

    # what was asked, in which order, what was skipped, what was a follow-up
    assert rep["asked_order"] == ["day", "future", "path", "referrals"]
    assert rep["skipped"] == ["skills"]
    assert [f["text"] for f in rep["followups"]] == ["Does a psychology background help juniors much?"]
    assert rep["priority_first"] is False

    # answers: the interviewee's speech until the next interviewer question
    lines = timed_script(SCRIPT)
    day = next(q for q in rep["questions"] if q["id"] == "day")
    assert day["order"] == 1 and day["asked_text"].startswith("Could you walk me through")
    assert day["answer_start_s"] == pytest.approx(lines[1][2], abs=0.01)
    assert day["answer_s"] == pytest.approx(lines[1][3] - lines[1][2], abs=0.02)
    assert day["answer_excerpt"].startswith("Sure. Most mornings")

    # talk time by the intervals definition: every line is one turn, gaps are 0.8 s
    ee = sum(e - s for spk, _, s, e in lines if spk == EE)
    er = sum(e - s for spk, _, s, e in lines if spk == ER)
    assert rep["talk"]["interviewee_s"] == pytest.approx(ee, abs=0.02)
    assert rep["talk"]["interviewee_share"] == pytest.approx(ee / (ee + er), abs=1e-3)

    # the time budget: 1.5 minutes promised, referrals asked after that
    tb = rep["time_budget"]
    assert tb["planned_min"] == 1.5 and tb["over_min"] > 0
    assert tb["promise_ended_at_s"] == pytest.approx(lines[0][2] + 90, abs=0.01)
    assert tb["asked_after_promise"] == ["referrals"]

    # findings: one sentence each, with evidence in mm:ss
    text = "\n".join(rep["findings"])
    assert "'path' at 01:15" in text and "promise ran out at 01:31" in text and "referrals" in text
    assert "skills" in text
    assert rep["notes"][1] == {"at_s": 45.5, "kind": "note", "text": "ask about Sam later"}

    # the terminal summary and the other files
    assert "Talk share: interviewee" in r.output and "skipped" in r.output
    for name in ("report.json", "report.md", "report.html"):
        assert stat.S_IMODE((folder.path / name).stat().st_mode) == 0o600
    md = (folder.path / "report.md").read_text()
    assert "| 1 | What does a typical day look like in your role? (day) | 1 | 00:03 |" in md and "ask about Sam later" in md
    # the whole transcript, with the names from the plan, rounded numbers
    assert "## Transcript" in md and "**00:01 You:** Thanks for making the time today." in md
    assert "**01:48 Morgan Lee:** You should talk to my colleague Sam" in md
    assert not re.search(r"\d+\.\d\d\b", md.split("## Transcript")[0].split("## Talk time")[1])


def test_json_output_and_target(tmp_path):
    folder = make_folder(tmp_path / "iv")
    r = runner.invoke(app, ["report", str(folder.path), "--json", "--target", "0.9"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert not folder.report_path.exists() and not (folder.path / "report.html").exists()  # --json writes nothing
    assert rep["talk"]["target_share"] == 0.9
    assert any("under your 90% target" in f for f in rep["findings"])
    assert runner.invoke(app, ["report", str(folder.path), "--target", "70"]).exit_code == 2


def test_python_entry_points(tmp_path):
    folder = make_folder(tmp_path / "iv")
    rep = build_report(folder, target_share=0.6)
    assert rep.talk.target_share == 0.6 and not folder.report_path.exists()
    paths = write_report(folder, rep)
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]


def test_no_plan_still_reports_talk_time(tmp_path):
    folder = make_folder(tmp_path / "iv", plan=None)
    r, rep = report_of(folder)
    assert r.exit_code == 0, r.output
    assert rep["questions"] == [] and rep["talk"]["interviewee_share"] > 0.7
    assert any("Questions need a plan" in f for f in rep["findings"])
    assert len(rep["followups"]) == 5  # every question is unplanned
    assert "questions need a plan" in (folder.path / "report.html").read_text().lower()


def test_plan_option_and_markdown_plan(tmp_path):
    folder = make_folder(tmp_path / "iv", plan=None)
    md = tmp_path / "plan.md"
    md.write_text("minutes: 10\n- What does a typical day look like?\n- Who else should I talk to?\n")
    r, rep = report_of(folder, "--plan", str(md))
    assert r.exit_code == 0, r.output
    assert rep["asked_order"] == ["q1", "q2"] and rep["time_budget"]["planned_min"] == 10


def test_malformed_plan_names_the_line(tmp_path):
    folder = make_folder(tmp_path / "iv", plan='[interview]\nminutes = 20\n[[questions]\ntext = "x"\n')
    r, rep = report_of(folder)
    assert r.exit_code == 2 and rep is None
    assert "plan.toml:3: malformed TOML" in r.output and "Traceback" not in r.output


def test_empty_plan(tmp_path):
    folder = make_folder(tmp_path / "iv", plan="[interview]\nminutes = 20\n")
    r, _ = report_of(folder)
    assert r.exit_code == 2 and "no questions" in r.output


def test_transcript_without_speakers(tmp_path):
    folder = make_folder(tmp_path / "iv", with_turns=False)
    r, rep = report_of(folder)
    assert r.exit_code == 2 and rep is None
    assert "no speakers" in r.output and "transcribe" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_one_speaker_only(tmp_path):
    script = [("S1", "Hello, this is a test of the recorder and nobody else is here."), ("S1", "Still only me.")]
    folder = make_folder(tmp_path / "iv", script=script)
    r, rep = report_of(folder)
    assert r.exit_code == 0, r.output
    assert rep["talk"]["interviewee_share"] is None and rep["talk"]["other_s"] > 0
    assert rep["findings"][0].startswith("Only one speaker was heard (one unnamed speaker (S1))")
    assert rep["skipped"] == ["day", "path", "future", "skills", "referrals"]


def test_no_questions_asked(tmp_path):
    script = [(ER, "Thanks for joining. I will just listen today."), (EE, "Sure, let me tell you about my job. " * 5),
              (ER, "That is great."), (EE, "And that is how it goes every week. " * 3)]
    folder = make_folder(tmp_path / "iv", script=script)
    r, rep = report_of(folder)
    assert r.exit_code == 0, r.output
    assert rep["asked_order"] == [] and rep["followups"] == [] and rep["priority_first"] is None
    assert any("No questions from the interviewer were found" in f for f in rep["findings"])
    assert any("Priority-1 question never asked" in f for f in rep["findings"])


def test_missing_transcript_and_folder(tmp_path):
    r = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "no such folder" in r.output
    (tmp_path / "empty").mkdir()
    r = runner.invoke(app, ["report", str(tmp_path / "empty")])
    assert r.exit_code == 2 and "listenwell transcribe" in r.output


def test_interviewer_monologue_and_interruptions_are_findings(tmp_path):
    script = [
        (ER, "Let me tell you all about my own background first. " * 6 + "So what is a typical day like?", 0.0, 40.0),
        (EE, "word " * 60, 41.0, 70.0),
        (ER, "Sorry to cut in, who else should I talk to?", 65.0, 68.0),
        (EE, "word " * 40, 71.0, 95.0),
    ]
    from listenwell.analysis.report import analyse
    from listenwell.plan import parse_text_plan
    from samples.script import transcript_from_script

    plan, _ = parse_text_plan("- What does a typical day look like?\n- Who else should I talk to?\n")
    rep = analyse(transcript_from_script(script), plan)
    text = "\n".join(rep.findings)
    assert "You spoke for 40 s without a break at 00:00-00:40" in text
    assert "still talking 1 time, at 01:05" in text
    assert rep.stats.interruptions == 1


def test_interviewer_speech_without_words_is_flagged():
    from listenwell.analysis.report import analyse
    from listenwell.records import Turn
    from samples.script import transcript_from_script

    t = transcript_from_script([(ER, "What is a typical day like?", 0.0, 3.0), (EE, "word " * 30, 4.0, 20.0),
                                (EE, "word " * 30, 26.0, 40.0)])
    t.turns.append(Turn(21.0, 24.5, ER))  # the recogniser dropped this question's words
    rep = analyse(t, None)
    assert rep.unheard_interviewer_s == [21.0]
    assert rep.followups[0].answer_s == pytest.approx(16.0)  # the answer ends where the unheard ask starts
    assert any(f.startswith("You spoke at 00:21 but the transcript has no words there") for f in rep.findings)


def test_unnamed_speakers_get_talk_time_but_no_share(tmp_path):
    script = [("S1", "What does a typical day look like for you?"), ("S2", "Mostly meetings and code reviews. " * 4),
              ("S3", "Sorry, I joined late.")]
    folder = make_folder(tmp_path / "iv", script=script)
    r, rep = report_of(folder)
    assert r.exit_code == 0, r.output
    assert rep["talk"]["interviewee_share"] is None and rep["talk"]["other_s"] > 0
    assert set(rep["talk"]["by_speaker"]) == {"S1", "S2", "S3"}
    assert "not named interviewer/interviewee (S1, S2, S3)" in rep["findings"][0]
    assert "Talk: S1" in r.output


def test_turns_are_derived_from_word_speakers(tmp_path):
    from listenwell.analysis.report import analyse
    from samples.script import transcript_from_script

    t = transcript_from_script(timed_script(SCRIPT))
    t.turns = []  # words and segments keep their speakers
    rep = analyse(t, None)
    assert rep.talk.interviewee_share > 0.7 and len(rep.followups) == 5
    for seg in t.segments:
        seg.speaker = None
        for w in seg.words:
            w.speaker = None
    with pytest.raises(Exception, match="no speakers"):
        analyse(t, None)


def test_report_json_reads_back_as_the_same_report(tmp_path):
    folder = make_folder(tmp_path / "iv")
    rep = build_report(folder)
    write_report(folder, rep)
    again = Report.load(folder.report_path)
    assert again == rep and again.to_dict() == json.loads(folder.report_path.read_text())
    assert again.time_budget.planned_min == 1.5 and again.notes[0] == Note(at_s=20.0, kind="mark", text="")


def test_a_bad_report_json_is_one_line_naming_the_field(tmp_path):
    folder = make_folder(tmp_path / "iv")
    data = build_report(folder).to_dict()
    data["questions"][2]["answer_s"] = "long"
    with pytest.raises(UserError) as e:
        Report.from_dict(data)
    assert str(e.value).startswith("report.json: questions.2.answer_s: Input should be a valid number")
    del data["talk"]
    folder.report_path.write_text(json.dumps(data))
    with pytest.raises(UserError, match=r"report.json: talk: Field required; rerun `listenwell report .*iv`$"):
        Report.load(folder.report_path)
    folder.report_path.write_text('{"schema": 2}')
    with pytest.raises(UserError, match="report.json has schema 2, not 1; rerun `listenwell report"):
        Report.load(folder.report_path)


def test_a_bad_transcript_is_one_line_naming_the_field(tmp_path):
    folder = make_folder(tmp_path / "iv")
    data = json.loads(folder.transcript_path.read_text())
    data["segments"][1]["words"][0]["start"] = None
    folder.transcript_path.write_text(json.dumps(data))
    r = runner.invoke(app, ["report", str(folder.path)])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert "transcript.json: segments.1.words.0.start: Input should be a valid number" in r.output
    assert "rerun `listenwell transcribe --force`" in r.output


def test_notes_are_read_from_the_recorders_t(tmp_path):
    folder = make_folder(tmp_path / "iv", notes=False)
    lines = [{"t": 12.345, "at": "2026-11-20T10:00:12+00:00", "kind": "note", "text": "salary later"},
             {"t": 3.0, "at": "2026-11-20T10:00:03+00:00", "kind": "mark"},
             {"at": "2026-11-20T10:00:05+00:00", "kind": "mark"},  # no time: not placeable
             {"t": float("inf"), "kind": "mark"}, {"t": True, "kind": "mark"},
             {"t": -4.0, "kind": "mark"}, {"t": 500.0, "kind": "note", "text": "after the end"},
             "not a record"]
    folder.notes_path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{torn")
    assert read_notes(folder, duration_s=100.0) == [
        Note(at_s=0.0, kind="mark", text=""), Note(at_s=3.0, kind="mark", text=""),
        Note(at_s=12.35, kind="note", text="salary later"), Note(at_s=100.0, kind="note", text="after the end")]
