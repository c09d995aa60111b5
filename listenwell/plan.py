"""The interview plan: who is interviewed, the time promised, the questions by priority.

A plan is TOML (see STARTER_PLAN) or a plain Markdown/text list of questions, one per line
or bullet, priority by order. Markdown plans may start with `key: value` lines for the
interview fields (interviewee, role, company, level, minutes, interviewer, people).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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

INTERVIEW_KEYS = {
    "interviewee": str,
    "interviewer": str,
    "role": str,
    "company": str,
    "level": str,
    "minutes": (int, float),
    "date": str,
    "consent_statement": str,
    "target_share": (int, float),
    "people": int,
}
QUESTION_KEYS = {"id": str, "text": str, "priority": int, "theme": str}
# What a question is about. An informational interview should leave you with a clear idea
# of the job's duties, its working conditions and the prospects of the profession (the
# ESSENTIAL_THEMES); path, advice and network are the other usual themes.
THEMES = ("duties", "conditions", "prospects", "path", "advice", "network")
ESSENTIAL_THEMES = ("duties", "conditions", "prospects")


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

    errors: list[str] = []
    lines = text.splitlines()

    def err(line: int | None, msg: str) -> None:
        errors.append(f"{name}:{line}: {msg}" if line else f"{name}: {msg}")

    for key in data:
        if key not in ("interview", "questions"):
            err(_line_of(lines, rf"\[\[?\s*{re.escape(key)}\b|^\s*{re.escape(key)}\s*="),
                f"unknown section or key '{key}' (expected [interview] and [[questions]])")

    plan = Plan()
    _read_interview(plan, data.get("interview", {}), lines, err)
    _read_questions(plan, data.get("questions", []), lines, err)
    return (None if errors else plan), errors


ErrorSink = Callable[[int | None, str], None]  # (line or None, message)


def _read_interview(plan: Plan, info: object, lines: list[str], err: ErrorSink) -> None:
    """The [interview] table into `plan`; each problem to err() with its line."""
    if not isinstance(info, dict):
        err(_line_of(lines, r"^\s*interview\s*="), "'interview' must be a table: [interview]")
        info = {}
    interview_start = _line_of(lines, r"^\s*\[\s*interview\s*\]") or 1
    for key, value in info.items():
        line = _line_of(lines, rf"^\s*{re.escape(key)}\s*=", after=interview_start)
        if key not in INTERVIEW_KEYS:
            err(line, f"unknown key '{key}' in [interview] (known: {', '.join(INTERVIEW_KEYS)})")
            continue
        if not isinstance(value, INTERVIEW_KEYS[key]) or isinstance(value, bool):
            err(line, f"'{key}' has the wrong type ({type(value).__name__})")
            continue
        setattr(plan, key, value.strip() if isinstance(value, str) else value)
    if plan.level is not None and plan.level not in LEVELS:
        err(_line_of(lines, r"^\s*level\s*=", after=interview_start),
            f"level must be one of {', '.join(LEVELS)}, not '{plan.level}'")
    if plan.minutes is not None and not 0 < plan.minutes <= 600:
        err(_line_of(lines, r"^\s*minutes\s*=", after=interview_start),
            "minutes must be between 1 and 600")
    if not 0 < plan.target_share < 1:
        err(_line_of(lines, r"^\s*target_share\s*=", after=interview_start),
            "target_share must be a fraction between 0 and 1, such as 0.7")
    if not 1 <= plan.people <= MAX_PEOPLE:
        err(_line_of(lines, r"^\s*people\s*=", after=interview_start),
            f"people must be a whole number from 1 to {MAX_PEOPLE} (you included)")
    if not plan.consent_statement:
        plan.consent_statement = DEFAULT_CONSENT_STATEMENT


def _read_questions(plan: Plan, questions: object, lines: list[str], err: ErrorSink) -> None:
    """The [[questions]] tables into `plan`; each problem to err() with its line."""
    if not isinstance(questions, list):
        err(_line_of(lines, r"^\s*questions\s*="), "questions must be [[questions]] tables")
        questions = []
    headers = [i + 1 for i, ln in enumerate(lines) if re.match(r"^\s*\[\[\s*questions\s*\]\]", ln)]
    seen: dict[str, int] = {}
    for i, q in enumerate(questions):
        qline = headers[i] if i < len(headers) else None
        if not isinstance(q, dict):
            err(qline, f"question {i + 1} must be a table")
            continue
        for key in q:
            if key not in QUESTION_KEYS:
                err(_line_of(lines, rf"^\s*{re.escape(key)}\s*=", after=qline),
                    f"unknown key '{key}' in question {i + 1} (known: id, text, priority, theme)")
        text = q.get("text")
        if not isinstance(text, str) or not text.strip():
            err(qline, f"question {i + 1} has no text")
            continue
        qid = q.get("id", f"q{i + 1}")
        if not isinstance(qid, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", qid):
            err(_line_of(lines, r"^\s*id\s*=", after=qline),
                f"question {i + 1}: id must be letters, digits, '-', '_' or '.'")
            continue
        if qid in seen:
            err(_line_of(lines, r"^\s*id\s*=", after=qline),
                f"question id '{qid}' is used twice (first in question {seen[qid]})")
            continue
        seen[qid] = i + 1
        priority = q.get("priority", i + 1)
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 1:
            err(_line_of(lines, r"^\s*priority\s*=", after=qline),
                f"question {i + 1}: priority must be a whole number from 1 (most important)")
            continue
        theme = q.get("theme")
        if theme is not None and (not isinstance(theme, str) or theme.strip().lower() not in THEMES):
            err(_line_of(lines, r"^\s*theme\s*=", after=qline),
                f"question {i + 1}: theme must be one of {', '.join(THEMES)}")
            continue
        plan.questions.append(Question(id=qid, text=" ".join(text.split()), priority=priority,
                                       theme=theme.strip().lower() if theme else None))
    if not questions:
        err(None, "the plan has no questions; add [[questions]] tables (see `listenwell plan new`)")


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
            key, value = meta.group(1).lower(), meta.group(2)
            if key == "minutes":
                try:
                    plan.minutes = float(value.split()[0])
                except ValueError:
                    errors.append(f"{name}:{n}: minutes must be a number, not '{value}'")
                    continue
                if not 0 < plan.minutes <= 600:
                    errors.append(f"{name}:{n}: minutes must be between 1 and 600")
            elif key == "people":
                if not value.isdigit() or not 1 <= int(value) <= MAX_PEOPLE:
                    errors.append(f"{name}:{n}: people must be a whole number from 1 to {MAX_PEOPLE}, not '{value}'")
                    continue
                plan.people = int(value)
            elif key == "level":
                if value.lower() not in LEVELS:
                    errors.append(f"{name}:{n}: level must be one of {', '.join(LEVELS)}, not '{value}'")
                plan.level = value.lower()
            else:
                setattr(plan, key, value)
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
