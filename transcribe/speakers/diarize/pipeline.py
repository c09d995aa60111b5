"""Single-channel diarization: who speaks when, from one mixed recording.

1. pyannote segmentation-3.0 on 10 s windows every `step_s` seconds: per window, up to
   LOCAL_SPEAKERS local speakers and when each talks, overlap included (segmentation.py).
2. Each local speaker's speech, in the part of its window nearest the window's centre, is cut
   into pieces, each with the fbank frames its CAM++ embedding rests on (pieces.py). (The
   transcript's word times were tried as further cut points and made talk shares worse: ASR
   word times are too loose.)
3. The pieces' embeddings are clustered into the speakers 0..n-1 (voices.py, clustering.py).
4. Where the model heard two voices as one local speaker and an overlapping window heard the
   change, the pieces that straddle it are cut there and each part takes the nearest speaker
   (changes.py; `split_changes`).
5. Every window covering a frame has its say in who talks in it (aggregate.py).
6. Hand-overs the embeddings placed move to the breath between the voices, or to a pause
   between the transcript's words (handovers.py; `snap_s`, `snap_words`).
7. Runs of each speaker's frames become turns, the speakers named S1..Sn in order of first
   appearance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from listenwell.records import Turn
from listenwell.transcribe.audio import SAMPLE_RATE, resample, to_float32

from . import segmentation as seg
from .aggregate import frame_activity, speech_curve
from .certainty import TELEPHONE, WIDEBAND, Curve, certainty
from .changes import heard_changes, split_at_changes
from .channel import phone_channel
from .clustering import Grouping, Params
from .embedding import Fbank, compensate
from .handovers import snap_handovers, word_breaks
from .models import EMBEDDING, one_blas_thread
from .pieces import make_pieces, owned_ranges
from .voices import find_voices

MIN_PEAK = 1e-4  # quieter than this throughout: nobody talks
_BLOCK = 60 * SAMPLE_RATE  # samples looked at a time on long recordings

Progress = Callable[[float], None]
Words = Sequence[tuple[float, float, str]]  # (start, end, text) of each word, in seconds


@dataclass
class Options:
    step_s: float = 5.0  # segmentation window hop (windows are 10 s)
    speech_threshold: float = 0.4  # probability that someone talks (0.5 lost quiet speech)
    piece_s: float = 2.0  # a run of speech is embedded in pieces at most this long
    embed_s: float = 2.0  # at most this much speech per embedding
    min_embed_s: float = 0.3  # less than this: no embedding, the local speaker is dropped
    strong_s: float = 1.0  # embeddings on at least this much speech shape the clusters
    pause_s: float = 0.25  # a local speaker's speech is split into runs at pauses this long
    min_turn_s: float = 0.05
    bridge_s: float = 0.05  # gaps this short inside one speaker's speech are closed
    cluster: Params = field(default_factory=Params)
    embedding_model: str = EMBEDDING  # file in transcribe/speakers/models (int8 CAM++)
    # a piece whose embedding drew on both sides of a change of voice that an overlapping
    # window hears (where this window heard one voice going on) is labelled again, each side
    # of the change from its own speech
    split_changes: bool = True
    # a hand-over from one speaker to another that the embeddings placed (piece or window
    # edges, not a change the segmentation model heard) moves to the deepest dip in speech
    # probability within snap_s of it, where there is one: people hand over at a breath
    snap_s: float = 1.0
    snap_heard_s: float = 0.15  # a hand-over a window heard moves no farther than this
    snap_depth: float = 0.05  # the dip is at least this far below the speech on both sides
    # where such a hand-over has no breath to go to, it moves to the longest pause between
    # words of the transcript (if given) within snap_s that follows a sentence end or lasts
    # at least word_gap_s: people hand over between sentences, not inside a word
    snap_words: bool = True
    word_gap_s: float = 0.2
    # over a telephone line the embeddings lose the line's shared direction first
    # (channel.py); False: compared as they come
    phone_channel: bool = True
    channel: np.ndarray | None = None  # set by diarize_16k: what compensate() takes out


@dataclass
class Diarization:
    """Who spoke when. Labels S1..Sn in order of first appearance; turns are speech only and
    may overlap in time (two people talking at once)."""

    turns: list[Turn]
    centroids: dict[str, np.ndarray]
    user: str | None = None  # the speaker whose voice is the profile's (None: not heard, or no profile)
    profile_similarity: dict[str, float] = field(default_factory=dict)  # mean cosine to the profile
    margin_pp: float | None = None  # how far any speaker's share may be off (about 90 % of the time)
    reasons: list[str] = field(default_factory=list)  # why the margin is wide


def to_16k(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono 16 kHz audio, channels mixed down, NaN/inf from a damaged file zeroed. 16 kHz
    mono int16 PCM (what the transcribe stage decodes) is kept as it is: half the memory."""
    audio = np.asarray(audio)
    if audio.ndim == 2:  # (channels, n) or (n, channels): mix down
        audio = audio.mean(axis=0 if audio.shape[0] < audio.shape[1] else 1, dtype=np.float32)
    if audio.dtype == np.int16 and sample_rate == SAMPLE_RATE:
        return audio
    audio = to_float32(audio)
    if not all(np.isfinite(audio[i : i + _BLOCK]).all() for i in range(0, len(audio), _BLOCK)):
        audio = np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)
    return resample(audio, sample_rate, SAMPLE_RATE)


@one_blas_thread
def diarize_16k(
    audio: np.ndarray,
    num_speakers: int | None = None,
    progress: Progress | None = None,
    options: Options | None = None,
    words: Words | Callable[[], Words] | None = None,
    max_speakers: int | None = None,
    profile: np.ndarray | None = None,
    narrowband: bool | None = None,
) -> Diarization:
    """Who spoke when in 16 kHz mono audio (float32 or int16 PCM); see diarize()."""
    o = options or Options()
    empty = Diarization([], {})
    if len(audio) < SAMPLE_RATE // 4 or _peak(audio) < MIN_PEAK:
        return empty
    if narrowband is None:
        from listenwell.transcribe.speakers.band import is_narrowband

        narrowband = is_narrowband(audio)
    if narrowband and o.phone_channel:  # every embedding, and the profile, without the line
        o = replace(o, channel=phone_channel(), cluster=o.cluster.over_phone())
        profile = None if profile is None else compensate(profile, o.channel)
    windows = seg.segment(audio, o.step_s, o.speech_threshold, progress=_part(progress, 0.0, 0.5))
    feats = Fbank(audio)  # computed as the embeddings ask for it
    n_frames = seg.frame_count(len(audio))
    pieces = make_pieces(windows, owned_ranges(windows, n_frames), len(feats), o)
    _report(progress, 0.6)
    if not any(p.seconds for p in pieces):
        return empty
    voices = find_voices(pieces, feats, num_speakers, o, progress=_part(progress, 0.6, 0.9),
                         max_speakers=max_speakers, profile=profile)
    _report(progress, 0.9)
    heard = heard_changes(windows)  # per window: changes of voice the segmentation model heard
    labels, embedded_talk = voices.labels, np.array([p.talk_s for p, e in zip(pieces, voices.embedded, strict=True) if e])
    if o.split_changes and voices.count > 1:
        pieces, labels = split_at_changes(windows, heard, pieces, voices, feats, o)
    activity = frame_activity(windows, pieces, labels, voices.count, n_frames)
    if o.snap_s > 0:
        if callable(words):  # the words may still be on their way (recognition runs alongside)
            words = words()
        breaks = word_breaks(words or [], o.word_gap_s) if o.snap_words else None
        snap_handovers(activity, speech_curve(windows, n_frames), np.unique(np.concatenate(heard)), o, breaks)
    result, names = _named(_turns(activity, o.bridge_s, o.min_turn_s), voices.centroids)
    _evidence(result, voices.grouping, embedded_talk, names, TELEPHONE if o.channel is not None else WIDEBAND)
    _report(progress, 1.0)
    return result


def _evidence(d: Diarization, g: Grouping, talk: np.ndarray, names: dict[int, str], curve: Curve) -> None:
    """What the result rests on: the speaker the profile recognised, each speaker's
    similarity to the profile, the margin of the shares and why it is wide."""
    d.user = names.get(g.user) if g.user is not None else None
    d.profile_similarity = {names[s]: round(v, 3) for s, v in enumerate(g.profile_similarity) if s in names}
    sure = certainty(g.scores, g.labels, talk, g.relation, g.unsure_s, curve)
    d.margin_pp, d.reasons = sure.margin_pp, sure.reasons


def _peak(audio: np.ndarray) -> float:
    """The largest absolute sample on the float scale, a minute at a time (no whole copy)."""
    return max((float(np.abs(to_float32(audio[i : i + _BLOCK])).max()) for i in range(0, len(audio), _BLOCK)),
               default=0.0)


def _part(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    """A progress callback for a step that takes the fractions lo..hi of the whole."""
    return (lambda f: progress(lo + (hi - lo) * f)) if progress else None


def _report(progress: Progress | None, fraction: float) -> None:
    if progress:
        progress(fraction)


def _turns(activity: np.ndarray, bridge_s: float, min_turn_s: float) -> list[tuple[float, float, int]]:
    """(start, end, speaker index) of each speaker's runs of active frames, gaps of at most
    bridge_s closed, runs shorter than min_turn_s dropped; seconds to the millisecond."""
    turns: list[tuple[float, float, int]] = []
    half = seg.FRAME_STEP / 2
    for s, row in enumerate(activity):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        runs: list[list[float]] = []
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            start = (seg.FRAME_CENTRE + seg.FRAME_STEP * a - half) / SAMPLE_RATE
            end = (seg.FRAME_CENTRE + seg.FRAME_STEP * (b - 1) + half) / SAMPLE_RATE
            if runs and start - runs[-1][1] <= bridge_s:
                runs[-1][1] = end
            else:
                runs.append([start, end])
        turns += [(round(float(a), 3), round(float(b), 3), s) for a, b in runs if b - a >= min_turn_s]
    return turns


def _named(turns: list[tuple[float, float, int]], centroids: np.ndarray) -> tuple[Diarization, dict[int, str]]:
    """Speakers named S1..Sn in order of first appearance; turns in time order; and the
    name of each speaker index that has turns."""
    first: dict[int, float] = {}
    for start, _, s in turns:
        first[s] = min(first.get(s, start), start)
    order = sorted(first, key=lambda s: (first[s], s))
    names = {s: f"S{i + 1}" for i, s in enumerate(order)}
    named = sorted((Turn(a, b, names[s]) for a, b, s in turns), key=lambda t: (t.start, t.speaker))
    return Diarization(named, {names[s]: centroids[s] for s in order}), names
