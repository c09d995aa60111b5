"""`listenwell label`: correct an interview from the command line (what the review page does).

Two kinds of correction:
- who the interviewer is (`--swap`, `--interviewer`): the transcript's speaker naming was
  wrong, so transcript.json is relabelled (interviewer_by becomes "manual");
- everything else (`--from/--to` with `--speaker` or `--text`, `--question`, `--note`,
  `--undo`) goes into corrections.json (listenwell/corrections.py), applied on top of the
  transcript wherever a number is computed; the machine's transcript is left as it is.
The exports are rewritten to follow either.

(`listenwell enroll`, your voice once, records through the recorder stage: it lives with
the command-line assembly, listenwell/prepare.py.)"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from listenwell.errors import UserError

USAGE = ("give one correction: --swap, --interviewer LABEL, --from/--to with --speaker or --text, "
         "--question ID with --at or --not-asked, --note TEXT with --at, --undo, or --list")


def register(app: typer.Typer) -> None:
    app.command("label")(label_cmd)


def label_cmd(
    folder: Path = typer.Argument(..., help="An interview folder with a transcript."),
    swap: bool = typer.Option(False, "--swap", help="Swap interviewer and interviewee in the whole interview."),
    interviewer: str | None = typer.Option(None, "--interviewer", help="The label (as in the transcript: S1, S2, interviewee...) of the interviewer."),
    start: str | None = typer.Option(None, "--from", help="Start of a span of the recording: seconds (12.3) or mm:ss."),
    end: str | None = typer.Option(None, "--to", help="End of that span."),
    speaker: str | None = typer.Option(None, "--speaker", help="With --from/--to: who spoke there (interviewer, interviewee, or a label such as S2)."),
    text: str | None = typer.Option(None, "--text", help='With --from/--to: the words actually said there ("" deletes them).'),
    question: str | None = typer.Option(None, "--question", help="A planned question's id: asked --at a moment, or --not-asked."),
    at: str | None = typer.Option(None, "--at", help="A moment of the recording (seconds or mm:ss), for --question or --note."),
    not_asked: bool = typer.Option(False, "--not-asked", help="With --question: it was not asked (a wrong match)."),
    note: str | None = typer.Option(None, "--note", help="Add a note at --at."),
    undo: bool = typer.Option(False, "--undo", help="Take back the last correction."),
    show: bool = typer.Option(False, "--list", help="List the corrections and whether each still applies."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (and nothing else)."),
) -> None:
    """Correct who said what, a word, a question match, or add a note.

    Corrections go to corrections.json; the exports follow them, and so do `report`,
    `list` and `compare`. `listenwell review` does the same on a page.

    Example: listenwell label interviews/priya --swap
    Example: listenwell label interviews/panel --interviewer S2
    Example: listenwell label interviews/priya --from 12.3 --to 15.0 --speaker interviewee
    Example: listenwell label interviews/priya --question day --at 1:02
    Example: listenwell label interviews/priya --question team --not-asked
    Example: listenwell label interviews/priya --undo
    """
    from listenwell.folder import open_folder
    from listenwell.lock import folder_lock

    chosen = [name for name, given in (
        ("swap", swap), ("interviewer", interviewer is not None),
        ("span", any(x is not None for x in (start, end, speaker, text))), ("question", question is not None),
        ("note", note is not None), ("undo", undo), ("list", show)) if given]
    if len(chosen) != 1 or (not_asked and chosen != ["question"]) or (at is not None and chosen[0] not in ("question", "note")):
        raise UserError(USAGE)
    f = open_folder(folder)
    if chosen == ["list"]:
        return _list(f, as_json)
    with folder_lock(f.path, "label"):
        if chosen[0] in ("swap", "interviewer"):
            result = _relabel(f, swap, interviewer)
        else:
            result = _correct(f, chosen[0], start=start, end=end, speaker=speaker, text=text,
                              question=question, at=at, not_asked=not_asked, note=note)
        applied = _refresh(f)
    if as_json:
        typer.echo(json.dumps({**result, **applied.summary()}, indent=2, ensure_ascii=False))
        return
    _say(f, result, applied)


def _relabel(f, swap: bool, interviewer: str | None) -> dict:
    from listenwell.records import Transcript
    from listenwell.transcribe.pipeline import write_transcript
    from listenwell.transcribe.speakers.naming import relabel_for

    transcript = Transcript.load(f.transcript_path)
    before = transcript.speakers.get("interviewer")
    transcript = relabel_for(transcript, swap=swap, interviewer=interviewer)
    write_transcript(f, transcript)
    sp = transcript.speakers
    if swap:
        said = "swapped the speakers: what the transcript gave the interviewer is now the interviewee's, and the other way round"
    else:
        said = f"the interviewer is now {sp.get('interviewer')} (was {before or 'nobody'})"
    return {"speakers": sp, "said": said}


def _correct(f, kind: str, **given) -> dict:
    from listenwell import corrections as c
    from listenwell.corrected import corrected_transcript, interviewee_share

    now = corrected_transcript(f.path)
    fix = _fix(f, now.transcript, kind, **given)
    if kind == "undo":
        taken = c.undo(f.path)
        said = f"took back {c.describe(taken)}" if taken else "nothing to take back: there are no corrections"
        return {"undone": asdict(taken) if taken else None, "said": said}
    stored = c.add(f.path, fix, by="label")
    out = {"correction": asdict(stored), "said": c.describe(stored)}
    if kind == "span" and stored.kind == "speaker":
        after = corrected_transcript(f.path).transcript
        before_share, after_share = interviewee_share(now.transcript), interviewee_share(after)
        if after_share is not None:
            was = f" (was {before_share:.0%})" if before_share is not None else ""
            out["said"] += f"; the interviewee's share is now {after_share:.0%}{was}"
        out["interviewee_share"] = None if after_share is None else round(after_share, 4)
    return out


def _fix(f, transcript, kind: str, *, start, end, speaker, text, question, at, not_asked, note):
    """The correction the options describe, checked against the transcript and plan (the
    same check as the review page's: corrected.checked_fix)."""
    from listenwell import corrections as c
    from listenwell.corrected import checked_fix

    if kind == "undo":
        return None
    if kind == "span":
        if start is None or end is None or (speaker is None) == (text is None):
            raise UserError("a span needs --from and --to, and either --speaker or --text")
        request = {"kind": "speaker" if speaker is not None else "words", "start": c.parse_time(start),
                   "end": c.parse_time(end), "speaker": speaker, "text": text}
    elif kind == "question":
        if (at is None) != not_asked:
            raise UserError("--question needs either --at TIME (asked then) or --not-asked")
        request = {"kind": "question", "question": question, "state": c.NOT_ASKED if not_asked else c.ASKED,
                   "at": None if at is None else c.parse_time(at)}
    else:
        if at is None:
            raise UserError("--note needs --at TIME")
        request = {"kind": "note", "text": note, "at": c.parse_time(at)}
    plan = f.plan() if kind == "question" else None
    return checked_fix(transcript, [q.id for q in plan.questions] if plan else [], request)


def _refresh(f):
    from listenwell.transcribe.exports import refresh_exports

    return refresh_exports(f)


def _list(f, as_json: bool) -> None:
    from listenwell import corrections as c
    from listenwell.corrected import corrected_transcript
    from listenwell.safe_text import printable

    applied = corrected_transcript(f.path)
    if as_json:
        typer.echo(json.dumps({"corrections": applied.corrections.to_dict()["corrections"], **applied.summary()},
                              indent=2, ensure_ascii=False))
        return
    if not applied.corrections.corrections:
        typer.echo(f"no corrections in {f.path}")
    for fix in applied.corrections.corrections:
        typer.echo(printable(c.describe(fix)))
    for why in applied.not_applied:
        typer.echo(printable(f"no longer applies: {why}"))


def _say(f, result: dict, applied) -> None:
    from listenwell.safe_text import printable

    typer.echo(printable(result["said"]))
    for why in applied.not_applied:
        typer.echo(printable(f"no longer applies: {why}"), err=True)
    typer.echo(f"rewrote the exports in {f.path} (transcript.srt .vtt .txt, speakers.rttm)")
    if f.report_path.is_file():
        typer.echo(f"the report is now out of date: run `listenwell report {f.path}`", err=True)
    if result.get("speakers", {}).get("interviewer"):
        typer.echo(f"your voice profile can learn your voice from this interview: listenwell enroll --from {f.path}",
                   err=True)
