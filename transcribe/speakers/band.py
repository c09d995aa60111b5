"""The telephone band. A phone line carries about 300-3400 Hz, and a voice embedding made
from wideband speech (a laptop microphone) scores the same person's voice over a phone line
much lower: the user's groups at 0.23-0.41 against 0.45-0.74 in a room, on the real-voice
development set. So the voice profile keeps, for each occasion, an embedding of the same
audio cut to the telephone band (`phone_band`), and attribution uses it on recordings that
are narrowband (`is_narrowband`), where it lifted the user's similarity to 0.50-0.68.
"""

from __future__ import annotations

import numpy as np

from listenwell.transcribe.audio import SAMPLE_RATE, resample, to_float32

PHONE_LOW_HZ, PHONE_HIGH_HZ = 300.0, 3400.0
PHONE_RATE = 8000
# Energy above 4.5 kHz against the telephone band, in dB, on the loudest frames. Measured
# (band_ratio_db) on 161 files of ../shared/data and 105 development recordings: wideband
# speech (LibriSpeech, LibriVox, AMI, the real conversations, the sample) -38..-1 dB; an
# 8 kHz voice mixed with wideband noise -47..-31; whole recordings that went through 8 kHz
# sampling (the pyannote phone call, the asterisk prompts, the phone condition) -72..-62.
# The threshold sits in the middle of the gap.
NARROWBAND_DB = -55.0
_FRAME = 1024
_MAX_FRAMES = 400  # frames examined, spread over the recording (cheap on 2-hour files)


def phone_band(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """`audio` as a telephone line would carry it: 8 kHz sampling, 300-3400 Hz, back at
    `sample_rate` (float32)."""
    from scipy.signal import butter, sosfiltfilt

    y = resample(to_float32(np.asarray(audio)), sample_rate, PHONE_RATE)
    sos = butter(6, [PHONE_LOW_HZ, PHONE_HIGH_HZ], btype="band", fs=PHONE_RATE, output="sos")
    return resample(sosfiltfilt(sos, y), PHONE_RATE, sample_rate)


def band_ratio_db(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float | None:
    """Energy between 4.5 kHz and 7.5 kHz against 300-3400 Hz (dB) over the loudest half of up
    to _MAX_FRAMES frames spread over `audio`; None when there is no sound to measure."""
    x = np.asarray(audio)
    if sample_rate <= PHONE_RATE:
        return -np.inf  # nothing above 4 kHz can exist
    n = (len(x) - _FRAME) // _FRAME
    if n < 1:
        return None
    starts = np.linspace(0, len(x) - _FRAME, min(n, _MAX_FRAMES)).astype(int)
    frames = np.stack([to_float32(x[s : s + _FRAME]) for s in starts]) * np.hanning(_FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    loud = power[power.sum(axis=1) >= np.median(power.sum(axis=1))]
    hz = np.fft.rfftfreq(_FRAME, 1 / sample_rate)
    low = loud[:, (hz >= PHONE_LOW_HZ) & (hz <= PHONE_HIGH_HZ)].sum()
    high = loud[:, (hz >= 4500) & (hz <= 7500)].sum()
    if low <= 0:
        return None
    return float(10 * np.log10(max(high, low * 1e-12) / low))


def is_narrowband(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bool:
    """Whether `audio` holds nothing above the telephone band (a phone call, or audio that
    was once sampled at 8 kHz)."""
    r = band_ratio_db(audio, sample_rate)
    return r is not None and r < NARROWBAND_DB
