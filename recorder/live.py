"""What the interviewer sees and presses while recording: the status line and the keys.

Keys come from the terminal one at a time (no Enter); without a terminal (scripts, tests)
stdin is read one command per line: `m`, `n TEXT`, `p`, `c`, `q`.
"""

from __future__ import annotations

import contextlib
import queue
import select
import sys
import threading

from rich.text import Text

from listenwell.timefmt import clock

KEYS_HELP = "m mark · n note · p pause · q stop"
SILENCE_WARN_S = 10.0
METER_WIDTH = 12


class Keys:
    def __init__(self) -> None:
        self.tty = _isatty(sys.stdin)
        self._saved = None
        self._lines: queue.SimpleQueue = queue.SimpleQueue()
        if self.tty:
            import termios
            import tty

            self._fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)  # single keys, no echo; Ctrl-C still sends SIGINT
        else:
            threading.Thread(target=self._read_lines, name="recorder-keys", daemon=True).start()

    def _read_lines(self) -> None:
        try:
            for line in sys.stdin:
                line = line.strip()
                if line:
                    self._lines.put((line[0].lower(), line[1:].strip()))
        except (OSError, ValueError):
            pass

    def poll(self, timeout: float) -> list[tuple[str, str]]:
        """Commands pressed since the last call: (key, text typed with it)."""
        if not self.tty:
            out = []
            try:
                out.append(self._lines.get(timeout=timeout))
                while True:
                    out.append(self._lines.get_nowait())
            except queue.Empty:
                return out
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return []
        import os

        chars = os.read(self._fd, 64).decode(errors="ignore")
        return [(c.lower(), "") for c in chars if not c.isspace()]

    def read_note(self, prompt: str) -> str:
        """A line typed on the terminal, with echo, while the capture goes on."""
        import termios

        termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
        try:
            return input(prompt).strip()
        except EOFError:
            return ""
        finally:
            import tty

            tty.setcbreak(self._fd)

    def close(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None


def _isatty(stream) -> bool:
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return stream.isatty()
    return False


def meter(db: float) -> Text:
    """A level meter from -60 to 0 dBFS: green, yellow near the top, red when clipping."""
    filled = max(0, min(METER_WIDTH, round((db + 60) / 60 * METER_WIDTH)))
    style = "red" if db > -1 else "yellow" if db > -12 else "green"
    return Text("▮" * filled, style=style) + Text("▯" * (METER_WIDTH - filled), style="dim")


def status_line(
    elapsed: float,
    planned_s: float | None,
    levels: list[tuple[str, float]],
    paused: bool,
    consent_part: bool,
    marks: int,
    warnings: list[str],
) -> Text:
    line = Text()
    if paused:
        line.append("⏸ PAUSED ", style="bold yellow")
    elif consent_part:
        line.append("● CONSENT ", style="bold magenta")
    else:
        line.append("● REC ", style="bold red")
    line.append(clock(int(elapsed)), style="bold")  # a stopwatch: whole seconds gone
    if planned_s:
        share = elapsed / planned_s
        style = "red" if share >= 1 else "yellow" if share >= 0.8 else "default"
        line.append(f" / {clock(planned_s)} ({share:.0%})", style=style)
    for name, db in levels:
        line.append(f"  {name} ")
        line.append_text(meter(db))
    if marks:
        line.append(f"  {marks} mark{'s' * (marks != 1)}")
    for w in warnings:
        line.append(f"  ⚠ {w}", style="bold yellow")
    line.append(f"   [{KEYS_HELP}{' · c consent given' if consent_part else ''}]", style="dim")
    return line


def warnings_for(elapsed: float, planned_s: float | None, mic_silent_s: float,
                 clipping: list[str], paused: bool) -> list[str]:
    """What the interviewer should notice now: the promised time, a silent mic, clipping."""
    out = []
    if planned_s and elapsed >= planned_s:
        out.append("promised time is up")
    elif planned_s and elapsed >= 0.8 * planned_s:
        out.append(f"{(planned_s - elapsed) / 60:.0f} min left of the time promised")
    if not paused and mic_silent_s >= SILENCE_WARN_S:
        out.append(f"silence for {mic_silent_s:.0f} s: is the mic muted?")
    out += [f"{name} clipping: lower the input level" for name in clipping]
    return out
