"""Who spoke when: speaker turns, a speaker on every word and segment, and who is who.

    transcript = attribute(transcript, audio_path, meta, plan, SpeakerOptions())

Two paths find the turns:
- channels (channels.py): each channel is one person (interview.json `channels`, or
  `--channels-are-speakers`); per-channel voice activity with crosstalk removed;
- diarization (diarize/): one channel, speakers told apart by voice.
Then naming.py decides who the interviewer is, and assign.py labels words and splits
segments at speaker changes. Labels: "interviewer" / "interviewee" for two speakers,
"S1".."Sn" otherwise (a lone speaker is "S1" unless their enrolled voice names them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from listenwell.plan import Plan
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript, Turn
from listenwell.transcribe.audio import SAMPLE_RATE

from .assign import assign
from .channels import channel_turns, not_separate
from .naming import find_interviewer, load_enrollment, relabel_turns

__all__ = ["SpeakerOptions", "attribute", "attribute_audio"]

MIN_CHANNEL_SHARE = 0.03  # in an interview both sides talk; less than this is a missing side


@dataclass
class SpeakerOptions:
    enabled: bool = True  # False: --no-speakers
    num_speakers: int | None = None  # --speakers N: force the count (diarization only)
    channels_are_speakers: bool = False  # --channels-are-speakers
    enrollment: str | None = None  # the enrolled voice file (default: naming.enrollment_path())
    # Plain values only: the pipeline stores these options in transcript.settings (JSON).


def attribute(
    transcript: Transcript,
    audio_path: Path,
    meta: dict,
    plan: Plan | None,
    options: SpeakerOptions,
    progress: Callable[[float], None] | None = None,
) -> Transcript:
    """The transcript with turns, a speaker on every word and segment, and `speakers`.
    progress(fraction) is called as the work goes on (0..1)."""
    if not options.enabled:
        return _turned_off(transcript)
    from listenwell.transcribe.audio import decode, decode_channels, open_audio

    # 16-bit PCM halves the memory (a 2-hour recording: 230 MB per channel); the channels
    # are decoded apart only where they may be one speaker each, else mixed while decoding
    channels = open_audio(audio_path, SAMPLE_RATE).channels
    if uses_channels(meta, channels, options):
        audio = decode_channels(audio_path, SAMPLE_RATE, dtype=np.int16)
    else:
        audio = decode(audio_path, SAMPLE_RATE, dtype=np.int16)
    return attribute_audio(transcript, audio, SAMPLE_RATE, meta, plan, options, progress)


def uses_channels(meta: dict, channels: int, options: SpeakerOptions) -> bool:
    """Whether the channels may be one speaker each (then they are decoded apart)."""
    return options.enabled and (options.channels_are_speakers or _channel_labels(meta, channels) is not None)


def _silent_channel(turns: list[Turn], labels: list[str]) -> str | None:
    """A channel with (almost) no speech of its own while the other has plenty: the call
    was not captured on it (both people are on the other channel, or nobody is)."""
    talk = {k: sum(t.duration for t in turns if t.speaker == k) for k in labels}
    whole = sum(talk.values())
    quiet = [k for k, v in talk.items() if v < MIN_CHANNEL_SHARE * whole]
    return f"channel '{quiet[0]}' has almost no speech" if whole > 0 and quiet else None


def _turned_off(transcript: Transcript) -> Transcript:
    return replace(transcript, turns=[], speakers={"method": "none", "count": 0, "detail": "turned off (--no-speakers)"})


def _channel_labels(meta: dict, channels: int) -> list[str] | None:
    """Labels from interview.json `channels`, when it names every channel distinctly."""
    names = meta.get("channels")
    ok = isinstance(names, list) and len(names) == channels and all(isinstance(n, str) and n for n in names)
    return list(names) if ok and len(set(names)) == channels else None


def attribute_audio(
    transcript: Transcript,
    audio: np.ndarray,
    sample_rate: int,
    meta: dict,
    plan: Plan | None,
    options: SpeakerOptions,
    progress: Callable[[float], None] | None = None,
) -> Transcript:
    """attribute() on decoded audio: shape (channels, n) or (n,), float32 or int16 PCM."""
    if not options.enabled:
        return _turned_off(transcript)
    audio = audio[None, :] if audio.ndim == 1 else audio
    detail: dict[str, Any] = {}
    meta_labels = _channel_labels(meta, audio.shape[0])
    wants_channels = options.channels_are_speakers or meta_labels is not None
    centroids: dict[str, np.ndarray] = {}
    problem = not_separate(audio) if wants_channels else None
    if wants_channels and problem is None:
        labels = meta_labels or [f"S{i + 1}" for i in range(audio.shape[0])]
        turns = channel_turns(audio, sample_rate, labels)
        problem = _silent_channel(turns, labels)
    if wants_channels and problem is None:
        method = "channels"
        if progress:
            progress(1.0)
        if options.num_speakers:
            detail["note"] = "--speakers is ignored: each channel is one speaker"
    else:
        if wants_channels:
            detail["note"] = f"{problem}, so the channels are not one speaker each: diarized as one channel"
        method = "diarization"
        from listenwell.transcribe.speakers.diarize import diarize

        mono = audio[0] if audio.shape[0] == 1 else _mix(audio)  # a view, not a copy, when mono
        words = [(w.start, w.end, w.word) for w in transcript.words]
        result = diarize(mono, sample_rate, num_speakers=options.num_speakers, progress=progress, words=words)
        turns, centroids = list(result.turns), dict(result.centroids)
        meta_labels = None  # channel names mean nothing for voices found by diarization

    order = _by_first_appearance(turns)
    segments = assign(transcript.segments, turns)
    if not order:
        return replace(transcript, segments=segments, turns=[], speakers={
            "method": method, "count": 0, "interviewer_by": None, "interviewer": None,
            "detail": {**detail, "note": detail.get("note", "no speech found")}})

    if meta_labels and set(meta_labels) <= {INTERVIEWER, INTERVIEWEE}:  # the recorder said who is where
        interviewer = INTERVIEWER if INTERVIEWER in order else None
        by = "metadata"
        mapping = {k: k for k in order}
    else:
        if method == "channels" and not centroids and load_enrollment(_enrolled_path(options)) is not None:
            centroids = _channel_centroids(audio, sample_rate, turns, labels)
        texts = {k: " ".join(s.text.strip() for s in segments if s.speaker == k) for k in order}
        interviewer, by, naming = find_interviewer(
            texts, order, centroids, load_enrollment(_enrolled_path(options)), plan)
        detail.update(naming)
        mapping = _names(order, interviewer)
    named = relabel_turns(turns, mapping)
    return replace(
        transcript,
        segments=[replace(s, speaker=mapping.get(s.speaker, s.speaker),
                          words=[replace(w, speaker=mapping.get(w.speaker, w.speaker)) for w in s.words])
                  for s in segments],
        turns=named,
        speakers={
            "method": method,
            "count": len(order),
            "interviewer_by": by if interviewer else None,
            "interviewer": mapping.get(interviewer) if interviewer else None,
            "labels": [mapping[k] for k in order],
            "detail": detail,
        },
    )


def _mix(audio: np.ndarray) -> np.ndarray:
    """The channels averaged, in the input's own dtype, a minute at a time (no float64
    copy of a whole long recording)."""
    out = np.empty(audio.shape[1], audio.dtype)
    step = 60 * SAMPLE_RATE
    for i in range(0, audio.shape[1], step):
        out[i : i + step] = audio[:, i : i + step].mean(axis=0)
    return out


def _enrolled_path(options: SpeakerOptions) -> Path | None:
    return Path(options.enrollment) if options.enrollment else None


def _by_first_appearance(turns: list[Turn]) -> list[str]:
    order: list[str] = []
    for t in sorted(turns, key=lambda t: t.start):
        if t.speaker not in order:
            order.append(t.speaker)
    return order


def _names(order: list[str], interviewer: str | None) -> dict[str, str]:
    """Raw labels -> transcript labels: interviewer/interviewee for two, S1..Sn otherwise."""
    if len(order) == 2 and interviewer in order:
        other = next(k for k in order if k != interviewer)
        return {interviewer: INTERVIEWER, other: INTERVIEWEE}
    if len(order) == 1 and interviewer:
        return {interviewer: INTERVIEWER}
    return {k: f"S{i + 1}" for i, k in enumerate(order)}


def _channel_centroids(audio: np.ndarray, sample_rate: int, turns: list[Turn],
                       labels: list[str]) -> dict[str, np.ndarray]:
    """One voice embedding per channel (labels[i] is channel i) from that channel's own
    speech, for naming by enrollment when the metadata does not say who is where."""
    from listenwell.transcribe.audio import to_float32

    try:
        from listenwell.transcribe.speakers.diarize import embed
    except ImportError:
        return {}
    out = {}
    for ch, label in enumerate(labels):
        pieces = [audio[ch, int(t.start * sample_rate) : int(t.end * sample_rate)] for t in turns if t.speaker == label]
        clip = to_float32(np.concatenate(pieces)) if pieces else np.zeros(0, np.float32)
        if len(clip) >= sample_rate:
            out[label] = embed(clip, sample_rate)
    return out
