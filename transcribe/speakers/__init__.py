"""Who spoke when: speaker turns, a speaker on every word and segment, and who is who.

    transcript = attribute(transcript, audio_path, meta, plan, SpeakerOptions())

Two paths find the turns:
- channels (channels.py): each channel is one person (interview.json `channels`, or
  `--channels-are-speakers`); per-channel voice activity with crosstalk removed;
- diarization (diarize/): one channel, speakers told apart by voice.
An interview has two people unless the plan says otherwise (`[interview] people`);
`--speakers N` forces the count. With the user's voice profile (profile.py) the diarizer
recognises the user's voice; without one, naming.py decides who the interviewer is from the
questions. assign.py labels words and splits segments at speaker changes. Labels:
"interviewer" / "interviewee" for two speakers, "S1".."Sn" otherwise (a lone speaker is "S1"
unless their profile names them). facts.py adds the count expected, the profile used and
the margin of the shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from listenwell.plan import Plan
from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript, Turn
from listenwell.transcribe.audio import SAMPLE_RATE

from . import facts
from .assign import assign
from .band import is_narrowband
from .channels import channel_turns, not_separate
from .diarize.pipeline import Words
from .naming import find_interviewer, relabel_turns
from .profile import VoiceProfile, load_profile

__all__ = ["Found", "SpeakerOptions", "attribute", "attribute_audio", "find_speakers", "name_speakers", "speakers_off", "uses_channels"]

MIN_CHANNEL_SHARE = 0.03  # in an interview both sides talk; less than this is a missing side
_PROFILE_MATCH = 0.45  # a channel's voice (centroid) this close to the profile is the user's


@dataclass
class SpeakerOptions:
    enabled: bool = True  # False: --no-speakers
    num_speakers: int | None = None  # --speakers N: force the count (diarization only)
    channels_are_speakers: bool = False  # --channels-are-speakers
    # the id of the user's voice profile to use (`listenwell transcribe` fills it in from the
    # profile in listenwell's folder; None: no profile)
    enrollment: str | None = None
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
        return speakers_off(transcript)
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


def speakers_off(transcript: Transcript) -> Transcript:
    """The transcript without speakers (--no-speakers)."""
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
    profile: VoiceProfile | None = None,
) -> Transcript:
    """attribute() on decoded audio: shape (channels, n) or (n,), float32 or int16 PCM.
    profile: the user's voice; None: the user's own profile when options.enrollment names
    one (`listenwell transcribe` does), else none."""
    if not options.enabled:
        return speakers_off(transcript)
    words = [(w.start, w.end, w.word) for w in transcript.words]
    found = find_speakers(audio, sample_rate, meta, plan, options, lambda: words, progress, profile)
    return name_speakers(transcript, found, plan)


def find_speakers(
    audio: np.ndarray,
    sample_rate: int,
    meta: dict,
    plan: Plan | None,
    options: SpeakerOptions,
    words: Callable[[], Words],
    progress: Callable[[float], None] | None = None,
    profile: VoiceProfile | None = None,
) -> Found:
    """The turns of decoded audio, before any words are known: `words()` is called only at
    the end (the hand-overs move to pauses between words), so the transcribe stage runs this
    alongside speech recognition and lets `words()` wait for it."""
    if profile is None and options.enrollment:
        profile = load_profile()
    profile = profile if profile is not None and profile.usable else None
    audio = audio[None, :] if audio.ndim == 1 else audio
    people, people_from = facts.people(plan, options.num_speakers)
    found = _find_turns(words, audio, sample_rate, meta, options, people, progress, profile)
    found.people, found.people_from, found.profile = people, people_from, profile
    return found


def name_speakers(transcript: Transcript, found: Found, plan: Plan | None) -> Transcript:
    """The transcript with found turns: a speaker on every word and segment, and who is who."""
    turns, detail, profile = found.turns, found.detail, found.profile
    order = _by_first_appearance(turns)
    segments = assign(transcript.segments, turns)
    head = {"method": found.method, "people": found.people, "people_from": found.people_from}
    if not order:
        return replace(transcript, segments=segments, turns=[], speakers={
            **head, "count": 0, "interviewer_by": None, "interviewer": None,
            "profile": facts.profile_fact(profile, None, {}, {}),
            "detail": {**detail, "note": detail.get("note", "no speech found")}})

    recognised, sims = found.recognised, found.similarity
    if found.labels and set(found.labels) <= {INTERVIEWER, INTERVIEWEE}:  # the recorder said who is where
        interviewer, by, mapping = (INTERVIEWER if INTERVIEWER in order else None), "metadata", {k: k for k in order}
    else:
        if recognised is not None:
            interviewer, by = recognised, "enrollment"
        else:
            texts = {k: " ".join(s.text.strip() for s in segments if s.speaker == k) for k in order}
            interviewer, by, naming = find_interviewer(texts, order, plan)
            detail.update(naming)
        if sims:
            detail["enrollment_similarity"] = sims
        mapping = _names(order, interviewer)
    named = relabel_turns(turns, mapping)
    margin_pp, reasons = facts.margin(found.method, named, found.margin_pp, found.reasons, profile is not None,
                                      recognised is not None)
    return replace(
        transcript,
        segments=[replace(s, speaker=mapping.get(s.speaker, s.speaker),
                          words=[replace(w, speaker=mapping.get(w.speaker, w.speaker)) for w in s.words])
                  for s in segments],
        turns=named,
        speakers={
            **head,
            "count": len(order),
            "interviewer_by": by if interviewer else None,
            "interviewer": mapping.get(interviewer) if interviewer else None,
            "labels": [mapping[k] for k in order],
            "profile": facts.profile_fact(profile, recognised, sims, mapping),
            "margin_pp": margin_pp,
            "margin_reasons": reasons,
            "detail": detail,
        },
    )


@dataclass
class Found:
    """Turns, and how they were found."""

    method: str  # channels | diarization
    turns: list[Turn]
    detail: dict[str, Any]
    labels: list[str] | None = None  # the channels' names from interview.json
    recognised: str | None = None  # the label whose voice is the profile's
    similarity: dict[str, float] = field(default_factory=dict)  # per label, to the profile
    margin_pp: float | None = None
    reasons: list[str] = field(default_factory=list)
    people: int = 2  # the most speakers allowed, and where that came from
    people_from: str = "default"
    profile: VoiceProfile | None = None  # the user's voice, when it was used


def _find_turns(words: Callable[[], Words], audio: np.ndarray, sample_rate: int, meta: dict, options: SpeakerOptions,
                people: int, progress: Callable[[float], None] | None, profile: VoiceProfile | None) -> Found:
    """Turns by channel where each channel is one person, else by diarization."""
    detail: dict[str, Any] = {}
    meta_labels = _channel_labels(meta, audio.shape[0])
    wants_channels = options.channels_are_speakers or meta_labels is not None
    problem = not_separate(audio) if wants_channels else None
    if wants_channels and problem is None:
        labels = meta_labels or [f"S{i + 1}" for i in range(audio.shape[0])]
        turns = channel_turns(audio, sample_rate, labels)
        problem = _silent_channel(turns, labels)
        if problem is None:
            if progress:
                progress(1.0)
            if options.num_speakers:
                detail["note"] = "--speakers is ignored: each channel is one speaker"
            found = Found("channels", turns, detail, meta_labels)
            if profile is not None and not (meta_labels and set(meta_labels) <= {INTERVIEWER, INTERVIEWEE}):
                found.recognised, found.similarity = facts.by_profile(
                    profile, _channel_voices(audio, sample_rate, turns, labels), _PROFILE_MATCH)
            return found
    if wants_channels:
        detail["note"] = f"{problem}, so the channels are not one speaker each: diarized as one channel"
    from listenwell.transcribe.speakers.diarize import diarize

    mono = audio[0] if audio.shape[0] == 1 else _mix(audio)  # a view, not a copy, when mono
    detail["telephone_band"] = is_narrowband(mono, sample_rate)
    result = diarize(mono, sample_rate, num_speakers=options.num_speakers, progress=progress, words=words,
                     max_speakers=people, narrowband=detail["telephone_band"],
                     profile=profile.for_recording(detail["telephone_band"]) if profile is not None else None)
    reasons = list(result.reasons)
    if detail["telephone_band"] and (profile is None or not profile.has_phone_band):
        reasons.append(facts.PHONE_WITHOUT_PROFILE_REASON if profile is None else facts.NO_PHONE_BAND_REASON)
    return Found("diarization", list(result.turns), detail, None, result.user, result.profile_similarity,
                  result.margin_pp, reasons)


def _mix(audio: np.ndarray) -> np.ndarray:
    """The channels averaged, in the input's own dtype, a minute at a time (no float64
    copy of a whole long recording)."""
    out = np.empty(audio.shape[1], audio.dtype)
    step = 60 * SAMPLE_RATE
    for i in range(0, audio.shape[1], step):
        out[i : i + step] = audio[:, i : i + step].mean(axis=0)
    return out


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


def _channel_voices(audio: np.ndarray, sample_rate: int, turns: list[Turn],
                    labels: list[str]) -> dict[str, tuple[np.ndarray, bool]]:
    """One voice embedding per channel (labels[i] is channel i) from that channel's own
    speech, and whether that speech is narrowband (a phone line), for naming by
    enrollment when the metadata does not say who is where."""
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
            out[label] = embed(clip, sample_rate), is_narrowband(clip, sample_rate)
    return out
