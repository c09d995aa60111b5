"""The interview plan: who is interviewed, the time promised, the questions by priority.

A plan is TOML (see STARTER_PLAN) or a plain Markdown/text list of questions, one per line
or bullet, priority by order. Markdown plans may start with `key: value` lines for the
interview fields (interviewee, role, company, level, minutes, interviewer, people).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field
from typing_extensions import Required, TypedDict  # pydantic needs it on Python < 3.12

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from listenwell.errors import PlanError

LEVELS = ("above", "peer", "below")
DEFAULT_TARGET_SHARE = 0.70
DEFAULT_PEOPLE = 2  # an interview has two people unless the plan says otherwise
MAX_PEOPLE = 20
PLAN_SUFFIXES = (".toml", ".md", ".markdown", ".txt")

DEFAULT_CONSENT_STATEMENT = (
    "I would like to record our conversation so that I can listen to it again and take "
    "accurate notes. The recording and its transcript stay on my computer, are never "
    "shared, and I will delete them whenever you ask. Is it OK with you if I record?"
)

# What a question is about. An informational interview should leave you with a clear idea
# of the job's duties, its working conditions and the prospects of the profession (the
# ESSENTIAL_THEMES); path, advice and network are the other usual themes.
THEMES = ("duties", "conditions", "prospects", "path", "advice", "network")
ESSENTIAL_THEMES = ("duties", "conditions", "prospects")


# The plan file's schema, checked by pydantic (strict: `minutes = "20"` or `priority = true`
# is a mistake to point out, not to coerce). Problems become `file:line: message`, see
# _plan_problem().
def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


def _theme(value: str) -> str:
    if value.strip().lower() not in THEMES:
        raise ValueError("is not a theme")
    return value.strip().lower()


class InterviewTable(TypedDict, total=False):
    """[interview]: who, the time promised, the wanted talk share."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]
    interviewee: str
    interviewer: str
    role: str
    company: str
    level: Literal["above", "peer", "below"]
    minutes: Annotated[float, Field(gt=0, le=600)]  # also refuses nan and inf
    date: str
    consent_statement: str
    target_share: Annotated[float, Field(gt=0, lt=1)]
    people: Annotated[int, Field(ge=1, le=MAX_PEOPLE)]


class QuestionTable(TypedDict, total=False):
    """One [[questions]] table."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]
    text: Required[Annotated[str, AfterValidator(_text)]]
    priority: Annotated[int, Field(ge=1)]
    theme: Annotated[str, AfterValidator(_theme)]


class PlanFile(TypedDict, total=False):
    """A TOML plan file."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]
    interview: InterviewTable
    questions: list[QuestionTable]


# what each field must be, said the way a person would fix it
_INTERVIEW_RULES = {
    "level": f"level must be one of {', '.join(LEVELS)}",
    "minutes": "minutes must be a number between 1 and 600",
    "target_share": "target_share must be a fraction between 0 and 1, such as 0.7",
    "people": f"people must be a whole number from 1 to {MAX_PEOPLE} (you included)",
}
_QUESTION_RULES = {
    "id": "id must be letters, digits, '-', '_' or '.'",
    "priority": "priority must be a whole number from 1 (most important)",
    "theme": f"theme must be one of {', '.join(THEMES)}",
}




@dataclass
class Question:
    id: str
    text: str
    priority: int  # 1 = most important
    theme: str | None = None  # one of THEMES, or None when the plan does not say


@dataclass
class Plan:
    questions: list[Question] = field(default_factory=list)
    interviewee: str = ""
    interviewer: str = ""
    role: str = ""
    company: str = ""
    level: str | None = None  # relative to the position explored: above, peer, below
    minutes: float | None = None  # the time promised to the interviewee
    date: str = ""
    consent_statement: str = DEFAULT_CONSENT_STATEMENT
    target_share: float = DEFAULT_TARGET_SHARE  # wanted share of speech by the interviewee
    people: int = DEFAULT_PEOPLE  # voices in the recording, the interviewer included (3+: a panel)

    def by_priority(self) -> list[Question]:
        return sorted(self.questions, key=lambda q: (q.priority, self.questions.index(q)))

    def vocabulary(self) -> list[str]:
        """Names and terms from the plan that a speech recogniser should expect."""
        terms = [self.interviewee, self.interviewer, self.company, self.role]
        return [t for t in terms if t]


def load_plan(path: Path) -> Plan:
    """Read and validate a plan; raise PlanError naming the first problem and its line."""
    plan, errors = check_plan(path)
    if errors:
        more = f" (and {len(errors) - 1} more; run `listenwell plan check`)" if len(errors) > 1 else ""
        raise PlanError(errors[0] + more)
    assert plan is not None
    return plan


def check_plan(path: Path) -> tuple[Plan | None, list[str]]:
    """Every problem in a plan file as `file:line: message`, and the plan if there are none."""
    path = Path(path)
    if not path.exists():
        return None, [f"{path}: no such plan file; `listenwell plan new {path}` writes a starter plan"]
    if path.is_dir():
        return None, [f"{path}: is a folder, not a plan file"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, [f"{path}: cannot read the plan ({e})"]
    if path.suffix.lower() == ".toml":
        return parse_toml_plan(text, str(path))
    return parse_text_plan(text, str(path))


def parse_toml_plan(text: str, name: str = "plan.toml") -> tuple[Plan | None, list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        where = f"{name}:{m.group(1)}" if m else name
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        return None, [f"{where}: malformed TOML: {reason}"]

    lines = text.splitlines()
    from pydantic import ValidationError

    from listenwell.records import type_adapter

    errors: list[tuple[int | None, str]] = []
    headers = _question_lines(lines)  # the line of each [[questions]] table
    try:
        type_adapter(PlanFile).validate_python(data)
    except ValidationError as e:
        errors += [_plan_problem(x["loc"], x["type"], x["input"], lines, headers) for x in e.errors()]
    questions = data.get("questions", [])
    if isinstance(questions, list) and not errors:
        seen: dict[str, int] = {}
        for i, q in enumerate(questions):
            qid = q.get("id", f"q{i + 1}")
            if qid in seen:
                errors.append((_line_of(lines, r"^\s*id\s*=", after=_nth(headers, i)),
                               f"question id '{qid}' is used twice (first in question {seen[qid]})"))
            seen.setdefault(qid, i + 1)
    if isinstance(questions, list) and not questions:
        errors.append((None, "the plan has no questions; add [[questions]] tables (see `listenwell plan new`)"))
    errors.sort(key=lambda e: e[0] or 0)
    messages = [f"{name}:{line}: {msg}" if line else f"{name}: {msg}" for line, msg in errors]
    return (None, messages) if messages else (_plan_from(data), [])


def _plan_from(data: dict) -> Plan:
    """A Plan from a validated plan file."""
    info = {k: v.strip() if isinstance(v, str) else v for k, v in data.get("interview", {}).items()}
    plan = Plan(**info)
    plan.consent_statement = plan.consent_statement or DEFAULT_CONSENT_STATEMENT
    plan.questions = [Question(id=q.get("id", f"q{i + 1}"), text=" ".join(q["text"].split()),
                               priority=q.get("priority", i + 1), theme=q.get("theme"))
                      for i, q in enumerate(data.get("questions", []))]
    return plan


def _plan_problem(loc: tuple, kind: str, value: object, lines: list[str],
                  headers: list[int]) -> tuple[int | None, str]:
    """One pydantic error on a TOML plan as (line, message); `headers`: the lines of the
    [[questions]] tables."""
    interview_at = _line_of(lines, r"^\s*\[\s*interview\s*\]") or 1
    shown = repr(value) if isinstance(value, str | int | float) and len(repr(value)) <= 40 else type(value).__name__
    if len(loc) == 1:
        key = str(loc[0])
        if kind == "extra_forbidden":
            return (_line_of(lines, rf"\[\[?\s*{re.escape(key)}\b|^\s*{re.escape(key)}\s*="),
                    f"unknown section or key '{key}' (expected [interview] and [[questions]])")
        if key == "interview":
            return _line_of(lines, r"^\s*interview\s*="), "'interview' must be a table: [interview]"
        return _line_of(lines, r"^\s*questions\s*="), "questions must be [[questions]] tables"
    if loc[0] == "interview":
        key = str(loc[1])
        line = _line_of(lines, rf"^\s*{re.escape(key)}\s*=", after=interview_at)
        if kind == "extra_forbidden":
            return line, f"unknown key '{key}' in [interview] (known: {', '.join(InterviewTable.__annotations__)})"
        return line, f"{_INTERVIEW_RULES.get(key, f'{key!r} must be text in quotes')}, not {shown}"
    n = int(loc[1]) + 1
    qline = _nth(headers, n - 1)
    if len(loc) == 2:
        return qline, f"question {n} must be a table"
    key = str(loc[2])
    if kind == "extra_forbidden":
        return (_line_of(lines, rf"^\s*{re.escape(key)}\s*=", after=qline),
                f"unknown key '{key}' in question {n} (known: {', '.join(QuestionTable.__annotations__)})")
    if key == "text":
        return qline, f"question {n} has no text"
    return _line_of(lines, rf"^\s*{re.escape(key)}\s*=", after=qline), f"question {n}: {_QUESTION_RULES[key]}, not {shown}"


def _question_lines(lines: list[str]) -> list[int]:
    return [i + 1 for i, ln in enumerate(lines) if re.match(r"^\s*\[\[\s*questions\s*\]\]", ln)]


def _nth(items: list[int], i: int) -> int | None:
    return items[i] if i < len(items) else None


_THEME_TAG = re.compile(r"\s\[([A-Za-z]+)\]\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|\[[ xX]\]\s+)")
_META = re.compile(r"^\s*(interviewee|interviewer|role|company|level|minutes|date|people)\s*:\s*(.+?)\s*$", re.I)


def parse_text_plan(text: str, name: str = "plan.md") -> tuple[Plan | None, list[str]]:
    """A Markdown or text list of questions: one per line or bullet, priority by order."""
    plan = Plan()
    errors: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith(">") or set(line) <= set("-=*_ "):
            continue
        meta = _META.match(line)
        if meta and not plan.questions:
            problem = _read_meta(plan, meta.group(1).lower(), meta.group(2))
            if problem:
                errors.append(f"{name}:{n}: {problem}")
            continue
        question = _BULLET.sub("", line).strip()
        theme = _THEME_TAG.search(question)  # "What does a typical day look like? [duties]"
        if theme:
            if theme.group(1).lower() not in THEMES:
                errors.append(f"{name}:{n}: theme [{theme.group(1)}] must be one of {', '.join(THEMES)}")
                continue
            question = question[: theme.start()].rstrip()
        if question:
            k = len(plan.questions) + 1
            plan.questions.append(Question(id=f"q{k}", text=question, priority=k,
                                           theme=theme.group(1).lower() if theme else None))
    if not plan.questions:
        errors.append(f"{name}: the plan has no questions; write one question per line")
    return (None if errors else plan), errors


def _read_meta(plan: Plan, key: str, value: str) -> str | None:
    """A `key: value` line of a text plan into `plan`, checked by the same schema as
    [interview]; the problem, or None."""
    from pydantic import ValidationError

    from listenwell.records import type_adapter

    typed: object = value
    if key == "minutes":
        try:
            typed = float(value.split()[0])  # "20 minutes"
        except ValueError:
            return f"minutes must be a number, not '{value}'"
    elif key == "people":
        typed = int(value) if value.isdigit() else value
    elif key == "level":
        typed = value.lower()
    try:
        type_adapter(InterviewTable).validate_python({key: typed})
    except ValidationError:
        return f"{_INTERVIEW_RULES[key]}, not '{value}'"
    setattr(plan, key, typed)
    return None


def _line_of(lines: list[str], pattern: str, after: int | None = None) -> int | None:
    """1-based number of the first line matching pattern, at or after line `after`."""
    start = (after or 1) - 1
    for i in range(start, len(lines)):
        if re.search(pattern, lines[i]):
            return i + 1
    return None


STARTER_PLAN = '''\
# An informational interview plan for listenwell.
# Ask the most important questions first (priority 1), keep to the time you promised,
# and let the interviewee do the talking.
# Each question may carry a theme: duties, conditions, prospects (the three an
# informational interview is for: the report says which were covered), path, advice, network.

[interview]
interviewee = "Morgan Lee"          # who you are talking to
role = "UX researcher"              # their job title
company = "Northwind Health"
level = "above"                     # relative to the position you explore: above, peer, below
minutes = 20                        # the time you promised them
# interviewer = "Your Name"
# target_share = 0.7                # the share of speech you want them to have
# people = 3                        # voices on the recording, you included (default 2; 3+ for a panel)
# consent_statement = "..."         # what you read out before recording

[[questions]]
id = "day"
text = "What does a typical day look like in your role?"
priority = 1
theme = "duties"

[[questions]]
id = "path"
text = "How did you get into this field, and how would you get in today?"
priority = 1
theme = "path"

[[questions]]
id = "conditions"
text = "What are the working conditions like: hours, pressure, flexibility, travel?"
priority = 2
theme = "conditions"

[[questions]]
id = "likes"
text = "What do you enjoy most about the work, and what do you find hardest?"
priority = 2
theme = "duties"

[[questions]]
id = "future"
text = "Where do you see the profession going in the next five years?"
priority = 2
theme = "prospects"

[[questions]]
id = "skills"
text = "Which skills or experience matter most for someone starting out?"
priority = 3
theme = "advice"

[[questions]]
id = "referrals"
text = "Who else would you suggest I talk to?"
priority = 3
theme = "network"
'''
