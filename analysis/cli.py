"""Commands of the analysis stage: `report`, `plan new`, `plan check`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

plan_app = typer.Typer(
    help="Write or check an interview plan (the questions you mean to ask, by priority).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the listenwell app."""
    app.command("report")(report)
    app.add_typer(plan_app, name="plan")


def report(
    folder: Path = typer.Argument(..., help="The interview folder (with transcript.json)."),
    plan: Path | None = typer.Option(None, "--plan", help="A plan to use instead of the folder's plan.toml / plan.md."),
    target: float | None = typer.Option(
        None, "--target", help="Wanted share of speech by the interviewee (default: the plan's target_share, else 0.7)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout and write nothing (for scripts)."),
) -> None:
    """Analyse an interview: planned questions, talk share, time budget, coaching.

    Writes report.json, report.md and report.html into the folder (with --json: only
    prints). Your corrections (corrections.json, `listenwell review`) are applied.

    Example: listenwell report demo-interview --target 0.75
    """
    from listenwell.analysis.report import build_report, write_report
    from listenwell.folder import open_folder
    from listenwell.lock import folder_lock

    f = open_folder(folder)
    if as_json:  # a question asked of the folder: it changes nothing in it
        typer.echo(json.dumps(build_report(f, target_share=target, plan_path=plan).to_dict(), indent=2, ensure_ascii=False))
        return
    with folder_lock(f.path, "report"):  # one command at a time on a folder
        r = build_report(f, target_share=target, plan_path=plan)
        paths = write_report(f, r)
    from listenwell.analysis.summary import print_summary

    print_summary(r, paths)


@plan_app.command("new")
def plan_new(
    path: Path = typer.Argument(Path("plan.toml"), help="Where to write the plan (.toml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a starter plan with good informational-interview questions to edit.

    Example: listenwell plan new morgan-plan.toml
    """
    from listenwell.errors import UserError
    from listenwell.folder import write_text
    from listenwell.plan import STARTER_PLAN

    if path.suffix.lower() != ".toml":
        raise UserError(f"{path}: a starter plan is TOML; give a name ending in .toml")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; choose another name or add --force")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent}: no such folder")
    write_text(path, STARTER_PLAN)
    typer.echo(f"wrote {path}: edit the interviewee, the minutes you promised and the questions, "
               f"then `listenwell plan check {path}`")


@plan_app.command("check")
def plan_check(plan: Path = typer.Argument(..., help="The plan file (.toml, .md or .txt).")) -> None:
    """Validate a plan; print every problem with its line number.

    Example: listenwell plan check plan.toml
    """
    from listenwell.plan import check_plan
    from listenwell.safe_text import printable
    from listenwell.wording import count

    parsed, errors = check_plan(plan)
    if errors:
        for e in errors:  # a plan is anyone's text: no escape sequences onto the terminal
            typer.secho(f"error: {printable(e)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    assert parsed is not None
    p1 = sum(1 for q in parsed.questions if q.priority == 1)
    who = ", ".join(x for x in (parsed.interviewee, parsed.role, parsed.company) if x) or "no interviewee named"
    minutes = f"{parsed.minutes:g} min promised" if parsed.minutes else "no time promised (add minutes)"
    typer.echo(printable(f"{plan}: OK: {count(len(parsed.questions), 'question')} ({p1} priority 1), {minutes}; {who}"))
