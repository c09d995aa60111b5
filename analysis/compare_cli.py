"""`listenwell list` and `listenwell compare`: many interviews at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from listenwell.errors import UserError


def register(app: typer.Typer) -> None:
    """Add `list` and `compare` to the listenwell app."""
    app.command("list")(list_interviews)
    app.command("compare")(compare)


def list_interviews(
    parent: Path = typer.Argument(Path("."), help="Folder that holds interview folders (default: here)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List every interview in a folder: date, who, company, level, duration, share, stage.

    Example: listenwell list interviews/
    """
    import os

    from rich.console import Console

    from listenwell.analysis.compare_load import (
        describe,
        interview_children,
        non_interview_children,
    )
    from listenwell.folder import InterviewFolder

    if not parent.exists():
        raise UserError(f"{parent}: no such folder")
    if not parent.is_dir():
        raise UserError(f"{parent}: not a folder; give the folder that holds your interviews")
    folder = InterviewFolder(parent)
    folders = [folder] if folder.is_interview() else interview_children(parent)
    others = [] if folder.is_interview() else non_interview_children(parent)
    infos = sorted((describe(f) for f in folders), key=lambda i: (i.date or "9999", i.name))
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in infos], indent=2, ensure_ascii=False))
        return
    # Off a terminal (a pipe, a file) rich assumes 80 columns; a list is read whole
    # (unless COLUMNS says how wide to be).
    console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 140)
    if not infos:
        console.print(f"No interviews in {parent}. Start one with `listenwell record` or `listenwell import`.")
        return
    table, left_out = list_table(infos, console.width, f"{len(infos)} interview{'s' if len(infos) != 1 else ''} in {parent}")
    console.print(table)
    if left_out:
        console.print(f"[dim]Too narrow for {', '.join(left_out)}: widen the terminal, or use --json.[/dim]")
    if any(i.report_current is False for i in infos):
        console.print("[dim]Out of date: report.json is older than the transcript or your corrections; "
                      "the share shown is the corrected one (`listenwell report FOLDER` rewrites the report).[/dim]")
    if others:
        console.print(f"[dim]{len(others)} other folder{'s' if len(others) != 1 else ''} skipped "
                      f"(not interviews): {', '.join(p.name for p in others)}[/dim]")


# The list's columns in the order shown, and which go first when the terminal is narrow.
LIST_COLUMNS = ("Folder", "Date", "Interviewee", "Company", "Level", "Duration", "Their share", "Stage")
LIST_KEEP_FIRST = ("Interviewee", "Date", "Their share", "Company", "Stage", "Duration", "Level", "Folder")


def list_table(infos: list, width: int, title: str):
    """The list as a rich Table that fits `width` columns whole, and the columns left out:
    the interviewee, the date and their share are kept longest."""
    from rich.table import Table
    from rich.text import Text

    from listenwell.analysis.compare_render import pct
    from listenwell.safe_text import printable
    from listenwell.timefmt import clock

    def stage(i) -> str:
        return f"{i.stage}, out of date" if i.report_current is False else i.stage

    values = {i.name: dict(zip(LIST_COLUMNS, (i.name, i.date, i.interviewee, i.company, i.level, clock(i.duration_s, ""),
                                              pct(i.interviewee_share), stage(i)), strict=True)) for i in infos}
    wraps = ("Interviewee", "Company")  # these wrap at spaces: their longest word is what they need

    def width_of(c: str, text: str) -> int:
        return max((len(w) for w in text.split()), default=0) if c in wraps else len(text)

    need = {c: 3 + max([len(c)] + [width_of(c, printable(v[c])) for v in values.values()]) for c in LIST_COLUMNS}
    kept, used = set(), 1
    for c in LIST_KEEP_FIRST:
        if used + need[c] <= width or c == "Interviewee":
            kept.add(c)
            used += need[c]
    shown = [c for c in LIST_COLUMNS if c in kept]
    table = Table(title=title)
    for c in shown:
        table.add_column(c, no_wrap=c not in wraps)
    for i in infos:  # names come from plans and folders: shown as plain text, never as markup
        row = values[i.name]
        if "Folder" not in kept and not row["Interviewee"]:
            row = {**row, "Interviewee": i.name}
        table.add_row(*[Text(printable(row[c])) for c in shown])
    return table, [c for c in LIST_COLUMNS if c not in kept]


def compare(
    dirs: list[Path] = typer.Argument(..., help="Interview folders, or one folder that holds them."),
    out: Path | None = typer.Option(
        None, "--out", "-o",
        help="Where to write compare.md/.html/.csv (default: the parent folder given, else here)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON too."),
) -> None:
    """Put interviews side by side: questions x interviewees, coverage and your own trend.

    Example: listenwell compare interviews/ --out review/
    """
    from listenwell.analysis.compare import build_comparison
    from listenwell.analysis.compare_render import render_csv, render_html, render_md
    from listenwell.folder import DIR_MODE, InterviewFolder, write_files
    from listenwell.userdata import note_comparison

    comp = _with_progress(build_comparison, dirs)
    for warning in comp["skipped"]:
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    for p in comp["pending"]:
        typer.secho(f"pending: {p['folder']}: {p['reason']}", fg=typer.colors.YELLOW, err=True)
    if not comp["interviews"]:
        raise UserError(f"none of the {len(comp['pending'])} interviews can be compared yet: "
                        "run `listenwell transcribe` and `listenwell report` on them first")

    if out is None:
        one_parent = len(dirs) == 1 and not InterviewFolder(dirs[0]).is_interview()
        out = dirs[0] if one_parent else Path(".")
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is not a folder; choose another --out")
    try:
        out.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create {out}: {e.strerror}; choose another --out") from None
    pages = {out / "compare.md": render_md(comp), out / "compare.html": render_html(comp, out),
             out / "compare.csv": render_csv(comp)}
    # remembered first: `listenwell forget` deletes these copies of what the interviews said
    note_comparison(list(pages), [Path(i["folder"]) for i in comp["interviews"]])
    write_files(pages)
    written = list(pages)

    if as_json:
        typer.echo(json.dumps(comp, indent=2, ensure_ascii=False))
        return
    ivs, cov = comp["interviews"], comp["coverage"]
    say = typer.echo
    say(f"Compared {len(ivs)} interview{'s' if len(ivs) != 1 else ''}: " + ", ".join(i["label"] for i in ivs))
    say(f"{len(comp['questions'])} questions; never asked: {len(cov['never_asked'])}; one perspective "
        f"only: {len(cov['one_perspective'])}; levels missing: {', '.join(cov['levels_missing']) or 'none'}")
    if cov["one_company"]:
        say(f"All interviews are at {next(iter(cov['companies']))}: talk to people at other companies too.")
    say(comp["trend"]["sentence"])
    for remark in comp["remarks"]:
        say(remark)
    say("Wrote " + ", ".join(str(p) for p in written))


def _with_progress(build, dirs: list[Path]):
    """Run build_comparison with a progress bar on the terminal (reports may be computed)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("reading interviews {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        return build(dirs, progress=progress)
