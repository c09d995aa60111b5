"""transcribe.exports: SRT, WebVTT and text, with and without speakers."""

from __future__ import annotations

from listenwell.records import AudioInfo, Segment, Transcript, Word
from listenwell.transcribe.exports import to_rttm, to_srt, to_txt, to_vtt


def transcript(with_speakers: bool) -> Transcript:
    iv, ie = ("interviewer", "interviewee") if with_speakers else (None, None)
    segs = [
        Segment(0, 0.5, 2.25, "What does a typical day look like?",
                [Word(0.5, 0.8, " What", 0.9, iv), Word(0.8, 2.25, " does a typical day look like?", 0.9, iv)],
                speaker=iv),
        # one Whisper segment across a change of speaker: only the words know who spoke
        Segment(1, 3.0, 3661.5, "Mostly pipelines. Right.",
                [Word(3.0, 3.6, " Mostly", 0.9, ie), Word(3.6, 4.0, " pipelines.", 0.9, ie),
                 Word(3661.0, 3661.5, " Right.", 0.8, iv)]),
    ]
    t = Transcript(AudioInfo("audio.flac", "0" * 64, 3700.0, 16000, 1), "tiny.en", {}, "en", segs)
    if with_speakers:
        from listenwell.records import Turn

        t.turns = [Turn(0.5, 2.25, iv), Turn(3.0, 4.0, ie), Turn(3661.0, 3661.5, iv)]
    return t


def test_srt_and_vtt_without_speakers():
    t = transcript(False)
    srt = to_srt(t)
    assert srt.startswith("1\n00:00:00,500 --> 00:00:02,250\nWhat does a typical day look like?\n")
    assert "2\n00:00:03,000 --> 01:01:01,500\nMostly pipelines. Right.\n" in srt
    vtt = to_vtt(t)
    assert vtt.startswith("WEBVTT\n\n00:00:00.500 --> 00:00:02.250\nWhat does")
    assert "<v" not in vtt
    assert to_txt(t) == "What does a typical day look like?\nMostly pipelines. Right.\n"


def test_speakers_are_shown_and_segments_split_at_speaker_changes():
    t = transcript(True)
    srt = to_srt(t)
    assert "[interviewer] What does a typical day look like?" in srt
    assert "00:00:03,000 --> 00:00:04,000\n[interviewee] Mostly pipelines." in srt
    assert "01:01:01,000 --> 01:01:01,500\n[interviewer] Right." in srt
    vtt = to_vtt(t)
    assert "<v interviewer>What does a typical day look like?" in vtt
    assert "<v interviewee>Mostly pipelines." in vtt
    assert to_txt(t).splitlines() == [
        "[interviewer] What does a typical day look like?", "",
        "[interviewee] Mostly pipelines.", "",
        "[interviewer] Right.",
    ]
    assert to_rttm(t, "audio").splitlines()[1] == (
        "SPEAKER audio 1 3.000 1.000 <NA> <NA> interviewee <NA> <NA>"
    )


def test_vtt_escapes_markup():
    t = transcript(False)
    t.segments[0].text = "a <b> & c"
    assert "a &lt;b&gt; &amp; c" in to_vtt(t)
