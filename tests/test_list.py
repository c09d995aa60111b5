"""`listenwell list`: every interview in a folder, with how far each has got."""

from __future__ import annotations

import json

import pytest
from compare_fixtures import (
    ASKS_A,
    PLAN_A,
    PLAN_B,
    PLAN_C,
    SCRIPT_A,
    SCRIPT_B,
    make_interview,
    md_plan,
)
from typer.testing import CliRunner

from listenwell.cli import app

runner = CliRunner()


@pytest.fixture
def parent(tmp_path):
    make_interview(tmp_path, "morgan", plan=PLAN_A, script=SCRIPT_A, asks=ASKS_A, report="truth", date="2026-01-12")
    make_interview(tmp_path, "sam", plan=PLAN_B, script=SCRIPT_B, stage="transcribed", date="2026-02-03")
    make_interview(tmp_path, "riley", plan=PLAN_C, plan_suffix=".md", script=SCRIPT_A, stage="recorded", date="2026-03-02")
    make_interview(tmp_path, "draft", plan=md_plan("Ana Diaz", "Tailspin", "below", 20, ["What is hard?"]),
                   plan_suffix=".md", stage="created", date="2026-04-01")
    (tmp_path / "photos").mkdir()
    (tmp_path / "notes.txt").write_text("not a folder")
    return tmp_path


def test_list_json_has_every_interview_in_date_order(parent):
    result = runner.invoke(app, ["list", str(parent), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["stage"] for r in rows] == ["reported", "transcribed", "recorded", "created"]
    morgan, sam, riley, draft = rows
    assert (morgan["interviewee"], morgan["company"], morgan["level"], morgan["date"]) == (
        "Morgan Lee", "Northwind Health", "above", "2026-01-12")
    # the share comes from the report, or from the transcript's speaker turns
    assert 0.5 < morgan["interviewee_share"] < 0.6
    assert 0.6 < sam["interviewee_share"] < 0.8
    assert riley["interviewee_share"] is None and riley["duration_s"] > 60  # from the audio file
    assert (riley["interviewee"], riley["level"]) == ("Riley Chen", "peer")  # from the Markdown plan
    assert draft["duration_s"] is None and draft["interviewee"] == "Ana Diaz"
    assert draft["date"] == "2026-04-01"  # from interview.json when the plan has none
    assert all(r["folder"].split("/")[-1] != "photos" for r in rows)


def test_list_table_notes_other_folders(parent, monkeypatch):
    monkeypatch.chdir(parent)
    result = runner.invoke(app, ["list"])  # default: the current folder
    assert result.exit_code == 0, result.output
    for text in ("4 interviews", "Morgan Lee", "Northwind Health", "reported", "transcribed", "recorded",
                 "55 %", "01:08", "1 other folder skipped (not interviews): photos"):
        assert text in result.stdout


def test_list_of_one_interview_folder(parent):
    result = runner.invoke(app, ["list", str(parent / "sam"), "--json"])
    assert result.exit_code == 0
    assert [r["interviewee"] for r in json.loads(result.stdout)] == ["Sam Ortiz"]


def test_list_of_empty_folder(tmp_path):
    result = runner.invoke(app, ["list", str(tmp_path)])
    assert result.exit_code == 0 and "No interviews in" in result.stdout
    assert json.loads(runner.invoke(app, ["list", str(tmp_path), "--json"]).stdout) == []


@pytest.mark.parametrize("name", ["missing", "file.txt"])
def test_list_of_missing_folder_is_one_line_error(tmp_path, name):
    (tmp_path / "file.txt").write_text("x")
    result = runner.invoke(app, ["list", str(tmp_path / name)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")


def test_a_narrow_terminal_keeps_the_interviewee_and_company(parent, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    result = runner.invoke(app, ["list", str(parent)])
    assert result.exit_code == 0, result.output
    for text in ("Morgan Lee", "Sam Ortiz", "Northwind", "Contoso", "55 %"):
        assert text in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 60
    assert "Too narrow for" in result.output and "--json" in result.output
