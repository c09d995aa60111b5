"""`listenwell plan new` and `listenwell plan check` through the real command line."""

from __future__ import annotations

import stat

from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.plan import load_plan

runner = CliRunner()


def test_plan_new_writes_a_starter_plan_that_checks(tmp_path):
    path = tmp_path / "morgan.toml"
    r = runner.invoke(app, ["plan", "new", str(path)])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    plan = load_plan(path)
    ids = [q.id for q in plan.questions]
    # typical duties, conditions, the future, how to get in, who else to talk to
    assert {"day", "conditions", "future", "path", "referrals"} <= set(ids)
    assert plan.minutes and plan.interviewee
    r = runner.invoke(app, ["plan", "check", str(path)])
    assert r.exit_code == 0 and "OK: 7 questions (2 priority 1), 20 min promised" in r.output


def test_plan_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text("keep me")
    r = runner.invoke(app, ["plan", "new", str(path)])
    assert r.exit_code == 2 and "already exists" in r.output and path.read_text() == "keep me"
    assert runner.invoke(app, ["plan", "new", str(path), "--force"]).exit_code == 0
    assert runner.invoke(app, ["plan", "new", str(tmp_path / "plan.md")]).exit_code == 2


def test_plan_check_reports_malformed_toml_with_line(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[interview]\nminutes = 20\n\n[[questions]]\ntext = "What is a day like?\n')
    r = runner.invoke(app, ["plan", "check", str(path)])
    assert r.exit_code == 2
    assert f"{path}:5: malformed TOML" in r.output


def test_plan_check_lists_every_problem(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[interview]\nminutes = 0\nlevel = "boss"\n\n[[questions]]\nid = "a"\ntext = ""\n'
                    '\n[[questions]]\nid = "b"\ntext = "Why?"\npriority = 0\n')
    r = runner.invoke(app, ["plan", "check", str(path)])
    assert r.exit_code == 2
    for fragment in (":2: minutes must be", ":3: level must be", ":5: question 1 has no text", ":12: question 2: priority"):
        assert fragment in r.output, r.output


def test_plan_check_empty_plans(tmp_path):
    toml, md = tmp_path / "plan.toml", tmp_path / "plan.md"
    toml.write_text("[interview]\nminutes = 20\n")
    md.write_text("# My plan\n\n")
    for p in (toml, md):
        r = runner.invoke(app, ["plan", "check", str(p)])
        assert r.exit_code == 2 and "no questions" in r.output


def test_plan_check_markdown_plan(tmp_path):
    md = tmp_path / "plan.md"
    md.write_text("interviewee: Sam Park\nminutes: 15\n\n- What is a typical day like?\n- Who else should I talk to?\n")
    r = runner.invoke(app, ["plan", "check", str(md)])
    assert r.exit_code == 0 and "OK: 2 questions (1 priority 1), 15 min promised; Sam Park" in r.output


def test_plan_check_types_and_unknown_keys_by_the_schema(tmp_path):
    """The plan's schema (pydantic, strict): a quoted number, a true for a count, a key that
    is not in the schema and a repeated id are each named with their line."""
    path = tmp_path / "plan.toml"
    path.write_text('title = "x"\n[interview]\ninterviewee = 3\nminutes = "20"\npeople = true\nfoo = 1\n'
                    '\n[[questions]]\nid = "a b"\ntext = "Why?"\ntheme = "money"\n'
                    '\n[[questions]]\nid = "c"\ntext = "What?"\nextra = 1\n')
    r = runner.invoke(app, ["plan", "check", str(path)])
    assert r.exit_code == 2
    for fragment in (":1: unknown section or key 'title'", ":3: 'interviewee' must be text",
                     ":4: minutes must be a number", ":5: people must be a whole number",
                     ":6: unknown key 'foo' in [interview]", ":9: question 1: id must be",
                     ":11: question 1: theme must be one of", ":16: unknown key 'extra' in question 2"):
        assert fragment in r.output, r.output
    path.write_text('[[questions]]\nid = "c"\ntext = "What?"\n\n[[questions]]\nid = "c"\ntext = "Again?"\n')
    r = runner.invoke(app, ["plan", "check", str(path)])
    assert r.exit_code == 2 and ":6: question id 'c' is used twice" in r.output
