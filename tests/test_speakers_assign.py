"""Words and segments get their speakers from turns; segments split at speaker changes."""

from __future__ import annotations

from listenwell.records import Segment, Turn, Word
from listenwell.transcribe.speakers.assign import assign
from listenwell.transcribe.speakers.rttm import format_rttm, parse_rttm


def seg(i, words, text=None):
    ws = [Word(s, e, w, 0.9) for s, e, w in words]
    return Segment(i, ws[0].start if ws else 0.0, ws[-1].end if ws else 1.0,
                   text if text is not None else "".join(w.word for w in ws), ws)


TURNS = [Turn(0.0, 2.0, "A"), Turn(2.4, 6.0, "B"), Turn(4.0, 4.5, "A")]


def test_word_gets_speaker_at_its_midpoint_or_nearest_turn():
    out = assign([seg(0, [(0.1, 0.5, " Hello"), (1.9, 2.3, " there")]), seg(1, [(7.0, 7.4, " late")])], TURNS)
    # " there" has its midpoint 2.1 in no turn: nearest is A (ends 2.0) rather than B (2.4)
    assert [w.speaker for w in out[0].words] == ["A", "A"]
    assert out[1].words[0].speaker == "B"  # after every turn: the nearest one
    assert out[0].speaker == "A" and out[1].speaker == "B"


def test_segment_straddling_a_turn_change_is_split_with_sequential_ids():
    segments = [
        seg(0, [(0.2, 0.6, " What"), (0.7, 1.2, " is"), (1.3, 1.8, " it?"), (2.5, 3.0, " It"), (3.1, 3.6, " is")]),
        seg(1, [(5.0, 5.5, " fine.")]),
    ]
    out = assign(segments, TURNS)
    assert [s.id for s in out] == [0, 1, 2]
    assert [(s.speaker, s.text) for s in out] == [("A", "What is it?"), ("B", "It is"), ("B", " fine.")]
    assert out[0].start == 0.2 and out[0].end == 1.8 and out[1].start == 2.5
    assert all(w.speaker == s.speaker for s in out for w in s.words)


def test_back_channel_in_overlap_goes_to_the_listener():
    out = assign([seg(0, [(4.1, 4.4, " mm-hm"), (4.1, 4.4, " because")])], TURNS)
    assert [w.speaker for s in out for w in s.words] == ["A", "B"]


def test_segment_without_words_and_no_turns():
    empty = Segment(0, 2.5, 3.5, " (no words)", [])
    assert assign([empty], TURNS)[0].speaker == "B"
    out = assign([seg(0, [(0.0, 1.0, " hi")])], [])
    assert out[0].speaker is None and out[0].words[0].speaker is None


def test_rttm_round_trip():
    text = format_rttm(TURNS, "my interview")
    assert text.splitlines()[0] == "SPEAKER my_interview 1 0.000 2.000 <NA> <NA> A <NA> <NA>"
    back = parse_rttm(text)["my_interview"]
    assert [(t.start, t.end, t.speaker) for t in back] == [(0.0, 2.0, "A"), (2.4, 6.0, "B"), (4.0, 4.5, "A")]
