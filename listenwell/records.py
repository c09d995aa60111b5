"""The records that flow between stages: audio -> transcript -> report.

Each stage reads the previous stage's JSON file from the interview folder into these
dataclasses and writes its own. Times are seconds from the start of the audio, as floats.
Field names match the JSON contract documented in README.md.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TRANSCRIPT_SCHEMA = 1

INTERVIEWER = "interviewer"
INTERVIEWEE = "interviewee"


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float
    speaker: str | None = None


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


@dataclass
class Turn:
    """A stretch of speech by one speaker (speech only: silences are not inside turns)."""

    start: float
    end: float
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class AudioInfo:
    file: str  # name inside the interview folder
    sha256: str
    duration_s: float
    sample_rate: int
    channels: int


@dataclass
class Transcript:
    audio: AudioInfo
    model: str
    settings: dict[str, Any]
    language: str | None
    segments: list[Segment]
    turns: list[Turn] = field(default_factory=list)
    # How speakers were found and named: {"method": ..., "interviewer_by": ..., ...}.
    speakers: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    tool_version: str = ""
    schema: int = TRANSCRIPT_SCHEMA

    @property
    def has_speakers(self) -> bool:
        return bool(self.turns)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        # schema first so that a person opening the file sees the version at once
        return {"schema": d.pop("schema"), **d}

    @classmethod
    def from_dict(cls, data: Any, source: str = "transcript.json") -> Transcript:
        """A validated Transcript; UserError naming `source` and the first bad field."""
        from pydantic import ValidationError

        from listenwell.errors import UserError

        advice = "; rerun `listenwell transcribe --force`"
        if not isinstance(data, dict) or "schema" not in data:
            raise UserError(f"{source}: not a listenwell transcript (no schema number){advice}")
        if data["schema"] != TRANSCRIPT_SCHEMA:
            raise UserError(f"{source}: transcript schema {data['schema']!r}, this version reads "
                            f"{TRANSCRIPT_SCHEMA}{advice}")
        try:
            # settings and language have always been optional in the file
            transcript = type_adapter(cls).validate_python({"settings": {}, "language": None, **data})
        except ValidationError as e:
            raise UserError(f"{source}: {field_error(e)}{advice}") from None
        problem = time_problem(transcript)
        if problem:
            raise UserError(f"{source}: {problem}{advice}")
        return transcript

    @classmethod
    def load(cls, path: Path) -> Transcript:
        from listenwell.errors import UserError

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{path}: no transcript yet; run `listenwell transcribe` first") from None
        except (OSError, ValueError, RecursionError) as e:  # RecursionError: absurdly nested JSON
            raise UserError(f"{path}: not a readable transcript ({e}); rerun `listenwell transcribe --force`") from None
        return cls.from_dict(data, str(path))


# ---- validation of records read from files ------------------------------------------------


@cache
def type_adapter(cls: type) -> Any:
    """pydantic's validator for a dataclass of records (built once: building is slow)."""
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def field_error(e: Any) -> str:
    """A pydantic ValidationError as one line: the first bad field's path and the problem,
    e.g. `segments.3.words.0.start: Input should be a valid number`."""
    first = e.errors()[0]
    where = ".".join(str(x) for x in first["loc"]) or "top level"
    return f"{where}: {first['msg']}"


TIME_SLACK_S = 1.0  # the recogniser may place a last word end a little past the decoded audio


def time_problem(t: Transcript) -> str | None:
    """The first time in a transcript that cannot be: not finite, negative, an end before its
    start, or past the end of the audio; as `field.path: problem`, or None."""
    import math

    duration = t.audio.duration_s
    if not math.isfinite(duration) or duration < 0:
        return f"audio.duration_s: {duration} is not a length of audio"
    limit = duration + TIME_SLACK_S
    spans = [(f"segments.{i}", s) for i, s in enumerate(t.segments)]
    spans += [(f"segments.{i}.words.{j}", w) for i, s in enumerate(t.segments) for j, w in enumerate(s.words)]
    spans += [(f"turns.{i}", x) for i, x in enumerate(t.turns)]
    for where, x in spans:
        for name in ("start", "end"):
            v = getattr(x, name)
            if not math.isfinite(v) or v < 0:
                return f"{where}.{name}: {v} is not a time in the audio"
            if v > limit:
                return f"{where}.{name}: {v} s is past the end of the audio ({duration:g} s)"
        if x.end < x.start:
            return f"{where}: ends ({x.end}) before it starts ({x.start})"
    return None
