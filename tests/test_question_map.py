"""Question mapping: finding the interviewer's questions and matching them to the plan."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
from mapping_eval import evaluate, load_labelled

from listenwell.analysis import embed
from listenwell.analysis.question_map import (
    DEFAULT_PARAMS,
    LEXICAL_PARAMS,
    assign,
    find_questions,
    match_questions,
)
from listenwell.records import INTERVIEWEE as EE
from listenwell.records import INTERVIEWER as ER
from listenwell.text import is_question, terms
from samples.script import timed_script, transcript_from_script

LABELLED = Path(__file__).parent / "data" / "paraphrases.toml"

# Measured on the labelled set (bench/bench_report.py): combined 0.808, lexical 0.677.
# The thresholds below leave a margin of about 0.05 for harmless changes.
MIN_ACCURACY = {"combined": 0.77, "lexical": 0.62}


def test_labelled_set_is_big_enough():
    plans = load_labelled(LABELLED)
    paraphrases = sum(1 for p in plans for label in p.labels if label)
    distractors = sum(1 for p in plans for label in p.labels if not label)
    assert len(plans) >= 6 and paraphrases >= 60 and distractors >= 25
    for p in plans:  # every label names a planned question of its own plan
        assert {lab for lab in p.labels if lab} <= set(p.ids)


def test_wordllama_loads_offline(monkeypatch):
    """The embedding model loads from the package's own files with the network cut off."""
    def refuse(*args, **kwargs):
        raise OSError("network is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    embed.load_embedder.cache_clear()
    try:
        model = embed.load_embedder()
        assert model is not None, "wordllama did not load from its bundled weights"
        s = embed.embedding_scores(["walk me through an ordinary day"],
                                   ["What does a typical day look like?", "Who else should I talk to?"])
        assert s.shape == (1, 2) and s[0, 0] > s[0, 1]
    finally:
        embed.load_embedder.cache_clear()


def test_mapping_accuracy_on_labelled_set():
    plans = load_labelled(LABELLED)
    combined, method = evaluate(plans, DEFAULT_PARAMS)
    assert method == "combined"
    lexical, _ = evaluate(plans, LEXICAL_PARAMS)
    assert combined.accuracy >= MIN_ACCURACY["combined"], combined.line()
    assert lexical.accuracy >= MIN_ACCURACY["lexical"], lexical.line()
    # meaning beats the lexical floor, or the model would not be worth shipping
    assert combined.accuracy > lexical.accuracy


@pytest.mark.parametrize("text, expected", [
    ("Could you walk me through an ordinary day?", True),
    ("walk me through an ordinary day", True),
    ("So what does your team look like", True),
    ("Tell me about how you got started.", True),
    ("It sounds like a busy week?", True),
    ("One last thing, is there anyone else you would suggest I talk to.", True),
    ("One last thing is there anyone else you would suggest I talk to", True),  # ASR dropped the comma
    ("They always tell me to rest.", False),
    ("Really?", False),
    ("Right, is it?", False),
    ("That makes a lot of sense.", False),
])
def test_is_question(text, expected):
    assert is_question(text) is expected


def test_assignment_uses_each_planned_question_once():
    scores = np.array([[0.9, 0.1], [0.8, 0.3], [0.05, 0.04]])
    # the second asked question is close to planned 0 too, but planned 0 is taken: it gets 1
    assert assign(scores, DEFAULT_PARAMS) == [0, 1, None]


def test_find_questions_groups_turns_and_ignores_the_interviewee():
    lines = timed_script([
        (ER, "Thanks, that's great. How did you get started? And what would you do today?"),
        (EE, "I started in a call centre. Why do you ask? Anyway, it was a long road."),
        (ER, "Really?"),
        (EE, "Yes, really, about ten years in total before I got here."),
        (ER, "I see. That makes sense."),
        (EE, "Then I moved on."),
        (ER, "Who else should I talk to?"),
    ])
    asked = find_questions(transcript_from_script(lines))
    assert [a.sentences for a in asked] == [
        ["How did you get started?", "And what would you do today?"],
        ["Who else should I talk to?"],
    ]
    assert asked[0].start > lines[0][2]  # starts at the question sentence, not at "Thanks"
    assert asked[0].end == pytest.approx(lines[0][3])


def test_match_without_plan_makes_everything_a_followup():
    matches, method = match_questions([["How are you?"]], [])
    assert [m.planned for m in matches] == [None] and method == "none"


def test_paraphrase_and_followup_in_one_interview():
    planned = ["What does a typical day look like in your role?", "Who else would you suggest I talk to?"]
    asked = [["Could you walk me through an ordinary day for you?"], ["How long have you been at Northwind?"],
             ["Is there anyone else you think I should reach out to?"]]
    matches, _ = match_questions(asked, planned)
    assert [m.planned for m in matches] == [0, None, 1]


def test_terms_fold_synonyms_and_drop_question_scaffolding():
    assert terms("What does a typical day look like in your role?") == ["typical", "day", "look", "job"]
    assert terms("Walk me through an ordinary workday.") == ["typical", "workday"]
    assert terms("How did you get into this field?") == terms("How did you break into this career?")
    # "every week" is not "a typical day"
    assert not set(terms("Which tools do you use every week?")) & set(terms("What is a typical day like?"))
