"""Single-channel speaker diarization on onnxruntime (no torch, no network).

    from listenwell.transcribe.speakers.diarize import diarize, embed
    d = diarize(audio, 16000)            # d.turns: [Turn(start, end, "S1"), ...]
    voice = embed(clip, 16000)           # one L2-normalised voice embedding

Models (bundled in transcribe/speakers/models, exported by tools/export_speaker_models.py):
pyannote segmentation-3.0 (MIT) and CAM++ (Apache-2.0). See docs/speakers-diarization.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from listenwell.transcribe.audio import SAMPLE_RATE

from .pipeline import Diarization, Options, diarize_16k, to_16k

__all__ = ["Diarization", "Options", "diarize", "embed"]

_MIN_CLIP = 30  # fbank frames (0.3 s): a shorter clip has no voice to embed
_MIN_SPEECH = 50  # fbank frames (0.5 s): less speech than this is not embedded on its own
_PIECE = 1000  # fbank frames (10 s) embedded at a time


def diarize(
    audio: np.ndarray,
    sample_rate: int = SAMPLE_RATE,
    num_speakers: int | None = None,
    progress: Callable[[float], None] | None = None,
    options: Options | None = None,
    words: Sequence[tuple[float, float, str]] | Callable[[], Sequence[tuple[float, float, str]]] | None = None,
    max_speakers: int | None = None,
    profile: np.ndarray | None = None,
    narrowband: bool | None = None,
) -> Diarization:
    """Who spoke when in a mono recording.

    num_speakers forces the number of speakers (None: found from the voices, at most
    max_speakers). profile: (m, 192) L2-normalised embeddings of the user's voice on m
    occasions: the speaker with that voice is recognised (Diarization.user). progress,
    if given, is called with the fraction done (0..1). words, the transcript's
    (start, end, text) in seconds, if given, show where sentences end; a function that
    returns them is called only near the end (the words may still be being recognised).
    narrowband: whether the recording came over a telephone line (None: measured here);
    then the line's share of every voice embedding is taken out first (channel.py)."""
    return diarize_16k(to_16k(audio, sample_rate), num_speakers, progress, options, words, max_speakers, profile,
                       narrowband)


def embed(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """One L2-normalised voice embedding of a clip of one person (e.g. a 15 s enrollment):
    the mean CAM++ embedding of its speech, in pieces of up to 10 s."""
    from . import segmentation as seg
    from .embedding import embed_features, fbank, normalise
    from .features import FRAME_LENGTH, FRAME_SHIFT

    audio = to_16k(audio, sample_rate)
    feats = fbank(audio)
    if len(feats) < _MIN_CLIP:
        from listenwell.errors import UserError

        raise UserError("the voice clip is too short; record at least a few seconds of speech")
    speech = np.zeros(len(feats), dtype=bool)
    for w in seg.segment(audio):
        talking = w.active.any(axis=1)
        centres = w.frame_centres()
        fb = np.clip((centres - FRAME_LENGTH // 2) // FRAME_SHIFT, 0, len(feats) - 1)
        for d in range(-1, 2):  # segmentation frames are ~1.7 fbank frames apart
            speech[np.clip(fb + d, 0, len(feats) - 1)[talking]] = True
    frames = feats[speech] if speech.sum() >= _MIN_SPEECH else feats
    pieces = [frames[i : i + _PIECE] for i in range(0, len(frames), _PIECE)]
    pieces = [p for p in pieces if len(p) >= _MIN_SPEECH] or [frames]
    weights = np.array([len(p) for p in pieces], dtype=np.float32)
    return normalise((embed_features(pieces) * weights[:, None]).sum(axis=0))
