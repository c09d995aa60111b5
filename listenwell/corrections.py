"""The user's corrections of one interview: `corrections.json` in the interview folder.

The machine's output (transcript.json) is never edited: every correction is kept in this
one file, in the order made, and applied on top of the transcript wherever a number is
computed (the report, the exports, `list`, `compare`, the review page). So a new
transcript (`transcribe --force`) keeps the corrections that still apply: a speaker span
is anchored by time, a word edit by time and the words it replaced (corrected.py says
which no longer apply and why).

    {"schema": 1, "corrections": [
      {"id": 1, "kind": "speaker", "start": 3.1, "end": 5.2, "speaker": "interviewee"},
      {"id": 2, "kind": "words", "start": 9.0, "end": 9.4, "was": "Sam", "text": "Sam's"},
      {"id": 3, "kind": "question", "question": "day", "state": "asked", "at": 17.2},
      {"id": 4, "kind": "question", "question": "team", "state": "not asked"},
      {"id": 5, "kind": "note", "at": 61.0, "text": "ask for the intro later"}]}

Every entry also has `made_at` (ISO time) and `by` (`review` or `label`). Times are
seconds from the start of the audio. The file is user data: written privately and
atomically (folder.write_text, into the manifest), validated on load (one line naming the
entry and field). Writers hold the folder's lock (lock.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from listenwell.errors import UserError
from listenwell.records import field_error, type_adapter

CORRECTIONS_FILE = "corrections.json"
CORRECTIONS_SCHEMA = 1
ASKED, NOT_ASKED = "asked", "not asked"
MAX_BYTES = 20_000_000  # a correction file is small; a bigger one is not ours

Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Label = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")]
Text = Annotated[str, Field(max_length=10_000)]


@dataclass(kw_only=True)
class SpeakerFix:
    """The speech between start and end was `speaker`'s (a line, a span, or the rest of a
    line from a word on: a split)."""

    kind: Literal["speaker"] = "speaker"
    id: int = 0
    start: Seconds
    end: Seconds
    speaker: Label
    made_at: str = ""
    by: str = ""


@dataclass(kw_only=True)
class WordsFix:
    """The words between start and end, heard as `was`, were `text` ("" deletes them)."""

    kind: Literal["words"] = "words"
    id: int = 0
    start: Seconds
    end: Seconds
    was: Text
    text: Text
    made_at: str = ""
    by: str = ""


@dataclass(kw_only=True)
class QuestionFix:
    """A planned question was asked at `at` (confirmed, or pointed at another moment), or
    was not asked (a wrong match rejected)."""

    kind: Literal["question"] = "question"
    id: int = 0
    question: Label  # the planned question's id
    state: Literal["asked", "not asked"]
    at: Seconds | None = None  # with "asked": when
    made_at: str = ""
    by: str = ""


@dataclass(kw_only=True)
class NoteFix:
    """A note added afterwards, at a moment of the recording."""

    kind: Literal["note"] = "note"
    id: int = 0
    at: Seconds
    text: Text
    made_at: str = ""
    by: str = ""


Fix = Annotated[SpeakerFix | WordsFix | QuestionFix | NoteFix, Field(discriminator="kind")]


@dataclass(kw_only=True)
class Corrections:
    schema: int = CORRECTIONS_SCHEMA
    corrections: list[Fix] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Any]:
        return [c for c in self.corrections if c.kind == kind]

    @property
    def questions(self) -> list[QuestionFix]:
        """The last decision per planned question, in the order made."""
        last: dict[str, QuestionFix] = {}
        for c in self.of_kind("question"):
            last.pop(c.question, None)
            last[c.question] = c
        return list(last.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, source: str = CORRECTIONS_FILE) -> Corrections:
        from pydantic import ValidationError

        advice = "; fix or remove that entry"
        if not isinstance(data, dict) or data.get("schema") != CORRECTIONS_SCHEMA:
            schema = data.get("schema") if isinstance(data, dict) else "?"
            raise UserError(f"{source}: corrections schema {schema!r}, this version reads {CORRECTIONS_SCHEMA}")
        try:
            out = type_adapter(cls).validate_python(data)
        except ValidationError as e:
            raise UserError(f"{source}: {field_error(e)}{advice}") from None
        for n, c in enumerate(out.corrections):
            if getattr(c, "end", None) is not None and c.end < c.start:
                raise UserError(f"{source}: corrections.{n}: ends ({c.end}) before it starts ({c.start}){advice}")
        return out


def path_in(folder: Path) -> Path:
    return Path(folder) / CORRECTIONS_FILE


def load(folder: Path) -> Corrections:
    """The folder's corrections (none when it has no corrections.json); UserError, one line
    naming the file and the entry, for a file that is not valid."""
    path = path_in(folder)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{path}: {path.stat().st_size / 1e6:.0f} MB is too big for a corrections file")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Corrections()
    except (OSError, ValueError, RecursionError) as e:
        raise UserError(f"{path}: not readable ({e}); fix it or remove it to start over") from None
    return Corrections.from_dict(data, str(path))


def save(folder: Path, corrections: Corrections) -> Path:
    """Write corrections.json (private, atomic, in the manifest); hold the folder's lock."""
    from listenwell.folder import write_text

    path = path_in(folder)
    write_text(path, json.dumps(corrections.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return path


def add(folder: Path, fix: Any, by: str) -> Any:
    """Append one correction (numbered, stamped) to the folder's file; the stored entry."""
    current = load(folder)
    next_id = max((c.id for c in current.corrections), default=0) + 1
    stored = replace(fix, id=next_id, by=by, made_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    # validated like a file read back: a correction the next load would refuse is refused now
    checked = Corrections.from_dict({**current.to_dict(), "corrections": [
        *(asdict(c) for c in current.corrections), asdict(stored)]}, "correction")
    save(folder, checked)
    return checked.corrections[-1]


def undo(folder: Path) -> Any | None:
    """Remove the last correction; it, or None when there was none."""
    current = load(folder)
    if not current.corrections:
        return None
    last = current.corrections.pop()
    save(folder, current)
    return last


def describe(c: Any) -> str:
    """One correction in words, for terminals and pages."""
    from listenwell.timefmt import clock

    if c.kind == "speaker":
        return f"#{c.id} {clock(c.start)}-{clock(c.end)} said by {c.speaker}"
    if c.kind == "words":
        return f"#{c.id} {clock(c.start)} “{c.was}” -> “{c.text}”" if c.text else f"#{c.id} {clock(c.start)} “{c.was}” deleted"
    if c.kind == "question":
        where = f" at {clock(c.at)}" if c.at is not None else ""
        return f"#{c.id} question {c.question}: {c.state}{where}"
    return f"#{c.id} note at {clock(c.at)}: {c.text}"


# ---- is a report current? ----------------------------------------------------------------


def fingerprint(folder: Path) -> dict[str, str | None]:
    """What a report of this folder is computed from: the transcript's and the corrections'
    content hashes (None for a file that is not there)."""
    out: dict[str, str | None] = {}
    for key, name in (("transcript", "transcript.json"), ("corrections", CORRECTIONS_FILE)):
        try:
            out[key] = hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest()[:16]
        except OSError:
            out[key] = None
    return out


def is_current(folder: Path, sources: dict[str, Any] | None, written: Path | None = None) -> bool:
    """Whether a report made from `sources` (its fingerprint) is current. A report from
    before fingerprints (no sources) is current when no input is newer than `written`."""
    if sources:
        return dict(sources) == fingerprint(folder)
    if written is None or not written.is_file():
        return False
    made = written.stat().st_mtime
    inputs = [Path(folder) / "transcript.json", path_in(folder)]
    return all(not p.exists() or p.stat().st_mtime <= made for p in inputs)


def parse_time(text: str) -> float:
    """A moment typed by a person: seconds (`75.5`), `mm:ss` or `h:mm:ss` (`1:15.5`)."""
    parts = str(text).strip().split(":")
    try:
        if len(parts) > 3 or any(p.strip() == "" for p in parts):
            raise ValueError
        values = [float(p) for p in parts]
    except ValueError:
        raise UserError(f"{text!r} is not a time: give seconds (75.5) or mm:ss (1:15.5)") from None
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    if not seconds >= 0 or seconds == float("inf") or any(v < 0 for v in values) or any(v >= 60 for v in values[1:]):
        raise UserError(f"{text!r} is not a time: give seconds (75.5) or mm:ss (1:15.5)")
    return seconds
