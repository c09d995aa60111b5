"""Who talked how much: talk time, shares, monologues, interruptions, patience, pace,
interactivity (how often the speaker changes) and active listening (the interviewer's short
acknowledgements while the interviewee talks, which are not interruptions).

Everything is computed from speaker turns with the talk-time definition of
listenwell/intervals.py (pauses under 0.5 s bridged, overlap counted for both), never from
word counts or wall time. Pure functions over lists of turns.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from listenwell import intervals as iv
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript, Turn

MONOLOGUE_GAP_S = 2.0  # a speaker's pause shorter than this, with nobody else talking, continues the stretch
INTERRUPT_OVERLAP_S = 0.3  # the interviewee must go on this long after the interviewer starts
PATIENCE_MAX_S = 10.0  # longer silences are breaks, not a measure of patience
ACK_MAX_S = 1.5  # an acknowledgement is this short ...
ACK_MAX_WORDS = 3  # ... and this few words, all of them acknowledging ones
ACK_AROUND_S = 2.0  # ... with the interviewee talking this close before and after it
ACK_WORDS = frozenset(["mm", "mhm", "mm-hm", "mmhm", "hm", "hmm", "uh-huh", "uhhuh", "huh", "yeah", "yes", "yep",
                       "yup", "right", "okay", "ok", "sure", "wow", "oh", "ah", "aha", "exactly", "true", "great",
                       "nice", "cool", "interesting", "really", "totally", "absolutely"])
ACK_PHRASES = frozenset(["i see", "got it", "makes sense", "that makes sense", "of course", "that's right"])


@dataclass
class Stretch:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class TalkStats:
    talk: dict[str, float]  # talk seconds per speaker label
    interviewer_s: float
    interviewee_s: float
    other_s: float
    interviewee_share: float | None  # None when the two sides are not both named
    longest: dict[str, Stretch | None]  # per side: the longest stretch without the other speaking
    interruptions: list[float] = field(default_factory=list)  # times the interviewer cut in
    pauses: list[float] = field(default_factory=list)  # interviewee stops -> interviewer starts
    interviewer_wpm: float | None = None
    interviewee_wpm: float | None = None
    acknowledgements: list[float] = field(default_factory=list)  # when the interviewer said "mm-hm", "right"...
    switches_per_min: float | None = None  # interactivity: changes of speaker per minute of conversation

    @property
    def patience_median_s(self) -> float | None:
        return statistics.median(self.pauses) if self.pauses else None


def by_speaker(turns: list[Turn]) -> dict[str, list[iv.Interval]]:
    out: dict[str, list[iv.Interval]] = defaultdict(list)
    for t in turns:
        out[t.speaker].append((t.start, t.end))
    return dict(out)


def talk_in(turns: list[Turn], start: float, end: float) -> dict[str, float]:
    """Talk seconds per speaker inside [start, end] (turns farther away than a bridged
    pause cannot change it: they are left out first, so a long interview stays fast)."""
    near = [t for t in turns if t.end > start - iv.PAUSE_BRIDGE_S and t.start < end + iv.PAUSE_BRIDGE_S]
    out = {spk: iv.total(iv.crop(iv.talk_intervals(x), start, end)) for spk, x in by_speaker(near).items()}
    return {**{t.speaker: 0.0 for t in turns}, **out}


def longest_stretch(own: list[iv.Interval], others: list[iv.Interval]) -> Stretch | None:
    """The longest stretch of one speaker's talk that nobody else speaks into."""
    talk = iv.talk_intervals(own)
    others = iv.merge(others)
    stretches: list[list[float]] = []
    for s, e in talk:
        if stretches and s - stretches[-1][1] < MONOLOGUE_GAP_S and not iv.crop(others, stretches[-1][1], s):
            stretches[-1][1] = e
        else:
            stretches.append([s, e])
    # a stretch ends where someone else speaks into it (stretches are apart by more than a
    # bridged pause, so one subtraction of the whole list keeps them apart)
    pieces = [Stretch(a, b) for a, b in iv.subtract([(s, e) for s, e in stretches], others)]
    return max(pieces, key=lambda x: x.duration, default=None)


def interruptions(turns: list[Turn], acknowledgements: list[float] = ()) -> list[float]:
    """Times at which the interviewer started talking while the interviewee was talking
    (an acknowledgement, "mm-hm" while they talk, is listening, not interrupting)."""
    spk = by_speaker(turns)
    ee = iv.talk_intervals(spk.get(INTERVIEWEE, []))
    out = []
    for s, _ in iv.talk_intervals(spk.get(INTERVIEWER, [])):
        if any(abs(s - a) < 0.3 for a in acknowledgements):
            continue
        if any(a < s and b > s + INTERRUPT_OVERLAP_S for a, b in ee):
            out.append(s)
    return out


def is_acknowledgement(text: str) -> bool:
    """A few words that only acknowledge ("mm-hm", "right", "I see"), nothing said or asked."""
    import re

    words = re.findall(r"[a-z]+(?:['-][a-z]+)?", text.lower())
    joined = " ".join(words)
    return 0 < len(words) <= ACK_MAX_WORDS and (all(w in ACK_WORDS for w in words) or joined in ACK_PHRASES)


def acknowledgements(transcript: Transcript) -> list[float]:
    """Starts of the interviewer's short acknowledgements ("mm-hm", "right", "I see") said
    while the interviewee is talking: active listening. From the interviewer's talk
    stretches, their words, and the interviewee's talk around them."""
    spk = by_speaker(transcript.turns)
    ee = iv.talk_intervals(spk.get(INTERVIEWEE, []))
    words = [(w.start, w.end, w.word) for w in transcript.words if (w.speaker or "") == INTERVIEWER]
    out = []
    for s, e in iv.talk_intervals(spk.get(INTERVIEWER, [])):
        if e - s > ACK_MAX_S or not iv.crop(ee, s - ACK_AROUND_S, s) or not iv.crop(ee, e, e + ACK_AROUND_S):
            continue
        said = " ".join(w for a, b, w in words if b > s - 0.1 and a < e + 0.1)
        if is_acknowledgement(said):
            out.append(s)
    return out


def switches_per_minute(turns: list[Turn]) -> float | None:
    """Interactivity: how often the speaker changes, per minute from the first speech to the
    last (each speaker's talk with pauses under 0.5 s bridged)."""
    runs = sorted((s, e, k) for k, x in by_speaker(turns).items() for s, e in iv.talk_intervals(x))
    if not runs:
        return None
    seconds = max(e for _, e, _ in runs) - runs[0][0]
    switches = sum(1 for a, b in zip(runs, runs[1:], strict=False) if a[2] != b[2])
    return round(60 * switches / seconds, 1) if seconds >= 1.0 else None


def pauses_before_interviewer(turns: list[Turn]) -> list[float]:
    """For each time the interviewee stops and the interviewer speaks next: the silence between."""
    spk = by_speaker(turns)
    ee = iv.talk_intervals(spk.get(INTERVIEWEE, []))
    er = iv.talk_intervals(spk.get(INTERVIEWER, []))
    events = sorted([(s, e, INTERVIEWEE) for s, e in ee] + [(s, e, INTERVIEWER) for s, e in er])
    out = []
    for prev, nxt in zip(events, events[1:], strict=False):
        if prev[2] == INTERVIEWEE and nxt[2] == INTERVIEWER:
            gap = nxt[0] - prev[1]
            if 0 <= gap <= PATIENCE_MAX_S:
                out.append(gap)
    return out


def words_per_minute(transcript: Transcript, speaker: str, talk_s: float) -> float | None:
    """Words per minute of talk; None under a second of talk, where a rate says nothing."""
    n = 0
    for seg in transcript.segments:
        if seg.words:
            n += sum(1 for w in seg.words if (w.speaker or seg.speaker) == speaker and w.word.strip())
        elif seg.speaker == speaker:
            n += len(seg.text.split())
    return round(60 * n / talk_s, 1) if talk_s >= 1.0 and n else None


def talk_stats(transcript: Transcript) -> TalkStats:
    turns = transcript.turns
    spk = by_speaker(turns)
    talk = iv.talk_time(spk)
    er, ee = talk.get(INTERVIEWER, 0.0), talk.get(INTERVIEWEE, 0.0)
    other = sum(v for k, v in talk.items() if k not in (INTERVIEWER, INTERVIEWEE))
    named = INTERVIEWER in talk or INTERVIEWEE in talk
    share = ee / (er + ee + other) if named and (er + ee + other) > 0 else None
    acks = acknowledgements(transcript)
    longest = {}
    for side in (INTERVIEWER, INTERVIEWEE):
        others = [x for k, v in spk.items() if k != side for x in v]
        longest[side] = longest_stretch(spk.get(side, []), others) if side in spk else None
    return TalkStats(
        talk=talk,
        interviewer_s=er,
        interviewee_s=ee,
        other_s=other,
        interviewee_share=share,
        longest=longest,
        interruptions=interruptions(turns, acks),
        pauses=pauses_before_interviewer(turns),
        interviewer_wpm=words_per_minute(transcript, INTERVIEWER, er),
        interviewee_wpm=words_per_minute(transcript, INTERVIEWEE, ee),
        acknowledgements=acks,
        switches_per_min=switches_per_minute(turns),
    )
