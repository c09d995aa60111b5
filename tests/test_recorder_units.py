"""Pieces of the recorder that need no sound server: the crash-safe WAV file and its
repair, the status line and its warnings, device-error wording."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile as sf

from listenwell.recorder.devices import describe
from listenwell.recorder.live import status_line, warnings_for
from listenwell.recorder.wavfile import StreamingWav, repair


def test_streaming_wav_is_readable_at_every_sync_and_repairable(tmp_path):
    path = tmp_path / "a.wav"
    wav = StreamingWav(path, 16000, 2)
    assert oct(path.stat().st_mode)[-3:] == "600"
    assert sf.info(str(path)).frames == 0  # valid from the first moment
    block = (np.random.default_rng(0).standard_normal((16000, 2)) * 3000).astype(np.int16)
    wav.write(block)
    wav.sync()
    wav.write(block[:8000])  # half a second after the last header update
    crash = tmp_path / "crash.wav"
    shutil.copy(path, crash)  # the file as a kill -9 would leave it
    assert sf.info(str(crash)).frames == 16000
    before, after = repair(crash)
    assert (before, after) == (1.0, 1.5)
    data, _ = sf.read(crash, dtype="int16")
    assert np.array_equal(data, np.concatenate([block, block[:8000]]))
    assert repair(crash) == (1.5, 1.5)  # idempotent
    wav.close()
    assert sf.info(str(path)).frames == 24000


def test_repair_drops_a_torn_last_frame_and_refuses_other_files(tmp_path):
    path = tmp_path / "a.wav"
    wav = StreamingWav(path, 8000, 1)
    wav.write(np.arange(100, dtype=np.int16))
    wav.close()
    with open(path, "ab") as f:
        f.write(b"\x01")  # half a sample
    assert repair(path)[1] == 100 / 8000
    assert sf.info(str(path)).frames == 100
    other = tmp_path / "x.wav"
    other.write_bytes(b"not a wav at all")
    with pytest.raises(ValueError):
        repair(other)


def test_warnings_at_80_and_100_percent_silence_and_clipping():
    assert warnings_for(10, 600, 0, [], False) == []
    assert warnings_for(490, 600, 0, [], False) == ["2 min left of the time promised"]
    assert warnings_for(600, 600, 0, [], False) == ["promised time is up"]
    assert warnings_for(30, None, 12, [], False) == ["silence for 12 s: is the mic muted?"]
    assert warnings_for(30, None, 12, [], True) == []  # paused: silence is expected
    assert warnings_for(30, None, 0, ["mic"], False) == ["mic clipping: lower the input level"]


def test_status_line_shows_time_against_the_plan_and_levels():
    line = status_line(125, 600, [("mic", -20.0), ("call", -120.0)], False, False, 2,
                       ["mic clipping: lower the input level"]).plain
    assert line.startswith("● REC 02:05 / 10:00 (21%)")
    assert "mic ▮" in line and "call ▯" in line and "2 marks" in line and "clipping" in line
    assert status_line(5, None, [], True, False, 0, []).plain.startswith("⏸ PAUSED 00:05")
    assert "c consent given" in status_line(5, None, [], False, True, 0, []).plain


def test_device_errors_in_one_line():
    # The errors as sounddevice raises them (message, PortAudio code, host API error info);
    # busy and denied devices cannot be staged on the virtual sound server.
    from sounddevice import PortAudioError

    busy = PortAudioError("Error opening InputStream: Device unavailable", -9985)
    assert "busy" in describe(busy)
    denied = PortAudioError("Error opening InputStream: Unanticipated host error", -9999,
                            ("ALSA", -13, "Permission denied"))
    assert "permission denied" in describe(denied)
    gone = PortAudioError("Error querying device -1", -9996)
    assert "not there" in describe(gone)
