"""interview.json: what the recorder, import and transcribe know about an interview.

The file is open-ended (each stage adds its facts), so only the fields listenwell reads are
checked, by type and range; other keys are kept as they are. A file name in it must name a
file inside the folder (never `../` or a path elsewhere).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from listenwell.errors import UserError


def _plain_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise ValueError("must be the name of a file in the interview folder")
    return name


def _finite(x: float) -> float:
    if not math.isfinite(x):
        raise ValueError("must be a finite number")
    return x


FileName = Annotated[str, AfterValidator(_plain_name)]
Seconds = Annotated[float, Field(ge=0), AfterValidator(_finite)]


class Metadata(TypedDict, total=False):
    """The fields of interview.json that listenwell reads."""

    audio: FileName | None
    consent_audio: FileName | None
    source: Literal["recorded", "imported"]
    created_at: str | None
    started_at: str | None
    imported_from: str | None
    channels: list[str] | None
    duration_s: Seconds | None
    audio_truncated_at_s: Seconds | None
    sample_rate: Annotated[int, Field(gt=0)] | None
    audio_channels: Annotated[int, Field(gt=0)] | None
    interviewee: str | None
    interviewer: str | None
    role: str | None
    company: str | None
    level: str | None
    date: str | None
    planned_minutes: Seconds | None
    recording: bool | None
    recorder_pid: int | None  # None once the recording ended


def parse(text: str, source: str) -> dict[str, Any]:
    """interview.json's content, checked; UserError naming the file and field."""
    from pydantic import ValidationError

    from listenwell.records import field_error, type_adapter

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise UserError(f"{source} is not readable JSON ({e}); restore it or delete it and run "
                        "`listenwell import` again") from None
    if not isinstance(data, dict):
        raise UserError(f"{source}: not an object of interview facts")
    known = {k: v for k, v in data.items() if k in Metadata.__annotations__}
    try:
        type_adapter(Metadata).validate_python(known)
    except ValidationError as e:
        raise UserError(f"{source}: {field_error(e)}") from None
    return data


def read(path: Path) -> dict[str, Any]:
    """The checked metadata at `path`; {} when there is none."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot read ({e})") from None
    return parse(text, str(path))
