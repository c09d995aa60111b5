"""Path 1: one person per channel (a call recorded as microphone + system audio).

Each channel gets its own voice activity, but a channel also hears the other side: the
remote voice leaks from the loudspeakers into the microphone, and a sidetone may carry the
local voice into the call. A leak is the *same* sound, quieter and a little later. So,
frame by frame (10 ms, smoothed over 50 ms), a channel owns a frame only when it is
active above its own noise floor, louder than the other channel's leak into it would make
it (leak level and delay are measured from the recording itself), and Silero VAD hears
speech there (music, tones and typing are not talk). Both own a frame only when both are
clearly active on their own: real overlap, not crosstalk.

A "stereo" file whose channels carry the same signal is not two speakers:
`not_separate()` says so, and the caller falls back to single-channel diarization.
"""

from __future__ import annotations

import numpy as np

from listenwell.records import Turn
from listenwell.transcribe.audio import to_float32

from .diarize.models import one_blas_thread

HOP_S = 0.01
SMOOTH_FRAMES = 5  # 50 ms: steadier levels, and tolerant of a leak's small delay
LEAK_MARGIN_DB = 10.0  # how far above its leak level a channel must be to count as its own
MIN_ACTIVE_DB = 8.0  # a channel is active at least this far above its noise floor...
ACTIVE_FRACTION = 0.15  # ...and at least this fraction of the way from floor to speech level
ABSOLUTE_FLOOR_DB = -70.0  # dBFS; below this nothing is speech (digital silence, dither)
FILL_GAP_S = 0.15  # gaps inside one channel's speech shorter than this are closed
PAD_END_S = 0.1  # hangover: word ends fade below the level threshold before they stop
MIN_SPEECH_S = 0.08  # shorter blips (clicks, a cough's edge) are dropped
SAME_SIGNAL_CORR = 0.95
LAG_MAX_FRAMES = 50  # leaks are looked for up to 0.5 s late (0.25 s early: clock skew)
VAD_THRESHOLD = 0.5  # Silero speech probability: loud music, tones and noise stay below
VAD_PAD_S = 0.1  # speech-probability windows widened by this, to keep word edges
VAD_RATE = 16000


def not_separate(audio: np.ndarray) -> str | None:
    """Why the channels cannot be one speaker each, or None when they can: a mono
    recording saved as stereo or a mix duplicated to both sides (correlation of each
    channel with the first >= SAME_SIGNAL_CORR), or a silent side. Summed block by
    block: an hour of audio is large."""
    if audio.ndim != 2 or audio.shape[0] < 2:
        return "the recording has one channel"
    block = 1 << 20
    for c in range(1, audio.shape[0]):
        ab = aa = bb = 0.0
        for i in range(0, audio.shape[1], block):
            a = audio[0, i : i + block].astype(np.float64)
            b = audio[c, i : i + block].astype(np.float64)
            ab, aa, bb = ab + float(a @ b), aa + float(a @ a), bb + float(b @ b)
        if aa == 0 or bb == 0:
            return "a channel is silent"
        if abs(ab) / np.sqrt(aa * bb) >= SAME_SIGNAL_CORR:
            return "the channels carry the same sound"
    return None


def same_signal(audio: np.ndarray) -> bool:
    """Whether the channels are not one speaker each (see not_separate)."""
    return not_separate(audio) is not None


def frame_levels(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Level in dBFS per channel per 10 ms frame, smoothed: shape (channels, frames).
    audio: float32 or int16 PCM (channels, n)."""
    hop = max(1, int(round(sample_rate * HOP_S)))
    n = audio.shape[1] // hop
    if n == 0:
        return np.zeros((audio.shape[0], 0), np.float32)
    power = np.empty((audio.shape[0], n), np.float32)
    step = 6000  # frames (a minute) at a time: no float copy of a whole long recording
    for c in range(audio.shape[0]):
        for f in range(0, n, step):
            k = min(step, n - f)
            x = to_float32(audio[c, f * hop : (f + k) * hop]).reshape(k, hop)
            power[c, f : f + k] = np.einsum("ij,ij->i", x, x) / hop
    kernel = np.ones(SMOOTH_FRAMES, np.float32) / SMOOTH_FRAMES
    power = np.stack([np.convolve(p, kernel, mode="same") for p in power])
    return 10 * np.log10(power + 1e-12)


def _activity(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel: frames above that channel's noise floor (active), and frames clearly
    loud (strong, used to measure leaks)."""
    floor = np.percentile(levels, 10, axis=1, keepdims=True)
    speech = np.percentile(levels, 99, axis=1, keepdims=True)
    span = np.maximum(speech - floor, 0.0)
    threshold = floor + np.maximum(MIN_ACTIVE_DB, ACTIVE_FRACTION * span)
    active = (levels > threshold) & (levels > ABSOLUTE_FLOOR_DB)
    strong = levels > floor + 0.6 * span
    return active, strong


def active_seconds(audio: np.ndarray, sample_rate: int) -> float:
    """Seconds of a one-channel clip clearly above its own noise floor (10 ms frames)."""
    audio = np.asarray(audio)
    if len(audio) < sample_rate // 10:
        return 0.0
    active, _ = _activity(frame_levels(audio[None, :], sample_rate))
    return float(active.sum() * HOP_S)


def _shift(x: np.ndarray, lag: int, fill) -> np.ndarray:
    """x delayed by lag frames (advanced when negative), same length."""
    if lag == 0:
        return x
    out = np.full_like(x, fill)
    if lag > 0:
        out[lag:] = x[:-lag]
    else:
        out[:lag] = x[-lag:]
    return out


def leak_paths(levels: np.ndarray, strong: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(leak, lag) per ordered pair: channel o's speech appears in channel c lag[c, o]
    frames later and leak[c, o] dB quieter. The lag is where c's level follows o's level
    most closely (a room and a call add tens to hundreds of ms); the leak is the lower
    quartile of the level difference where o is loud, because in most of those frames c
    is silent and hears only the leak, and where c speaks too the difference is higher."""
    c = levels.shape[0]
    leak = np.full((c, c), -np.inf)
    lag = np.zeros((c, c), dtype=int)
    for i in range(c):
        for o in range(c):
            if i == o or strong[o].sum() < 20:
                continue
            best = (-2.0, 0)
            for k in range(-LAG_MAX_FRAMES // 2, LAG_MAX_FRAMES + 1):
                src, loud = _shift(levels[o], k, np.nan), _shift(strong[o], k, False)
                x, y = levels[i, loud], src[loud]
                if len(x) >= 20 and x.std() > 0 and y.std() > 0:
                    best = max(best, (float(np.corrcoef(x, y)[0, 1]), k))
            lag[i, o] = best[1]
            loud = _shift(strong[o], lag[i, o], False)
            leak[i, o] = np.percentile(levels[i, loud] - _shift(levels[o], lag[i, o], np.nan)[loud], 25)
    return leak, lag


def _spans(mask: np.ndarray) -> list[tuple[float, float]]:
    """True runs of a frame mask as (start, end) seconds."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(float(s * HOP_S), float(e * HOP_S)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _close_gaps(mask: np.ndarray) -> np.ndarray:
    """Fill gaps shorter than FILL_GAP_S between speech frames."""
    out = mask.copy()
    spans = _spans(mask)
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        if s2 - e1 < FILL_GAP_S:
            out[int(round(e1 / HOP_S)) : int(round(s2 / HOP_S))] = True
    return out


def speech_frames(x: np.ndarray, sample_rate: int, frames: int) -> np.ndarray:
    """Per 10 ms frame, whether Silero VAD (the ONNX model inside faster-whisper) hears
    speech near it: loudness alone would count music, ringing and typing as talk."""
    from faster_whisper.vad import get_vad_model

    if sample_rate != VAD_RATE:
        n = int(len(x) * VAD_RATE / sample_rate)
        x = np.interp(np.arange(n) * (sample_rate / VAD_RATE), np.arange(len(x)), to_float32(x)).astype(np.float32)
    win = 512  # 32 ms, the model's window at 16 kHz
    chunk = win * 1875  # a minute at a time: bounded memory on long recordings
    model = get_vad_model()
    probs = np.concatenate([
        model(np.pad(to_float32(x[i : i + chunk]), (0, -len(x[i : i + chunk]) % win))).ravel()
        for i in range(0, len(x), chunk)
    ] or [np.zeros(1, np.float32)])
    at = np.minimum((np.arange(frames) * HOP_S * VAD_RATE / win).astype(int), len(probs) - 1)
    speech = probs[at] >= VAD_THRESHOLD
    pad = int(VAD_PAD_S / HOP_S)
    return np.convolve(speech.astype(np.float32), np.ones(2 * pad + 1, np.float32), mode="same") > 0


def ownership(audio: np.ndarray, sample_rate: int, levels: np.ndarray | None = None,
              vad: bool = True) -> np.ndarray:
    """Which channel speaks in each 10 ms frame: bool (channels, frames), crosstalk removed."""
    if levels is None:
        levels = frame_levels(audio, sample_rate)
    active, strong = _activity(levels)
    leak, lag = leak_paths(levels, strong)
    own = active.copy()
    for i in range(levels.shape[0]):
        for o in range(levels.shape[0]):
            if i == o or not np.isfinite(leak[i, o]):
                continue
            # a frame of i that o's leak can explain is o's, unless o is silent there
            other = _shift(levels[o], lag[i, o], -np.inf)
            above_leak = levels[i] - other > leak[i, o] + LEAK_MARGIN_DB
            own[i] &= above_leak | ~_shift(active[o], lag[i, o], False)
    if vad:
        for i in range(levels.shape[0]):
            if own[i].any():
                own[i] &= speech_frames(audio[i], sample_rate, levels.shape[1])
    return own


@one_blas_thread
def channel_turns(audio: np.ndarray, sample_rate: int, labels: list[str], vad: bool = True) -> list[Turn]:
    """Speech turns, one label per channel (labels[i] for channel i), sorted by start."""
    if audio.ndim != 2 or audio.shape[0] != len(labels):
        raise ValueError("need one label per channel")
    levels = frame_levels(audio, sample_rate)
    if levels.shape[1] < 2:  # under 20 ms of audio: nothing to find
        return []
    own = ownership(audio, sample_rate, levels, vad)
    turns: list[Turn] = []
    for label, mask in zip(labels, own, strict=True):
        mask = _close_gaps(mask)
        spans = _spans(mask)
        # onsets are sharp and caught by the levels; ends fade, hence the hangover
        turns += [Turn(round(s, 3), round(e + PAD_END_S, 3), label) for s, e in spans if e - s >= MIN_SPEECH_S]
    turns.sort(key=lambda t: (t.start, t.speaker))
    return turns
