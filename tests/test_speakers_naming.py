"""Who is the interviewer from the words (planned questions, most questions); corrections.
By the voice profile: test_speakers_profile.py and test_speakers_cli.py."""

from __future__ import annotations

import pytest

from listenwell.errors import UserError
from listenwell.plan import Plan, Question
from listenwell.records import AudioInfo, Segment, Transcript, Turn, Word
from listenwell.transcribe.speakers.naming import find_interviewer, relabel_for

PLAN = Plan(questions=[
    Question("q1", "How did you get started in product design?", 1),
    Question("q2", "What does a typical week look like for your team?", 1),
    Question("q3", "Which skills matter most when hiring juniors?", 2),
    Question("q4", "What is the hardest part of the job?", 2),
])
ASKER = ("So how did you get started in product design? And what does a typical week look like for you and "
         "your team. One last thing is there a hard part in the job")  # ASR often drops the "?"
ANSWERER = ("I got started by accident, really. Do you know the old studio on Main Street? "
            "Why would anyone go there? What a question! Anyway, I was hired there. "
            "The hardest part of the job is the waiting.")  # echoes q4 without asking it


def test_planned_questions_beat_question_counts():
    # the answerer asks more (rhetorical) questions, the asker asks the planned ones
    label, by, detail = find_interviewer({"S1": ANSWERER, "S2": ASKER}, ["S1", "S2"], plan=PLAN)
    assert (label, by) == ("S2", "planned-questions")
    assert detail["planned_questions_asked"] == {"S1": 0, "S2": 3}


def test_most_questions_without_plan_and_first_speaker_without_questions():
    texts = {"S1": "It was fine. We shipped it.", "S2": "Why? How long did it take? Was it hard?"}
    assert find_interviewer(texts, ["S1", "S2"])[:2] == ("S2", "most-questions")
    flat = {"S1": "Fine.", "S2": "Yes."}
    assert find_interviewer(flat, ["S2", "S1"])[:2] == ("S2", "first-speaker")


def test_back_channel_is_not_asking():
    # the report's question detector (listenwell.text): "Really?" is listening, not asking
    texts = {"S1": "Mmm, role? Right? Really? Okay.", "S2": "What do you wish you had known? What skills matter most?"}
    assert find_interviewer(texts, ["S1", "S2"])[:2] == ("S2", "most-questions")


def transcript(labels):
    turns = [Turn(i * 2.0, i * 2.0 + 1.5, k) for i, k in enumerate(labels)]
    segs = [Segment(i, t.start, t.end, " hi", [Word(t.start, t.end, " hi", 1.0, t.speaker)], t.speaker)
            for i, t in enumerate(turns)]
    return Transcript(AudioInfo("a.wav", "x", 10.0, 16000, 1), "m", {}, "en", segs, turns,
                      {"method": "diarization", "interviewer": labels[0] if labels[0] == "interviewer" else None,
                       "interviewer_by": "most-questions", "labels": list(dict.fromkeys(labels))})


def test_label_swap_and_interviewer():
    t = relabel_for(transcript(["interviewer", "interviewee", "interviewer"]), swap=True)
    assert [x.speaker for x in t.turns] == ["interviewee", "interviewer", "interviewee"]
    assert [w.speaker for s in t.segments for w in s.words] == ["interviewee", "interviewer", "interviewee"]
    assert t.speakers["interviewer_by"] == "manual" and t.speakers["interviewer"] == "interviewer"
    assert t.speakers["previous"]["interviewer_by"] == "most-questions"
    lone = relabel_for(transcript(["S1", "S1"]), interviewer="S1")
    assert {x.speaker for x in lone.turns} == {"interviewer"}
    panel = relabel_for(transcript(["S1", "S2", "S3"]), interviewer="S2")
    assert [x.speaker for x in panel.turns] == ["S1", "S2", "S3"] and panel.speakers["interviewer"] == "S2"
    with pytest.raises(UserError, match="no speaker 'S9'"):
        relabel_for(transcript(["S1", "S2", "S3"]), interviewer="S9")
    with pytest.raises(UserError, match="no interviewer/interviewee"):
        relabel_for(transcript(["S1", "S2", "S3"]), swap=True)
