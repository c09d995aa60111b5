"""A small inline SVG of the interviewer's trend: the interviewee's share per interview
against the target, with time kept and priority-first marks under each interview."""

from __future__ import annotations

from html import escape
from typing import Any

W, H = 560, 230
LEFT, RIGHT, TOP, PLOT_H = 70, 70, 20, 130


def trend_svg(trend: dict[str, Any]) -> str:
    points = trend["points"]
    if not points:
        return ""
    n = len(points)
    step = (W - LEFT - RIGHT) / max(n - 1, 1)
    xs = [LEFT + (k * step if n > 1 else (W - LEFT - RIGHT) / 2) for k in range(n)]

    def y(share: float) -> float:
        return TOP + PLOT_H * (1 - share)

    parts = [f'<svg id="trend-chart" viewBox="0 0 {W} {H}" width="{W}" '
             f'height="{H}" role="img" aria-label="Interviewee share per interview">']
    for frac in (0, 0.5, 1):
        parts.append(f'<line x1="{LEFT - 30}" x2="{W - RIGHT}" y1="{y(frac):.1f}" y2="{y(frac):.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{LEFT - 34}" y="{y(frac) + 4:.1f}" text-anchor="end">{round(frac * 100)}%</text>')
    target = next((p["target_share"] for p in reversed(points) if p["target_share"]), None)
    if target:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="#15803d" stroke-dasharray="5 4"><title>target {round(target * 100)}%</title></line>'
                     f'<text x="{W - RIGHT + 6}" y="{y(target) + 4:.1f}" fill="#15803d">target</text>')
    known = [(x, p["interviewee_share"]) for x, p in zip(xs, points, strict=True) if p["interviewee_share"] is not None]
    if len(known) > 1:
        path = " ".join(f"{x:.1f},{y(s):.1f}" for x, s in known)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="2"/>')
    for x, p in zip(xs, points, strict=True):
        s = p["interviewee_share"]
        if s is not None:
            parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y(s):.1f}" r="5" fill="#2563eb">'
                         f'<title>{escape(p["label"])}: {round(s * 100)}%</title></circle>'
                         f'<text x="{x:.1f}" y="{y(s) - 9:.1f}" text-anchor="middle">{round(s * 100)}%</text>')
        base = TOP + PLOT_H + 18
        over = p["over_min"]
        kept = "" if over is None else ("on time" if over <= 0 else f"+{over:.1f} min")
        first = {True: "priority first", False: "priority late", None: ""}[p["priority_first"]]
        colour = "#15803d" if over is not None and over <= 0 else "#b45309"
        parts.append(f'<text x="{x:.1f}" y="{base}" text-anchor="middle">{escape(p["date"] or p["label"])}</text>'
                     f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" fill="{colour}">{kept}</text>'
                     f'<text x="{x:.1f}" y="{base + 32}" text-anchor="middle" '
                     f'fill="{"#15803d" if p["priority_first"] else "#b45309"}">{first}</text>')
    parts.append("</svg>")
    return "".join(parts)
