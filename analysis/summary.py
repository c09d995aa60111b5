"""The short terminal summary that `listenwell report` prints (rich)."""

from __future__ import annotations

from pathlib import Path

from listenwell.analysis.render_md import fmt_rate, in_asked_order, question_label, title
from listenwell.report_records import Report
from listenwell.safe_text import printable
from listenwell.timefmt import clock


def shown(text: object) -> str:
    """Plan and transcript text for the terminal: no escape sequences, no rich markup."""
    from rich.markup import escape

    return escape(printable(text))


def print_summary(r: Report, paths: list[Path]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    talk, tb, st = r.talk, r.time_budget, r.stats
    console.print(f"[bold]{shown(title(r))}[/bold]  {clock(r.duration_s)} recorded")
    share = talk.interviewee_share
    if share is not None:
        ok = share >= talk.target_share
        margin = (r.speakers or {}).get("margin_pp")
        sure = f" ± {float(margin):.0f} pp" if isinstance(margin, (int, float)) and margin >= 0.5 else ""
        console.print(
            f"Talk share: interviewee [{'green' if ok else 'red'}]{share:.0%}[/]{sure} (target {talk.target_share:.0%}); "
            f"you {talk.interviewer_s / 60:.1f} min, them {talk.interviewee_s / 60:.1f} min"
        )
    else:
        console.print(f"Talk: {', '.join(f'{shown(k)} {v / 60:.1f} min' for k, v in talk.by_speaker.items())}")
    if tb.planned_min:
        over = (tb.over_min or 0) > 0
        console.print(f"Time: {tb.actual_min:.1f} of {tb.planned_min:g} min promised"
                      + (f" [red]({tb.over_min:.1f} min over)[/]" if over else " [green](kept)[/]"))
    if r.questions:
        t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col, just in (("#", "right"), ("question", "left"), ("pri", "right"), ("asked", "right"), ("answer", "right")):
            t.add_column(col, justify=just)
        for q in in_asked_order(r.questions):
            if q.asked:
                when = clock(q.asked_at_s)
            elif q.state == "maybe":
                when = f"[yellow]maybe {clock(q.asked_at_s)}[/]"
            else:
                when = "[dim]skipped[/]"
            t.add_row(
                str(q.order or "–"), shown(question_label(q, 40)), str(q.priority), when,
                f"{q.answer_s:.0f} s" if q.answer_s is not None and q.asked else "",
            )
        console.print(t)
    console.print(f"Follow-ups: {len(r.followups)} · interruptions: {st.interruptions} · "
                  f"questions/10 min: {fmt_rate(st.questions_per_10min)}")
    if any(q.state == "maybe" for q in r.questions):
        console.print(f"Maybe asked: check them with `listenwell review {r.interview.folder or 'FOLDER'}`")
    for f in r.findings:
        console.print(f"• {shown(f)}", soft_wrap=False)
    console.print("Wrote " + ", ".join(shown(p) for p in paths))
