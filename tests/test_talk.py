"""Talk statistics from speaker turns (the intervals.py definition of talk time)."""

from __future__ import annotations

import pytest

from listenwell.analysis.talk import talk_in, talk_stats
from listenwell.records import INTERVIEWEE as EE
from listenwell.records import INTERVIEWER as ER
from listenwell.records import Turn
from samples.script import transcript_from_script

# interviewer asks (0-4), interviewee answers (5-35, with a 0.3 s pause at 20 that counts
# as talking and a 3 s pause at 27-30 that does not), the interviewer cuts in at 33 while
# the interviewee still speaks until 35, interviewee goes on 36-50, the interviewer waits
# 2 s, asks (52-55), answer 55.5-80.
SCRIPT = [
    (ER, "What does a typical day look like for you?", 0.0, 4.0),
    (EE, "word " * 30, 5.0, 20.0),
    (EE, "word " * 14, 20.3, 27.0),
    (EE, "word " * 10, 30.0, 35.0),
    (ER, "Sorry, can I ask", 33.0, 34.0),
    (EE, "word " * 28, 36.0, 50.0),
    (ER, "Who else should I talk to?", 52.0, 55.0),
    (EE, "word " * 49, 55.5, 80.0),
]


def test_talk_stats_by_the_definition():
    t = transcript_from_script(SCRIPT)
    st = talk_stats(t)
    assert st.interviewer_s == pytest.approx(4 + 1 + 3)
    assert st.interviewee_s == pytest.approx(22 + 5 + 14 + 24.5)
    assert st.interviewee_share == pytest.approx(65.5 / 73.5)
    assert st.other_s == 0
    assert st.interruptions == [33.0]
    # pauses before the interviewer: 50 -> 52 only (0->5 is the reverse; 33 cut in while speaking)
    assert st.pauses == [pytest.approx(2.0)] and st.patience_median_s == pytest.approx(2.0)
    # interviewee's longest stretch without the interviewer: 55.5-80
    assert st.longest[EE].start == 55.5 and st.longest[EE].duration == pytest.approx(24.5)
    assert st.longest[ER].duration == pytest.approx(4.0)
    # words per minute of talk time: 131 words over 65.5 s
    assert st.interviewee_wpm == pytest.approx(round(131 / (65.5 / 60), 1))


def test_overlap_counts_for_both_and_talk_in_window():
    t = transcript_from_script([(ER, "a b c", 0.0, 10.0), (EE, "d e f", 5.0, 15.0)])
    st = talk_stats(t)
    assert st.interviewer_s == 10 and st.interviewee_s == 10 and st.interviewee_share == 0.5
    assert talk_in(t.turns, 8, 12) == {ER: pytest.approx(2.0), EE: pytest.approx(4.0)}


def test_unnamed_speakers_have_no_share():
    t = transcript_from_script([("S1", "hello there", 0.0, 3.0)])
    st = talk_stats(t)
    assert st.interviewee_share is None and st.other_s == 3.0
    t.turns = [Turn(0, 3, ER)]
    assert talk_stats(t).interviewee_share == 0.0


def test_rates_need_a_second_of_talk():
    """A transcript a tool or a hand damaged (a line 5e-324 s long) gives no rate, not a
    division by zero (found by test_hostile_input)."""
    st = talk_stats(transcript_from_script([(ER, "What does a typical day look like?", 0.0, 5e-324)]))
    assert st.interviewer_wpm is None and st.switches_per_min is None
    st = talk_stats(transcript_from_script([(ER, "What does a typical day look like?", 0.0, 0.5)]))
    assert st.interviewer_wpm is None
