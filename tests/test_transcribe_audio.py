"""transcribe.audio: decoding real files of every kind, and one-line errors for bad ones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from listenwell.errors import AudioError
from listenwell.transcribe.audio import (
    decode,
    decode_channels,
    open_audio,
    stream_blocks,
    to_float32,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

SAMPLE_AUDIO = SAMPLES / "interview" / "audio.flac"


def tone(path: Path, rate: int, channels: int, seconds: float) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    data = np.stack([0.3 * np.sin(2 * np.pi * (300 + 200 * c) * t) for c in range(channels)], 1)
    sf.write(path, data, rate)
    return path


def test_resamples_8k_and_keeps_48k_stereo_channels(tmp_path):
    mono = decode(tone(tmp_path / "a8k.wav", 8000, 1, 2.0))
    assert mono.dtype == np.float32 and len(mono) == 32000
    stereo = tone(tmp_path / "b48k.wav", 48000, 2, 1.5)
    both = decode_channels(stereo)
    assert both.shape == (2, 24000)
    # channels stay apart (300 Hz left, 500 Hz right) and the mono mix is their average
    assert not np.allclose(both[0], both[1], atol=1e-3)
    np.testing.assert_allclose(decode(stereo), both.mean(axis=0), atol=1e-4)
    assert np.abs(decode(stereo)).max() < 0.61  # no +3 dB per channel from the downmix


@pytest.mark.parametrize("fmt", ["mp3", "m4a", "ogg", "webm"])
def test_compressed_formats(tmp_path, fmt):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to make the fixture")
    src = tone(tmp_path / "src.wav", 44100, 2, 2.0)
    out = tmp_path / f"clip.{fmt}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), str(out)], check=True)
    audio = decode(out)
    assert abs(len(audio) - 32000) < 1600  # encoder padding at most a few frames
    assert 0.1 < np.abs(audio).max() < 0.7


def _write(name: str, data: bytes):
    def make(p: Path) -> Path:
        (p / name).write_bytes(data)
        return p / name

    return make


def _zero_length(p: Path) -> Path:
    sf.write(p / "zero.wav", np.zeros(0, np.float32), 16000)
    return p / "zero.wav"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing.wav", "no such file"),
        (_write("empty.wav", b""), "empty file"),
        (_write("notes.wav", b"not audio at all\n"), "not an audio file"),
        (_zero_length, "no audio"),
        (_write("cut.flac", SAMPLE_AUDIO.read_bytes()[:100]), "truncated"),
        (lambda p: p, "folder"),
    ],
    ids=["missing", "empty", "text-as-wav", "zero-length", "flac-header-only", "folder"],
)
def test_bad_files_give_one_line(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(AudioError) as e:
        decode(path)
    assert message in str(e.value) and "\n" not in str(e.value)
    assert str(path) in str(e.value)


def test_truncated_flac_keeps_what_decodes(tmp_path):
    cut = tmp_path / "cut.flac"
    cut.write_bytes(SAMPLE_AUDIO.read_bytes()[:300_000])
    stream = open_audio(cut)
    audio = np.concatenate([p[0] for p in stream])
    assert stream.truncated
    assert 10 * 16000 < len(audio) < stream.duration_hint * 16000


def test_blocks_cover_the_file_exactly():
    whole = decode(SAMPLE_AUDIO)
    blocks = list(stream_blocks(open_audio(SAMPLE_AUDIO), 60.0))
    assert [len(b) for b in blocks[:-1]] == [960000] * (len(blocks) - 1)
    np.testing.assert_array_equal(np.concatenate(blocks), whole)


def test_int16_decode_is_the_float_decode_in_half_the_memory():
    whole = decode(SAMPLE_AUDIO)
    pcm = decode(SAMPLE_AUDIO, dtype=np.int16)
    assert pcm.dtype == np.int16 and pcm.nbytes * 2 == whole.nbytes
    np.testing.assert_allclose(to_float32(pcm), whole, atol=1.01 / 32768)  # within one step of 16 bits
