"""The transcribe stage of listenwell: audio -> transcript.json (+ .srt .vtt .txt).

Public entry points (heavy imports happen on first use, so `listenwell --help` stays fast):
`transcribe.transcribe_audio`, `transcribe.pipeline.transcribe_folder`,
`transcribe.model.load_model`, `transcribe.audio.decode` / `decode_channels`.
"""

from __future__ import annotations

from typing import Any

_MODELS: dict[Any, Any] = {}


def transcribe_audio(audio, model: Any = None, sample_rate: int = 16000) -> str:
    """Plain text of a short clip (float32 mono at 16 kHz), e.g. for `listenwell check`.

    `model` is a loaded WhisperModel, a model name or folder, or None for the bundled
    tiny.en; loaded models are kept for the next call.
    """
    import numpy as np

    from listenwell.transcribe.model import load_model
    from listenwell.transcribe.pipeline import TranscribeOptions

    if model is None or isinstance(model, str):
        if model not in _MODELS:
            _MODELS[model] = load_model(model)
        model = _MODELS[model]
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim > 1:
        audio = audio.mean(axis=0 if audio.shape[0] < audio.shape[-1] else 1)
    if sample_rate != 16000:
        raise ValueError("transcribe_audio needs 16 kHz audio; use transcribe.audio.decode")
    if audio.size == 0:
        return ""
    kwargs = TranscribeOptions().whisper_kwargs()
    kwargs["word_timestamps"] = False  # plain text only: skip the alignment pass
    kwargs["hallucination_silence_threshold"] = None  # needs word timestamps
    segments, _ = model.transcribe(audio, **kwargs)
    return " ".join(s.text.strip() for s in segments).strip()
