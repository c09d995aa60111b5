"""Local speaker activity from pyannote segmentation-3.0 (ONNX), window by window.

The model reads 10 s of audio and says, every 16.875 ms, which of up to three *local*
speakers talk (none, one, or two at once: a "powerset" of 7 classes). Local speaker 1 in one
window is not tied to local speaker 1 in the next: clustering their voice embeddings does that.
It normalises each window's level itself, so quiet and distant speakers are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from listenwell.transcribe.audio import SAMPLE_RATE, to_float32

from .models import SEGMENTATION, session

WINDOW = 160000  # 10 s, the length the model was trained on
LOCAL_SPEAKERS = 3  # speakers the model tells apart within one window
FRAME_STEP = 270  # samples per output frame (16.875 ms)
FRAME_S = FRAME_STEP / SAMPLE_RATE  # the same in seconds
FRAME_CENTRE = 495  # samples from a window's start to the centre of its first frame
# powerset class -> which of the LOCAL_SPEAKERS are active
POWERSET = np.array(
    [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=bool
)


@dataclass
class Window:
    start: int  # first sample of the window in the recording
    active: np.ndarray  # (frames, LOCAL_SPEAKERS) bool: local speaker is talking in that frame
    speech_prob: np.ndarray  # (frames,) probability that anyone talks
    probs: np.ndarray | None = None  # (frames, LOCAL_SPEAKERS) probability that each local speaker talks

    def frame_centres(self) -> np.ndarray:
        """Centre of every frame, in samples from the start of the recording."""
        return self.start + FRAME_CENTRE + FRAME_STEP * np.arange(len(self.active))

    @property
    def offset(self) -> int:
        """The recording's frame that is this window's first (frames of all windows line up)."""
        return int(round(self.start / FRAME_STEP))


def frame_count(n_samples: int) -> int:
    """Segmentation frames whose centre lies within n samples."""
    return max(0, (n_samples - FRAME_CENTRE) // FRAME_STEP + 1)


def window_starts(n: int, step: int) -> list[int]:
    """Starts of the windows covering n samples: every `step`, the last aligned to the end."""
    if n <= WINDOW:
        return [0]
    starts = list(range(0, n - WINDOW, step))
    if n - WINDOW - starts[-1] > step // 4:  # the last one ends with the recording
        starts.append(n - WINDOW)
    else:
        starts[-1] = n - WINDOW
    return starts


def segment(
    audio: np.ndarray,
    step_s: float = 5.0,
    speech_threshold: float = 0.5,
    batch: int = 4,  # measured a little cheaper per window than 8 or 16
    progress: Callable[[float], None] | None = None,
) -> list[Window]:
    """Run the segmentation model over 16 kHz mono audio (float32 or int16 PCM), one Window
    per 10 s chunk."""
    sess = session(SEGMENTATION, arena=True)  # every run has the same shape
    starts = window_starts(len(audio), int(step_s * SAMPLE_RATE))
    length = min(WINDOW, len(audio))
    out: list[Window] = []
    for b in range(0, len(starts), batch):
        chunk = starts[b : b + batch]
        x = np.stack([to_float32(audio[s : s + length]) for s in chunk])
        if length < SAMPLE_RATE:  # too short for the model's convolutions: pad with silence
            x = np.pad(x, ((0, 0), (0, SAMPLE_RATE - length)))
        logits = sess.run(None, {"waveform": x[:, None, :]})[0]
        for s, lg in zip(chunk, logits, strict=True):
            probs = np.exp(lg)  # the model ends in log-softmax
            speech = 1.0 - probs[:, 0]
            cls = np.argmax(probs, axis=1)
            active = POWERSET[cls]
            # the argmax may pick "nobody" while speech is likely (quiet voices): keep the
            # most likely single speaker there
            quiet = (cls == 0) & (speech >= speech_threshold)
            if quiet.any():
                best = 1 + np.argmax(probs[quiet][:, 1 : 1 + LOCAL_SPEAKERS], axis=1)
                active[quiet] = POWERSET[best]
            active[speech < speech_threshold] = False
            n_frames = frame_count(min(len(audio), s + length) - s)
            local = (probs[:, 1:] @ POWERSET[1:].astype(np.float32)).astype(np.float32)
            out.append(Window(s, active[:n_frames], speech[:n_frames], local[:n_frames]))
        if progress:
            progress(min(1.0, (b + batch) / len(starts)))
    return out
