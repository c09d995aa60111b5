"""Corrections: `listenwell label` writes corrections.json, the machine's transcript stays as
it is, and every number follows: the exports, the report, `list` and `compare`; a report
older than its corrections is recomputed, never shown as current; a new transcript keeps
the corrections that still apply."""

from __future__ import annotations

import json
import stat

import pytest
from report_fixtures import make_folder
from typer.testing import CliRunner

from listenwell import corrections as c
from listenwell.corrected import apply, corrected_transcript, give_speaker, interviewee_share
from listenwell.errors import UserError
from listenwell.records import Transcript

runner = CliRunner()


def cli(*args):
    from listenwell.cli import app

    return runner.invoke(app, [str(a) for a in args])


def listed(parent):
    r = cli("list", parent, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)[0]


def test_label_corrections_and_every_number_follows(tmp_path):
    folder = make_folder(tmp_path / "iv")
    machine = folder.transcript_path.read_bytes()
    assert cli("report", folder.path).exit_code == 0
    before = json.loads(folder.report_path.read_text())
    assert listed(tmp_path)["report_current"] is True

    # the interviewer's first sentence was the interviewee's: give them that span
    first = Transcript.load(folder.transcript_path).segments[0]
    end = next(w.end for w in first.words if w.word.strip() == "today.")
    r = cli("label", folder.path, "--from", first.start, "--to", end, "--speaker", "interviewee")
    assert r.exit_code == 0, r.output
    assert "the interviewee's share is now" in r.output and "out of date" in r.output
    assert folder.transcript_path.read_bytes() == machine  # the machine's output is never edited
    path = folder.path / "corrections.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "corrections.json" in (folder.path / ".listenwell-files").read_text()
    saved = json.loads(path.read_text())
    assert [x["kind"] for x in saved["corrections"]] == ["speaker"] and saved["corrections"][0]["by"] == "label"
    assert (folder.path / "transcript.txt").read_text().startswith("[interviewee] Thanks for making the time today.")

    # list does not show the old number as current; compare recomputes
    row = listed(tmp_path)
    assert row["report_current"] is False
    assert row["interviewee_share"] > before["talk"]["interviewee_share"]
    table = cli("list", tmp_path)
    assert "out of date" in table.stdout
    r = cli("compare", folder.path, "--out", tmp_path / "cmp", "--json")
    assert r.exit_code == 0, r.output
    (iv,) = json.loads(r.stdout)["interviews"]
    assert iv["report"] == "computed" and iv["interviewee_share"] == pytest.approx(row["interviewee_share"], abs=1e-3)

    # the report follows, and says what it was made from
    assert cli("report", folder.path).exit_code == 0
    after = json.loads(folder.report_path.read_text())
    assert after["talk"]["interviewee_share"] == pytest.approx(row["interviewee_share"], abs=1e-3)
    assert after["corrections"] == {"applied": 1, "not_applied": []}
    assert after["sources"] == c.fingerprint(folder.path) and listed(tmp_path)["report_current"] is True


def test_question_word_and_note_corrections_reach_the_report(tmp_path):
    folder = make_folder(tmp_path / "iv")
    followup = json.loads(cli("report", folder.path, "--json").stdout)["followups"][0]
    assert cli("label", folder.path, "--question", "day", "--not-asked").exit_code == 0
    r = cli("label", folder.path, "--question", "skills", "--at", followup["at_s"], "--json")
    assert r.exit_code == 0 and r.output == r.stdout  # --json: the JSON and nothing else
    assert json.loads(r.stdout)["correction"]["question"] == "skills"
    assert cli("label", folder.path, "--from", "1:21", "--to", "1:23", "--text", "I read psychology").exit_code == 0
    assert cli("label", folder.path, "--note", "ask for an intro", "--at", "1:00").exit_code == 0
    rep = json.loads(cli("report", folder.path, "--json").stdout)
    q = {x["id"]: x for x in rep["questions"]}
    assert (q["day"]["state"], q["day"]["asked"], q["day"]["decided_by"]) == ("not asked", False, "user")
    assert (q["skills"]["state"], q["skills"]["asked_at_s"], q["skills"]["decided_by"]) == ("asked", followup["at_s"], "user")
    assert "day" in rep["skipped"] and "skills" not in rep["skipped"]
    assert {"at_s": 60.0, "kind": "note", "text": "ask for an intro"} in rep["notes"]
    assert cli("report", folder.path).exit_code == 0
    assert "I read psychology" in (folder.path / "report.md").read_text()

    listing = cli("label", folder.path, "--list")
    assert listing.output.count("\n") == 4 and "question day: not asked" in listing.output
    r = cli("label", folder.path, "--undo")
    assert "took back #4 note" in r.output
    assert len(c.load(folder.path).corrections) == 3


@pytest.mark.parametrize("args, message", [
    (["--from", "3", "--to", "1", "--speaker", "interviewee"], "the start must come before the end"),
    (["--from", "1", "--to", "3", "--speaker", "nobody"], "no speaker 'nobody' in this interview"),
    (["--question", "nope", "--at", "3"], "no question 'nope' in the plan"),
    (["--question", "day"], "--question needs either --at TIME"),
    (["--from", "1:75", "--to", "2", "--speaker", "interviewee"], "is not a time"),
    (["--swap", "--undo"], "give one correction"),
])
def test_bad_corrections_are_one_line(tmp_path, args, message):
    folder = make_folder(tmp_path / "iv", audio=False, notes=False)
    r = cli("label", folder.path, *args)
    assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1
    assert not (folder.path / "corrections.json").exists()


def test_swap_says_what_happened_and_json_is_json_alone(tmp_path):
    folder = make_folder(tmp_path / "iv", audio=False, notes=False)
    r = cli("label", folder.path, "--swap")
    assert r.exit_code == 0 and "interviewer: interviewer (was interviewer)" not in r.output
    assert "swapped the speakers" in r.output
    r = cli("label", folder.path, "--swap", "--json")
    assert r.output == r.stdout and json.loads(r.stdout)["speakers"]["interviewer_by"] == "manual"


def test_a_damaged_corrections_file_is_one_line_naming_the_entry(tmp_path):
    folder = make_folder(tmp_path / "iv", audio=False, notes=False)
    (folder.path / "corrections.json").write_text(json.dumps(
        {"schema": 1, "corrections": [{"kind": "speaker", "start": "soon", "end": 2, "speaker": "interviewee"}]}))
    r = cli("report", folder.path)
    assert r.exit_code == 2
    assert r.output.strip() == (f"error: {folder.path / 'corrections.json'}: corrections.0.speaker.start: Input should "
                                "be a valid number, unable to parse string as a number; fix or remove that entry")
    (folder.path / "corrections.json").write_text('{"schema": 1, "corrections": [{"kind": "speaker", "start": 5, "end": 2, "speaker": "x"}]}')
    with pytest.raises(UserError, match=r"corrections.0: ends \(2.0\) before it starts"):
        c.load(folder.path)


def test_a_new_transcript_keeps_the_corrections_that_still_apply(tmp_path):
    from listenwell.transcribe.batch import Result
    from listenwell.transcribe.pipeline import write_transcript
    from listenwell.transcribe.runner import follow_corrections

    folder = make_folder(tmp_path / "iv", audio=False, notes=False)
    t = Transcript.load(folder.transcript_path)
    c.add(folder.path, c.SpeakerFix(start=1.0, end=3.0, speaker="interviewee"), "review")
    w = t.segments[2].words[0]
    c.add(folder.path, c.WordsFix(start=w.start, end=w.end, was=w.word.strip(), text="Honestly"), "review")
    c.add(folder.path, c.WordsFix(start=t.segments[4].words[0].start, end=t.segments[4].words[0].end,
                                  was=t.segments[4].words[0].word.strip(), text="Well"), "review")
    # transcribe --force heard the fifth line's first word differently this time
    t.segments[4].words[0].word = " Whatever"
    t.segments[4].text = t.segments[4].text.replace("What", "Whatever", 1)
    write_transcript(folder, t)  # as transcribe --force writes it: exports with the corrections
    result = Result(str(folder.path), str(folder.path), "done")
    follow_corrections([result])
    fixes = result.summary["corrections"]
    assert fixes["applied"] == 2 and len(fixes["not_applied"]) == 1
    assert "now has “Whatever” there" in fixes["not_applied"][0]
    txt = (folder.path / "transcript.txt").read_text()
    assert txt.startswith("[interviewee] Thanks for") and "Honestly" in txt and "Whatever" in txt


def test_corrections_apply_as_pure_functions(tmp_path):
    folder = make_folder(tmp_path / "iv", audio=False, notes=False)
    t = Transcript.load(folder.transcript_path)
    seg = t.segments[0]
    mid = seg.words[6].start  # "...today." | "Could you walk me..."
    new, why = give_speaker(t, c.SpeakerFix(start=seg.start, end=mid, speaker="interviewee"))
    assert why == "" and new is not None
    assert [(s.speaker, s.text.split()[0]) for s in new.segments[:2]] == [("interviewee", "Thanks"), ("interviewer", "Could")]
    assert new.turns[0].speaker == "interviewee" and new.turns[0].end == pytest.approx(mid, abs=0.05)
    assert interviewee_share(new) > interviewee_share(t)
    # a span nobody speaks in does not apply, and says why
    gap = (t.segments[0].end + t.segments[1].start) / 2
    none, why = give_speaker(t, c.SpeakerFix(start=gap - 0.1, end=gap + 0.1, speaker="interviewee"))
    assert none is None and "nobody speaks" in why
    assert apply(t, c.Corrections()).transcript is t
    assert corrected_transcript(folder.path).applied == 0
    assert c.parse_time("1:15.5") == 75.5 and c.parse_time("75.5") == 75.5 and c.parse_time("1:00:00") == 3600
