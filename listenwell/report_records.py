"""The report of one interview as typed records: report.json <-> Report.

Field names, nesting and order are the report.json contract (README.md, docs/report.md).
The fields docs/report.md marks (+) are additive extras: they have defaults, so a report
with the contract fields only still loads. Times are seconds from the start of the audio,
rounded where the report is made (analysis/report.py), not here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import WrapValidator

from listenwell.errors import UserError
from listenwell.records import field_error, type_adapter

REPORT_SCHEMA = 1

# kw_only: the contract's order of keys mixes required fields and extras with defaults.


def _keep_int(value: Any, handler: Any) -> Any:
    return value if type(value) is int else handler(value)


# The plan's minutes as written (20, not 20.0), so that a report read back says the same.
Minutes = Annotated[float, WrapValidator(_keep_int)]


@dataclass(kw_only=True)
class InterviewMeta:
    interviewee: str = ""
    interviewer: str = ""
    role: str = ""
    company: str = ""
    level: str | None = None  # above, peer, below
    date: str = ""
    folder: str = ""  # the folder's name
    audio: str | None = None  # (+) the recording's file name
    plan: str | None = None  # (+) the plan's file name


@dataclass(kw_only=True)
class Talk:
    interviewer_s: float
    interviewee_s: float
    interviewee_share: float | None  # None when the speakers are not named
    target_share: float
    other_s: float  # speakers beyond the two
    by_speaker: dict[str, float] = field(default_factory=dict)  # (+)


@dataclass(kw_only=True)
class QuestionResult:
    """One planned question: whether, when and how it was asked, and its answer."""

    id: str
    text: str
    priority: int
    asked: bool
    asked_at_s: float | None
    order: int | None  # 1 = asked first
    answer_s: float | None  # the interviewee's talk until the next ask
    asked_text: str | None
    match_score: float | None
    answer_start_s: float | None
    answer_end_s: float | None
    answer_excerpt: str | None
    interviewee_share: float | None  # from the ask to the next ask
    # (+) asked | maybe | not asked. "maybe" (a match too weak to trust) never counts as
    # asked in the metrics until the user confirms it (`asked` stays False).
    state: str = "not asked"
    confidence: float | None = None  # (+) how sure the state is, 0..1 (calibrated)
    theme: str | None = None  # (+) duties, conditions, prospects, path, advice, network
    decided_by: str = "auto"  # (+) auto, or user (a correction in corrections.json)

    @classmethod
    def unasked(cls, id: str, text: str, priority: int) -> QuestionResult:
        return cls(id=id, text=text, priority=priority, asked=False, asked_at_s=None, order=None,
                   answer_s=None, asked_text=None, match_score=None, answer_start_s=None,
                   answer_end_s=None, answer_excerpt=None, interviewee_share=None)


@dataclass(kw_only=True)
class Followup:
    text: str
    at_s: float
    answer_s: float | None
    # (+) a follow-up that may be a planned question (state "maybe" on that question):
    # its id and P(it is that question); shown, not counted, until the user decides
    maybe: str | None = None
    confidence: float | None = None


@dataclass(kw_only=True)
class AskEntry:
    """(+) One ask of the interviewer, planned or not, in time order."""

    at_s: float
    end_s: float
    text: str
    planned: str | None  # the planned question's id, None for a follow-up
    score: float
    answer_s: float
    state: str = "follow-up"  # (+) asked (a planned question), maybe, follow-up
    confidence: float | None = None  # (+) P(the ask is `planned`, or `maybe`)
    maybe: str | None = None  # (+) the planned question it may be (state maybe)
    also: list[str] = field(default_factory=list)  # (+) more planned ids asked in the same breath


@dataclass(kw_only=True)
class ThemeCoverage:
    """(+) One theme of the interview: asked about, and talked about in the answers."""

    essential: bool  # duties, conditions and prospects: what an informational interview is for
    planned: list[str] = field(default_factory=list)  # planned ids with this theme
    asked: list[str] = field(default_factory=list)  # of those, asked (state asked)
    maybe: list[str] = field(default_factory=list)  # of those, maybe asked
    guessed: list[str] = field(default_factory=list)  # planned ids whose theme the plan did not give
    covered_in_answers: bool = False  # the interviewee's answers talked about it
    answer_terms: list[str] = field(default_factory=list)  # the words that showed it, most frequent first
    answer_at_s: list[float] = field(default_factory=list)  # where (up to 3 times)
    covered: bool = False  # asked, or covered in the answers


@dataclass(kw_only=True)
class TimeBudget:
    planned_min: Minutes | None  # None without `minutes` in the plan
    actual_min: float  # first to last speech
    over_min: float | None  # negative: time left
    promise_ended_at_s: float | None
    asked_after_promise: list[str]  # planned ids
    conversation_start_s: float | None = None  # (+)
    conversation_end_s: float | None = None  # (+)


@dataclass(kw_only=True)
class Stats:
    interviewer_longest_s: float
    interviewee_longest_s: float
    interviewer_longest_at_s: float | None = None  # (+)
    interviewee_longest_at_s: float | None = None  # (+)
    interruptions: int
    patience_median_s: float | None
    questions_per_10min: float | None
    interviewer_wpm: float | None
    interviewee_wpm: float | None
    # (+) interactivity: changes of speaker per minute of conversation (analysis/talk.py)
    switches_per_min: float | None = None
    # (+) active listening: the interviewer's short acknowledgements ("mm-hm", "right")
    # while the interviewee talks; not counted as interruptions
    acknowledgements: int = 0
    acknowledgement_times: list[float] = field(default_factory=list)


@dataclass(kw_only=True)
class Mapping:
    """(+) How asked questions were matched to the plan."""

    method: str = "none"  # combined, lexical (fallback) or none
    questions_found: int = 0
    asked_from: float | None = None  # P at or above which a match is "asked"
    maybe_from: float | None = None  # ... and "maybe"


@dataclass(kw_only=True)
class Note:
    """(+) A mark or note taken while recording (notes.jsonl)."""

    at_s: float
    kind: str  # mark, note, pause, resume
    text: str = ""


@dataclass(kw_only=True)
class Report:
    schema: int = REPORT_SCHEMA
    generated_at: str = ""
    tool_version: str = ""
    interview: InterviewMeta = field(default_factory=InterviewMeta)
    duration_s: float
    talk: Talk
    questions: list[QuestionResult]
    asked_order: list[str]  # planned ids in the order asked
    skipped: list[str]  # planned ids not asked, maybes included (they are not counted as asked)
    maybe: list[str] = field(default_factory=list)  # (+) of `skipped`, those that may have been asked
    followups: list[Followup]
    asked: list[AskEntry] = field(default_factory=list)  # (+)
    time_budget: TimeBudget
    stats: Stats
    interruption_times: list[float] = field(default_factory=list)  # (+)
    priority_first: bool | None  # None without a plan or without priority-1 asks
    mapping: Mapping = field(default_factory=Mapping)  # (+)
    themes: dict[str, ThemeCoverage] = field(default_factory=dict)  # (+) theme -> coverage
    speakers: dict[str, Any] = field(default_factory=dict)  # (+) transcript.json's block
    findings: list[str]
    unheard_interviewer_s: list[float] = field(default_factory=list)  # (+)
    notes: list[Note] = field(default_factory=list)  # (+)
    # (+) what the report was computed from: content hashes of transcript.json and
    # corrections.json (listenwell/corrections.py fingerprint); a report whose sources
    # differ from the folder's files is out of date
    sources: dict[str, str | None] = field(default_factory=dict)
    # (+) the user's corrections: {"applied": n, "not_applied": [sentences]}
    corrections: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report.json object."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, source: str = "report.json", advice: str = "") -> Report:
        """A validated Report; UserError naming `source` and the first bad field."""
        from pydantic import ValidationError

        if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
            schema = data.get("schema") if isinstance(data, dict) else "?"
            raise UserError(f"{source} has schema {schema}, not {REPORT_SCHEMA}{advice}")
        try:
            return type_adapter(cls).validate_python(data)
        except ValidationError as e:
            raise UserError(f"{source}: {field_error(e)}{advice}") from None

    @classmethod
    def load(cls, path: Path) -> Report:
        """Read and validate a report.json; every problem is one line with what to run."""
        path = Path(path)
        advice = f"; rerun `listenwell report {path.parent}`"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{path}: no report yet; run `listenwell report {path.parent}`") from None
        except (OSError, ValueError, RecursionError) as e:  # RecursionError: absurdly nested JSON
            raise UserError(f"{path.name} is unreadable ({e}){advice}") from None
        return cls.from_dict(data, path.name, advice)
