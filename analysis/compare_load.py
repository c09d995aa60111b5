"""Finding interview folders and reading what each stage left in them (`list`, `compare`).

Nothing here writes: a folder that is transcribed but not reported gets its report
computed in memory, so comparing never changes someone's interview folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listenwell.corrected import corrected_transcript, interviewee_share
from listenwell.corrections import is_current
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder
from listenwell.plan import Plan
from listenwell.records import Transcript
from listenwell.report_records import Report


@dataclass
class InterviewInfo:
    """One interview as `list` and `compare` see it."""

    folder: InterviewFolder
    stage: str  # created, recorded, transcribed, reported
    interviewee: str = ""
    interviewer: str = ""
    role: str = ""
    company: str = ""
    level: str = ""
    date: str = ""
    duration_s: float | None = None
    interviewee_share: float | None = None
    report: Report | None = None
    report_source: str | None = None  # "file" (report.json) or "computed" (in memory)
    # False: report.json is older than the transcript or the corrections (so it was
    # recomputed in memory, or, for `list`, its numbers come from the corrected transcript)
    report_current: bool | None = None
    pending: str | None = None  # why it cannot be compared yet
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.folder.path.name

    @property
    def label(self) -> str:
        """How the interview is named on screen: the interviewee, else the folder."""
        return self.interviewee or self.name

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder.path),
            "stage": self.stage,
            "date": self.date or None,
            "interviewee": self.interviewee or None,
            "role": self.role or None,
            "company": self.company or None,
            "level": self.level or None,
            "duration_s": _round(self.duration_s),
            "interviewee_share": _round(self.interviewee_share, 3),
            "report_current": self.report_current,
            "pending": self.pending,
        }


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(float(x), digits)


def find_interviews(paths: list[Path]) -> tuple[list[InterviewFolder], list[str]]:
    """Interview folders named, or found one level below a named parent folder.

    Returns the folders (each once, in the order given, children sorted by name) and a
    warning per path that is neither an interview nor a folder holding interviews.
    """
    found: list[InterviewFolder] = []
    warnings: list[str] = []
    seen: set[Path] = set()

    def add(folder: InterviewFolder) -> None:
        key = folder.path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(folder)

    for path in paths:
        path = Path(path)
        folder = InterviewFolder(path)
        if not path.exists():
            warnings.append(f"{path}: no such folder; skipped")
        elif not path.is_dir():
            warnings.append(f"{path}: not a folder; skipped")
        elif folder.is_interview():
            add(folder)
        else:
            children = interview_children(path)
            if children:
                for child in children:
                    add(child)
            else:
                warnings.append(f"{path}: not an interview folder and holds none; skipped")
    return found, warnings


def interview_children(parent: Path) -> list[InterviewFolder]:
    """Interview folders directly inside `parent`, sorted by name (hidden ones ignored)."""
    try:
        entries = sorted(p for p in Path(parent).iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    return [InterviewFolder(p) for p in entries if InterviewFolder(p).is_interview()]


def non_interview_children(parent: Path) -> list[Path]:
    """Folders directly inside `parent` that are not interviews (for `list` to mention)."""
    try:
        entries = sorted(p for p in Path(parent).iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    return [p for p in entries if not InterviewFolder(p).is_interview()]


def describe(folder: InterviewFolder, want_report: bool = False) -> InterviewInfo:
    """What is known about one interview, from its report, plan, transcript and metadata.

    With want_report, a transcribed-but-not-reported folder, or one whose report.json is
    older than its transcript or corrections, gets its report computed in memory
    (analysis.report.build_report, corrections applied); anything not yet transcribed is
    marked pending. Without, an out-of-date report's numbers are not used: the share
    comes from the corrected transcript.
    """
    info = InterviewInfo(folder=folder, stage=folder.stage())
    meta = folder.metadata_or_empty()  # a damaged interview.json must not hide the others
    plan = _plan(folder, info)
    report = None
    if info.stage == "reported":
        report = _read_report(folder, info)
        if report is not None:
            info.report_current = is_current(folder.path, report.sources, folder.report_path)
            info.report_source = "file"
        if report is not None and not info.report_current:
            report = _compute_report(folder, info) if want_report else None
    elif info.stage == "transcribed" and want_report:
        report = _compute_report(folder, info)
    elif info.stage in ("created", "recorded"):
        info.pending = f"not transcribed yet; run `listenwell transcribe {folder.path}`"
    info.report = report

    for key in ("interviewee", "interviewer", "role", "company", "level", "date"):
        value = (getattr(report.interview, key) if report else "") or (getattr(plan, key, "") if plan else "") \
            or meta.get(key) or ""
        setattr(info, key, str(value).strip())
    if not info.date:
        stamp = meta.get("started_at") or meta.get("created_at") or ""
        info.date = str(stamp)[:10]

    transcript = None
    if report is not None:
        info.duration_s = report.duration_s
        info.interviewee_share = report.talk.interviewee_share
    elif folder.transcript_path.is_file() and not info.pending:
        transcript = _transcript(folder, info)
        if transcript is not None:
            info.duration_s = transcript.audio.duration_s
            info.interviewee_share = interviewee_share(transcript)
    if info.duration_s is None:
        info.duration_s = meta.get("duration_s") or _audio_duration(folder)
    return info


def _plan(folder: InterviewFolder, info: InterviewInfo) -> Plan | None:
    try:
        return folder.plan()
    except UserError as e:
        info.notes.append(str(e))
        return None


def _read_report(folder: InterviewFolder, info: InterviewInfo) -> Report | None:
    try:
        return Report.load(folder.report_path)
    except UserError as e:
        info.pending = str(e)
        return None


def _compute_report(folder: InterviewFolder, info: InterviewInfo) -> Report | None:
    from listenwell.analysis.report import build_report

    try:
        report = build_report(folder)
    except UserError as e:
        info.pending = f"cannot analyse it yet: {e}"
        return None
    except Exception as e:  # one folder the analysis trips on must not block the others
        info.pending = (f"could not be analysed ({type(e).__name__}: {e}); "
                        f"run `listenwell report {folder.path}` to see why")
        return None
    info.report_source = "computed"
    return report


def _transcript(folder: InterviewFolder, info: InterviewInfo) -> Transcript | None:
    """The transcript with the user's corrections applied."""
    try:
        return corrected_transcript(folder.path).transcript
    except UserError as e:
        info.notes.append(str(e))
        return None


def _audio_duration(folder: InterviewFolder) -> float | None:
    audio = folder.audio_path
    if audio is None:
        return None
    try:
        import soundfile

        return float(soundfile.info(str(audio)).duration)
    except Exception:  # a format libsndfile cannot read (mp3 on old builds, m4a): unknown
        return None
