"""Input devices: listing, choosing one by index or name, a sample rate it supports, and
PortAudio errors turned into one line that says what to do."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from dataclasses import dataclass

from listenwell.errors import UserError, debug_enabled

# Tried after the device's own default rate; transcription resamples whatever we record.
PREFERRED_RATES = (48000, 44100, 32000, 22050, 16000)


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    hostapi: str
    is_default: bool


def sounddevice():
    """Import sounddevice, or say which system library is missing."""
    try:
        import sounddevice as sd
    except OSError as e:  # PortAudio itself is missing
        raise UserError(f"cannot load the audio library ({e}); install libportaudio2") from None
    return sd


def list_inputs() -> list[InputDevice]:
    sd = sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
    except sd.PortAudioError as e:
        raise UserError(f"cannot list audio devices: {describe(e)}") from None
    try:
        default = sd.default.device[0]
        if default is None or default < 0:
            default = sd.query_devices(kind="input")["index"]
    except (sd.PortAudioError, ValueError, TypeError):
        default = -1
    return [
        InputDevice(
            index=d["index"],
            name=d["name"],
            channels=d["max_input_channels"],
            default_samplerate=float(d["default_samplerate"]),
            hostapi=hostapis[d["hostapi"]]["name"],
            is_default=d["index"] == default,
        )
        for d in devices
        if d["max_input_channels"] > 0
    ]


def resolve(spec: str | int | None, what: str = "--device") -> InputDevice:
    """The input device named by an index or a (case-insensitive) name substring."""
    inputs = list_inputs()
    if not inputs:
        raise UserError("no audio input device found; plug in a microphone (see `listenwell devices`)")
    if spec is None or spec == "":
        for d in inputs:
            if d.is_default:
                return d
        raise UserError("no default input device; choose one with --device (see `listenwell devices`)")
    text = str(spec).strip()
    if text.isdigit():
        for d in inputs:
            if d.index == int(text):
                return d
        raise UserError(f"{what} {text}: no input device with that number (see `listenwell devices`)")
    exact = [d for d in inputs if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    found = [d for d in inputs if text.lower() in d.name.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UserError(f"{what} '{text}': no input device matches (see `listenwell devices`)")
    names = ", ".join(f"{d.index}: {d.name}" for d in found[:5])
    raise UserError(f"{what} '{text}' matches several devices ({names}); give its number")


def pick_samplerate(device: InputDevice, channels: int = 1) -> int:
    """A sample rate the device accepts: its own default first, then common ones."""
    sd = sounddevice()
    candidates = [int(device.default_samplerate)] + [r for r in PREFERRED_RATES]
    last: Exception | None = None
    for rate in dict.fromkeys(candidates):
        if rate <= 0:
            continue
        try:
            sd.check_input_settings(device=device.index, channels=channels, dtype="int16", samplerate=rate)
            return rate
        except sd.PortAudioError as e:
            last = e
        except ValueError as e:
            last = e
    raise UserError(f"{device.name}: no usable sample rate ({describe(last)})")


def check_rate(device: InputDevice, rate: int, channels: int = 1) -> None:
    sd = sounddevice()
    try:
        sd.check_input_settings(device=device.index, channels=channels, dtype="int16", samplerate=rate)
    except (sd.PortAudioError, ValueError) as e:
        raise UserError(f"{device.name} cannot record at {rate} Hz like the microphone ({describe(e)})") from None


def describe(e: Exception | None) -> str:
    """One line for a PortAudio error: busy, permission denied, gone, or PortAudio's words."""
    if e is None:
        return "unknown error"
    text = str(e.args[0]) if e.args else str(e)
    code = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else None
    host = e.args[2] if len(e.args) > 2 and isinstance(e.args[2], tuple) else None
    host_code = host[1] if host and len(host) > 1 and isinstance(host[1], int) else None
    host_text = host[2] if host and len(host) > 2 else ""
    low = f"{text} {host_text}".lower()
    if code == -9985 or host_code in (-errno.EBUSY, errno.EBUSY) or "busy" in low:
        return "the device is busy: another program is using it; close it and try again"
    if host_code in (-errno.EACCES, errno.EACCES, -errno.EPERM, errno.EPERM) or "permission denied" in low:
        return "permission denied: allow this program to use the microphone (on Linux: the 'audio' group)"
    if code in (-9996, -9998) or host_code in (-errno.ENODEV, errno.ENODEV, -errno.ENOENT, errno.ENOENT) or "no such" in low:
        return "the device is not there (unplugged?); see `listenwell devices`"
    if code == -9997:
        return "the device does not support this sample rate"
    return text.split("\n")[0]


def open_error(e: Exception, device: InputDevice) -> UserError:
    return UserError(f"cannot open {device.name}: {describe(e)}")


@contextlib.contextmanager
def quiet_native_stderr():
    """Keep PortAudio's C-level diagnostics (its ALSA code prints failed expressions to
    file descriptor 2 when a device goes away) off the screen: the user gets one line
    from us instead. Python's own stderr keeps working; --debug shows everything."""
    if debug_enabled():
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded): nothing to protect
        yield
        return
    old = sys.stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, errors="backslashreplace")
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
            sys.stderr.close()
        sys.stderr = old
        os.dup2(saved, 2)
        os.close(saved)
