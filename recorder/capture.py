"""Capture: input streams -> one queue -> a writer thread -> crash-safe WAV files.

The real-time rule: the PortAudio callback only copies each block into a queue with the
time its first sample was captured. The writer thread does everything else: aligning the
microphone and the system-audio stream, levels, pausing, splitting off the consent part,
writing, the once-a-second header update, the disk check. Problems (a stream that ends,
a microphone that delivers only digital zeros, a full disk) are reported to the main
thread through `problem`, which stops the capture cleanly.
"""

from __future__ import annotations

import contextlib
import errno
import math
import queue
import shutil
import threading
import time
from pathlib import Path

import numpy as np

from listenwell.intervals import overlap
from listenwell.recorder.devices import InputDevice, open_error, sounddevice
from listenwell.recorder.source import Source, dbfs
from listenwell.recorder.wavfile import StreamingWav

BLOCK_S = 0.1  # 10 callbacks a second per stream: cheap (CPU), fine-grained enough for levels
WRITE_EVERY_S = 0.25  # the writer drains the queue this often
SYNC_EVERY_S = 1.0  # header update + fsync: a crash loses at most this much
ALIGN_WAIT_S = 0.5  # audio gathered from both streams before their offset is decided
ALIGN_GIVE_UP_S = 3.0  # a stream that delivers nothing by then is padded with silence
STALL_S = 3.0  # a stream silent this long while the other delivers is padded to keep time
ZERO_LIMIT_S = 5.0  # exact digital zeros from the mic this long = device gone (unplugged)
SILENCE_DBFS = -55.0  # block RMS under this counts as silence (muted mic?)
CLIP = 32767


class Capture:
    """Records one microphone (+ optionally system audio as channel 2) into `folder`."""

    def __init__(
        self,
        folder: Path,
        mic: InputDevice,
        samplerate: int,
        system: InputDevice | None = None,
        consent_part: bool = False,
        audio_name: str = "audio.wav",
        consent_name: str = "consent-audio.wav",
    ):
        self.folder = Path(folder)
        self.samplerate = samplerate
        self.devices = [mic] + ([system] if system else [])
        self.sources = [Source(d.name) for d in self.devices]
        self.channels = len(self.devices)
        self.audio_path = self.folder / audio_name
        self.consent_path = self.folder / consent_name if consent_part else None
        self.frame_bytes = 2 * self.channels
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._streams: list = []
        self._finish = threading.Event()
        self.consent_at: float | None = None  # capture time the consent part ended
        self._writer = threading.Thread(target=self._run, name="recorder-writer", daemon=True)
        # Pauses as (start, end) capture times: the writer drops frames captured inside them,
        # so a pause is exact to the frame whatever the writer's lag.
        self.pauses: list[tuple[float, float]] = []
        self.paused_frames = 0
        self._out_t0: float | None = None  # capture time of the first frame written (all files)
        self._out_frames = 0
        self.consent_wav_frames = 0
        self.audio_wav: StreamingWav | None = None
        self.consent_wav: StreamingWav | None = None
        self.aligned = self.channels == 1
        self.align_offset_s = 0.0
        self.problem: str | None = None  # why the capture must stop, set by any thread
        self.problem_kind: str | None = None  # device-lost | disk-full | write-error
        self.stream_ended = threading.Event()
        self.started_mono = 0.0
        self.running = False  # the streams started: from here on, audio is being kept
        self.reserve_bytes = max(256 * 1024, int(2 * samplerate * self.frame_bytes))

    # ---- main thread ------------------------------------------------------------------
    def open(self) -> None:
        """Open the streams (not started). Raises UserError: busy, denied, gone."""
        sd = sounddevice()
        blocksize = max(64, int(self.samplerate * BLOCK_S))
        try:
            for i, dev in enumerate(self.devices):
                self._streams.append(
                    sd.InputStream(
                        device=dev.index,
                        samplerate=self.samplerate,
                        channels=1,
                        dtype="int16",
                        blocksize=blocksize,
                        callback=self._callback(i),
                        finished_callback=self.stream_ended.set,
                    )
                )
        except sd.PortAudioError as e:
            self._close_streams()
            raise open_error(e, self.devices[len(self._streams)]) from None

    def start(self) -> None:
        """Open the first file and start writer and streams."""
        sd = sounddevice()
        first = self.consent_path or self.audio_path
        wav = StreamingWav(first, self.samplerate, self.channels)
        if self.consent_path:
            self.consent_wav = wav
        else:
            self.audio_wav = wav
        self.started_mono = time.monotonic()
        self._writer.start()
        try:
            for s in self._streams:
                s.start()
            self.running = True
        except sd.PortAudioError as e:
            self.stop()
            raise open_error(e, self.devices[0]) from None

    def _callback(self, index: int):
        q = self._q
        clock = time.monotonic
        rate = self.samplerate

        def callback(indata, frames, time_info, status):
            # When the block's first sample was captured, by the clock all streams share.
            # (PortAudio's inputBufferAdcTime drifted by 90 ms through the ALSA pulse plugin.)
            q.put((index, indata.copy(), clock() - frames / rate, bool(status.input_overflow)))

        return callback

    def consent_given(self) -> None:
        """End the consent part: what follows goes into the interview's audio file."""
        if self.consent_at is None:
            self.consent_at = time.monotonic()

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] == math.inf

    def set_paused(self, on: bool) -> None:
        now = time.monotonic()
        if on and not self.paused:
            self.pauses.append((now, math.inf))
        elif not on and self.paused:
            self.pauses[-1] = (self.pauses[-1][0], now)

    def stream_problem(self) -> str | None:
        """Why a stream stopped delivering (sound server gone, device removed), if it did."""
        if self.stream_ended.is_set() or any(not s.active for s in self._streams if not s.closed):
            return "the audio device stopped delivering sound (unplugged, or the sound server ended)"
        return None

    def stop(self) -> None:
        """Stop the streams (their last blocks are delivered), then let the writer drain."""
        sd = sounddevice()
        for s in self._streams:
            with contextlib.suppress(sd.PortAudioError):
                s.stop()
        self._close_streams()
        self._finish.set()
        if self._writer.is_alive():
            self._writer.join()
        for wav in (self.consent_wav, self.audio_wav):
            if wav is not None:
                try:
                    wav.close()
                except Exception as e:  # disk full at the very end: the last header sync stands
                    self._fail(f"could not finish {wav.path.name}: {e}", "write-error")

    def _close_streams(self) -> None:
        sd = sounddevice()
        for s in self._streams:
            with contextlib.suppress(sd.PortAudioError):
                s.close()

    def position_s(self) -> float:
        """Seconds into the interview audio file right now (for marks and notes)."""
        start = self.consent_at if self.consent_path else self._out_t0
        if start is None:
            return 0.0
        now = time.monotonic()
        paused = sum(overlap(p, (start, now)) for p in list(self.pauses))
        return max(0.0, now - start - paused)

    # ---- writer thread ----------------------------------------------------------------
    def _fail(self, message: str, kind: str) -> None:
        if self.problem is None:
            self.problem, self.problem_kind = message, kind

    def _run(self) -> None:
        next_sync = time.monotonic() + SYNC_EVERY_S
        try:
            while True:
                # Wake a few times a second and take everything queued: fewer wake-ups, less CPU.
                finishing = self._finish.wait(WRITE_EVERY_S)
                while True:
                    try:
                        item = self._q.get_nowait()
                    except queue.Empty:
                        break
                    self._take(*item)
                if self.problem_kind in ("disk-full", "write-error"):
                    self._discard_queue()
                else:
                    self._merge(final=False)
                now = time.monotonic()
                if now >= next_sync:
                    next_sync = now + SYNC_EVERY_S
                    self._sync()
                if finishing and self._q.empty():
                    break
            if self.problem_kind not in ("disk-full", "write-error"):
                self._merge(final=True)
            self._sync()
        except Exception as e:  # never die silently: the main thread reports it and stops
            self._fail(f"the writer failed: {e}", "write-error")

    def _discard_queue(self) -> None:
        while True:
            try:
                self._q.get_nowait()
            except queue.Empty:
                return

    def _take(self, index: int, block: np.ndarray, t_first: float, overflow: bool) -> None:
        src = self.sources[index]
        n = len(block)
        mono = block[:, 0]
        src.last_at = time.monotonic()
        if src.first_at is None:
            src.first_at = src.last_at
        src.estimate(self.samplerate, t_first, n)
        src.received += n
        src.overflows += overflow
        hi, lo = int(mono.max()), int(mono.min())
        peak = max(hi, -lo)
        src.peak = max(src.peak, peak)
        if peak >= CLIP and np.count_nonzero((mono >= CLIP) | (mono <= -CLIP)) >= 3:
            src.clipped_at = time.monotonic()
        if peak == 0:
            src.zero_frames += n
            src.silent_frames += n
            src.rms_db = -120.0
        else:
            src.zero_frames = 0
            rms = float(np.sqrt(np.mean(np.square(mono, dtype=np.float32))))
            src.rms_db = dbfs(rms)
            src.silent_frames = src.silent_frames + n if src.rms_db < SILENCE_DBFS else 0
        src.pending.append(mono)
        src.pending_frames += n
        if index == 0 and src.zero_frames >= ZERO_LIMIT_S * self.samplerate:
            self._fail(
                f"the microphone delivered only digital zeros for {ZERO_LIMIT_S:.0f} s "
                "(unplugged, or switched to another source)", "device-lost")

    def _merge(self, final: bool) -> None:
        """Write what every source has delivered, side by side, in time."""
        if self.channels == 1:
            src = self.sources[0]
            if src.pending_frames:
                self._out(src.take(src.pending_frames)[:, None])
            return
        mic, sysa = self.sources
        if not self.aligned and not self._align(final):
            return
        # Streams may deliver in bursts (up to 2 s seen): wait for the slower one. Only a
        # stream that stalls (or ends) is padded with silence so that time keeps going; if
        # its late audio turns up after all, as much is dropped, keeping the two in time.
        now = time.monotonic()
        for a, b in ((mic, sysa), (sysa, mic)):
            lag = b.pending_frames - a.pending_frames
            if lag > 0 and (final or now - a.last_at >= STALL_S):
                self._pad(a, lag)
                a.debt += lag
            elif lag < 0 and a.debt:
                k = min(a.debt, -lag)
                a.take(k)
                a.debt -= k
                a.dropped += k
        n = min(mic.pending_frames, sysa.pending_frames)
        if n:
            self._out(np.column_stack((mic.take(n), sysa.take(n))))

    def _align(self, final: bool) -> bool:
        """Decide once how far apart the two streams started; pad the later one."""
        mic, sysa = self.sources
        need = int(ALIGN_WAIT_S * self.samplerate)
        waited = time.monotonic() - min(s.first_at or math.inf for s in self.sources)
        if not final and not (mic.received >= need and sysa.received >= need) and waited < ALIGN_GIVE_UP_S:
            return False
        if mic.received and sysa.received:
            offset = sysa.start_est - mic.start_est  # > 0: system audio started later
            self.align_offset_s = offset
            pad = round(abs(offset) * self.samplerate)
            self._pad(sysa if offset > 0 else mic, pad, front=True)
        self.aligned = True
        return True

    @staticmethod
    def _pad(src: Source, n: int, front: bool = False) -> None:
        if n <= 0:
            return
        zeros = np.zeros(n, dtype=np.int16)
        src.pending = [zeros, *src.pending] if front else [*src.pending, zeros]
        src.pending_frames += n
        src.padded += n

    def _out(self, frames: np.ndarray) -> None:
        """Route merged frames by their capture time: consent part, pause, or interview."""
        rate = self.samplerate
        if self._out_t0 is None:
            self._out_t0 = min(s.start_est for s in self.sources)
        t0 = self._out_t0 + self._out_frames / rate
        self._out_frames += len(frames)
        if self.consent_wav is not None:
            if self.consent_at is None:
                self._write(self.consent_wav, frames, t0)
                return
            k = min(len(frames), max(0, math.ceil((self.consent_at - t0) * rate)))
            self._write(self.consent_wav, frames[:k], t0)
            self.consent_wav.close()
            self.consent_wav_frames = self.consent_wav.frames
            self.consent_wav = None
            self.audio_wav = StreamingWav(self.audio_path, rate, self.channels)
            frames, t0 = frames[k:], t0 + k / rate
        self._write(self.audio_wav, frames, t0)

    def _write(self, wav: StreamingWav, frames: np.ndarray, t0: float) -> None:
        n = len(frames)
        if not n:
            return
        t1 = t0 + n / self.samplerate
        keep = None
        for s, e in list(self.pauses):
            if e > t0 and s < t1:
                if keep is None:
                    keep = np.ones(n, dtype=bool)
                a = max(0, math.ceil((s - t0) * self.samplerate))
                b = min(n, math.ceil((e - t0) * self.samplerate)) if e != math.inf else n
                keep[a:b] = False
        if keep is not None:
            self.paused_frames += n - int(np.count_nonzero(keep))
            frames = frames[keep]
            if not len(frames):
                return
        try:
            wav.write(frames)
        except Exception as e:
            self._write_failed(e)

    def _sync(self) -> None:
        for wav in (self.consent_wav, self.audio_wav):
            if wav is None:
                continue
            try:
                wav.sync()
            except Exception as e:
                self._write_failed(e)
                return
        free = shutil.disk_usage(self.folder).free
        if free < self.reserve_bytes:
            self._fail(f"the disk is full ({free // 1024} KiB left in {self.folder})", "disk-full")

    def _write_failed(self, e: Exception) -> None:
        full = getattr(e, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
        with contextlib.suppress(OSError):
            full = full or shutil.disk_usage(self.folder).free < self.reserve_bytes
        if full:
            self._fail(f"the disk is full (writing to {self.folder} failed)", "disk-full")
        else:
            self._fail(f"writing the audio failed: {e}", "write-error")

    # ---- results ----------------------------------------------------------------------
    def stats(self) -> dict:
        rate = self.samplerate
        lost = [s.lost_frames(rate) for s in self.sources]
        out = {
            "lost_frames": sum(lost),
            "lost_frames_by_source": {s.name: n for s, n in zip(self.sources, lost, strict=False)},
            "input_overflows": sum(s.overflows for s in self.sources),
            "frames_received": self.sources[0].received,
            "paused_s": round(self.paused_frames / rate, 3),
        }
        if self.channels == 2:
            out["alignment_offset_s"] = round(self.align_offset_s, 4)
            out["padded_frames_by_source"] = {s.name: s.padded for s in self.sources}
            out["dropped_late_frames_by_source"] = {s.name: s.dropped for s in self.sources}
        return out
