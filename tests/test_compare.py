"""`listenwell compare`: three interviews side by side, and the bad inputs of issue 6."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from compare_fixtures import (
    ASKS_A,
    ASKS_B,
    ASKS_C,
    PLAN_A,
    PLAN_B,
    PLAN_C,
    SCRIPT_A,
    SCRIPT_B,
    SCRIPT_C,
    make_interview,
    make_three,
    md_plan,
)
from typer.testing import CliRunner

from listenwell.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interviews")
    make_three(root, report="pipeline")
    return root


@pytest.fixture(scope="module")
def compared(three, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "review"
    result = runner.invoke(app, ["compare", str(three / "2026-03-02-riley"), str(three / "2026-01-12-morgan"),
                                 str(three / "2026-02-03-sam"), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def _row(comp, text_start):
    return next(r for r in comp["questions"] if r["text"].startswith(text_start))


def test_matrix_matches_questions_by_id_and_by_meaning(compared):
    out, comp = compared
    # date order, whatever the order given
    assert [i["label"] for i in comp["interviews"]] == ["Morgan Lee", "Sam Ortiz", "Riley Chen"]
    assert [i["key"] for i in comp["interviews"]] == ["i1", "i2", "i3"]
    day = _row(comp, "What does a typical day")
    assert day["ids"] == ["day"]
    assert {k: c["match"] for k, c in day["cells"].items()} == {"i1": "new", "i2": "id", "i3": "meaning"}
    assert all(c["asked"] and c["answer_s"] > 5 for c in day["cells"].values())
    # Riley's Markdown plan (ids q1..q4) joined the rows by meaning, not by its generated ids
    assert day["cells"]["i3"]["id"] == "q1"
    assert _row(comp, "Who else would you suggest")["cells"]["i3"]["id"] == "q4"
    assert _row(comp, "How did you get into this field")["cells"]["i3"]["id"] == "q2"
    # seven distinct questions: day, path, conditions, future, skills, referrals, pay
    assert len(comp["questions"]) == 7
    future = _row(comp, "Where do you see the profession")
    assert future["cells"]["i1"]["asked"] is False and future["cells"]["i3"] is None


def test_answers_whole_and_key_sentences_attributed_with_times(compared):
    _, comp = compared
    cell = _row(comp, "What does a typical day")["cells"]["i2"]
    # the whole answer, one item per run of one speaker
    assert [(r["speaker"], r["role"]) for r in cell["answer"]] == [("Sam Ortiz", "interviewee")]
    assert cell["answer"][0]["text"] == SCRIPT_B[1][1]
    # a few key sentences: the first, then those that say the most, in the order said
    key = [r["text"] for r in cell["excerpt"]]
    assert key[0] == "Mornings are for synthesis." and len(key) == 3
    assert "Afternoons I meet product managers and we decide what to test next." in key
    assert all(k in SCRIPT_B[1][1] for k in key)
    assert abs(cell["excerpt"][0]["at_s"] - cell["start_s"]) < 0.5
    assert cell["excerpt"][1]["at_s"] > cell["excerpt"][0]["at_s"]
    # a follow-up answering another plan's question fills that cell, with both speakers
    pay = _row(comp, "What is the pay like")["cells"]
    assert pay["i3"]["asked"] is False and pay["i1"] is None
    assert pay["i2"]["match"] == "followup"
    assert pay["i2"]["asked_text"] == "And what is the pay like at Contoso?"
    assert {r["role"] for r in pay["i2"]["excerpt"]} == {"interviewee"}
    assert " ".join(r["text"] for r in pay["i2"]["excerpt"]) == "Fair for the region. Seniors earn more than most designers here."


def test_coverage_and_trend(compared):
    _, comp = compared
    cov = comp["coverage"]
    text = {r["key"]: r["text"] for r in comp["questions"]}
    assert cov["never_asked"] == []  # the pay question was answered as a follow-up
    assert sorted(text[k].split()[1] for k in cov["one_perspective"]) == ["are", "do", "is", "skills"]
    assert cov["levels"] == {"above": 1, "peer": 2, "below": 0}
    assert cov["levels_missing"] == ["below"]
    assert cov["companies"] == {"Northwind Health": 2, "Contoso": 1} and cov["one_company"] is False
    trend = comp["trend"]
    assert [p["priority_first"] for p in trend["points"]] == [False, True, True]
    shares = [p["interviewee_share"] for p in trend["points"]]
    assert shares == sorted(shares) and shares[0] < 0.6 < 0.65 < shares[-1]
    assert trend["share"] == "up" and trend["priority"] == "up" and trend["verdict"] == "better"
    assert "getting better" in trend["sentence"]


def test_outputs_md_csv_html_are_private_and_agree(compared):
    out, comp = compared
    for name in ("compare.md", "compare.html", "compare.csv"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    md = (out / "compare.md").read_text()
    assert comp["trend"]["sentence"] in md
    assert "missing: below" in md and "Northwind Health (2)" in md
    assert "| What does a typical day look like in your role? (day) | 00:10 | 00:10 | 00:09 |" in md
    rows = list(csv.DictReader(io.StringIO((out / "compare.csv").read_text())))
    assert len(rows) == 7 * 3
    day_sam = next(r for r in rows if r["question_ids"] == "day" and r["interviewee"] == "Sam Ortiz")
    assert day_sam["asked"] == "yes" and day_sam["match"] == "id" and float(day_sam["answer_s"]) > 5
    assert day_sam["excerpt"].startswith("Sam Ortiz: Mornings are for synthesis.")
    html = (out / "compare.html").read_text()
    assert "http://" not in html and "https://" not in html  # offline: nothing fetched
    # recordings are linked relative to the page
    # --out elsewhere: absolute paths, which survive moving that folder (the relative form is the fallback)
    sam = next(Path(i["folder"]) for i in comp["interviews"] if i["label"] == "Sam Ortiz").resolve()
    assert f'src="{(sam / "audio.flac").as_uri()}"' in html and 'data-alt="../../' in html
    assert 'src="/' not in html
    assert "similarity" not in html.split('id="footnote"')[1]  # a footnote in plain words


def test_parent_folder_with_other_folders_and_pending_interviews(tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    make_three(tmp_path, report="truth")
    make_interview(tmp_path, "2026-04-09-jo", plan=md_plan("Jo Park", "Fabrikam", "below", 20, ["What is hard?"]), plan_suffix=".md",
                   script=SCRIPT_A, stage="recorded", date="2026-04-09")
    (tmp_path / "holiday-photos").mkdir()
    result = runner.invoke(app, ["compare", str(tmp_path), str(tmp_path / "missing")])
    assert result.exit_code == 0, result.output
    assert "missing: no such folder; skipped" in result.stderr
    assert "pending:" in result.stderr and "2026-04-09-jo" in result.stderr and "listenwell transcribe" in result.stderr
    assert (here / "compare.html").is_file()
    # two folders named: outputs go to the current folder; one parent: beside the interviews
    result = runner.invoke(app, ["compare", str(tmp_path)])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "compare.md").read_text()
    assert "2026-04-09-jo: pending, not transcribed yet" in md
    # the page beside the interviews points at them relatively: the folder can move whole
    html = (tmp_path / "compare.html").read_text()
    assert 'src="2026-02-03-sam/audio.flac"' in html and 'href="2026-02-03-sam/report.html"' not in html
    # the pending interview still counts for who was reached: below is no longer missing
    assert "all three covered" in md and "counting 1 pending" in md
    assert "Compared 3 interviews" in result.stdout


def test_transcribed_but_not_reported_is_analysed_without_writing(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    folder = make_interview(tmp_path, "b", plan=PLAN_B, script=SCRIPT_B, stage="transcribed", date="2026-02-03")
    before = sorted(p.name for p in folder.path.iterdir())
    result = runner.invoke(app, ["compare", str(tmp_path), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    comp = json.loads(result.stdout)
    assert sorted(p.name for p in folder.path.iterdir()) == before  # nothing written into it
    assert [i["report"] for i in comp["interviews"]] == ["file", "computed"]
    assert _row(comp, "Which skills matter")["cells"]["i2"]["asked"] is True


def test_markdown_plans_without_ids_match_by_meaning(tmp_path):
    other = md_plan("Ana Diaz", "Tailspin", "above", 3, [
        "Could you describe an ordinary day at work?",
        "Who should I speak with next?",
        "How did you break into this career?",
    ])
    script = [("interviewer", "Could you describe an ordinary day at work?"),
              ("interviewee", "Meetings in the morning, fieldwork after lunch."),
              ("interviewer", "How did you break into this career?"),
              ("interviewee", "By accident, through a friend."),
              ("interviewer", "Who should I speak with next?"),
              ("interviewee", "Try the design guild.")]
    make_interview(tmp_path, "c", plan=PLAN_C, plan_suffix=".md", script=SCRIPT_C, asks=ASKS_C, report="truth", date="2026-03-02")
    make_interview(tmp_path, "d", plan=other, plan_suffix=".md", script=script, asks={0: "q1", 2: "q3", 4: "q2"},
                   report="truth", date="2026-03-09")
    result = runner.invoke(app, ["compare", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    comp = json.loads(result.stdout)
    pairs = {r["cells"]["i1"]["id"] if r["cells"]["i1"] else None: r["cells"]["i2"]["id"] if r["cells"]["i2"] else None
             for r in comp["questions"]}
    assert pairs == {"q1": "q1", "q2": "q3", "q4": "q2", "q3": None}  # pay has no partner
    assert all(r["ids"] == [] for r in comp["questions"])  # generated ids are not shown as ids


def test_single_interview_works_and_asks_for_more(tmp_path):
    make_interview(tmp_path, "only", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    result = runner.invoke(app, ["compare", str(tmp_path / "only"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "360-degree view" in result.stdout
    md = (tmp_path / "out" / "compare.md").read_text()
    assert "# Across 1 interview" in md and "360-degree view" in md
    assert "needs at least two" in md
    assert "All interviews are at one company" not in md  # one interview is not "all at one company"


def test_all_at_one_company_is_flagged(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    make_interview(tmp_path, "c", plan=PLAN_C, plan_suffix=".md", script=SCRIPT_C, asks=ASKS_C, report="truth", date="2026-03-02")
    result = runner.invoke(app, ["compare", str(tmp_path), "--json"])
    comp = json.loads(result.stdout)
    assert comp["coverage"]["one_company"] is True
    assert "All interviews are at one company" in (tmp_path / "compare.md").read_text()


@pytest.mark.parametrize("setup", ["empty", "missing", "not-interviews", "file"])
def test_no_interviews_is_one_line_error(tmp_path, setup):
    target = tmp_path / "x"
    if setup == "empty":
        target.mkdir()
    elif setup == "not-interviews":
        (target / "photos").mkdir(parents=True)
    elif setup == "file":
        target.write_text("hello")
    result = runner.invoke(app, ["compare", str(target)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: no interview folders in") and "Traceback" not in result.output


def test_only_pending_interviews_is_one_line_error(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, stage="recorded")
    make_interview(tmp_path, "b", plan=PLAN_B, stage="created")
    result = runner.invoke(app, ["compare", str(tmp_path)])
    assert result.exit_code == 2
    assert "error: none of the 2 interviews can be compared yet" in result.stderr
    assert not (tmp_path / "compare.md").exists()


def test_missing_recording_disables_its_timestamps(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    b = make_interview(tmp_path, "b", plan=PLAN_B, script=SCRIPT_B, asks={0: "day", 2: "path"}, report="truth", date="2026-02-03")
    (b.path / "audio.flac").unlink()  # moved away after the report was made
    result = runner.invoke(app, ["compare", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "compare.html").read_text()
    assert '<audio id="audio-i1"' in html and 'data-alt="../a/audio.flac"' in html
    assert '<audio id="audio-i2"' not in html and "no recording" in html
    assert 'data-audio="audio-i2"' in html and html.count("disabled>") == html.count('data-audio="audio-i2"')


def test_interview_whose_speakers_are_unknown_is_not_called_unasked(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    one_voice = [("S1", text) for _, text in SCRIPT_B]  # diarization heard one speaker only
    make_interview(tmp_path, "b", plan=PLAN_B, script=one_voice, stage="transcribed", date="2026-02-03")
    result = runner.invoke(app, ["compare", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    comp = json.loads(result.stdout)
    sam = comp["interviews"][1]
    assert sam["speakers_known"] is False
    assert any("does not tell the interviewer from the interviewee" in r for r in comp["remarks"])
    skills = _row(comp, "Which skills matter")
    assert skills["cells"]["i2"]["unknown"] is True and skills["cells"]["i2"]["asked"] is False
    assert skills["key"] in comp["coverage"]["unknown"] and skills["key"] not in comp["coverage"]["never_asked"]
    md = (tmp_path / "compare.md").read_text()
    assert "not found (speakers unknown)" in md and "Not known whether these were asked" in md


def test_unreadable_transcript_or_report_is_pending_not_fatal(tmp_path):
    make_interview(tmp_path, "a", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    b = make_interview(tmp_path, "b", plan=PLAN_B, script=SCRIPT_B, stage="transcribed", date="2026-02-03")
    b.transcript_path.write_text("{ not json")
    c = make_interview(tmp_path, "c", plan=PLAN_B, script=SCRIPT_B, asks=ASKS_B, report="truth", date="2026-02-04")
    c.report_path.write_text('{"schema": 99}')
    result = runner.invoke(app, ["compare", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    comp = json.loads(result.stdout)
    assert [i["label"] for i in comp["interviews"]] == ["Morgan Lee"]
    reasons = {p["folder"].split("/")[-1]: p["reason"] for p in comp["pending"]}
    assert "rerun `listenwell report" in reasons["c"] and "schema 99" in reasons["c"]
    assert "transcri" in reasons["b"]  # unreadable transcript: rerun transcribe (or report, without analysis.report)
