"""report.html in headless Chromium: loads cleanly, the timeline agrees with the table,
clicking a line or a marker plays the recording there; laid out for a 390-pixel phone
(nothing overflows, chart text readable) and for print (the whole transcript, no player);
says so when the recording is not beside it. Keeps screenshots and the PDF in
tests/artifacts/. The colours' contrast is measured without a browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from browser import Browser, chromium_or_skip
from report_fixtures import make_folder
from typer.testing import CliRunner

from listenwell.analysis import report_page
from listenwell.cli import app

ARTIFACTS = Path(__file__).parent / "artifacts"


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def lum(h: str) -> float:
        r, g, bl = (int(h[i : i + 2], 16) / 255 for i in (1, 3, 5))
        f = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, bl)]
        return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_pass_wcag_aa():
    p = report_page
    # speaker names and links on white, on the page's grey and on the playing line's yellow
    for ink in (*p.COLOURS.values(), p.OTHER_COLOUR, p.MUTED, p.BUDGET, p.PLANNED, p.FOLLOWUP, p.INK):
        for paper in ("#ffffff", p.PAPER, "#fff4d6"):
            assert contrast(ink, paper) >= 4.5, (ink, paper)
    # white numbers and badges on the fills
    for fill in (p.PLANNED, p.FOLLOWUP, "#6b7280"):
        assert contrast("#ffffff", fill) >= 4.5, fill
    assert contrast(p.INK, p.NOTE_FILL) >= 4.5


@pytest.mark.slow
def test_report_page_in_chromium(tmp_path):
    chromium_or_skip()
    folder = make_folder(tmp_path / "iv")
    r = CliRunner().invoke(app, ["report", str(folder.path)])
    assert r.exit_code == 0, r.output
    rep = json.loads(folder.report_path.read_text())
    html = (folder.path / "report.html").read_text()
    # one file: nothing is fetched but the folder's own recording
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assert 'src="audio.flac"' in html
    alone = tmp_path / "copied" / "report.html"  # the page copied away from its recording
    alone.parent.mkdir()
    shutil.copy(folder.path / "report.html", alone)

    with Browser(tmp_path) as b:
        page = b.open(folder.path / "report.html")
        page.wait_for("document.getElementById('audio').readyState >= 1")
        assert page.errors == []
        assert page.eval("document.getElementById('audio-missing').hidden") is True
        asked = len(rep["asked"])
        assert page.eval("document.querySelectorAll('#timeline .q-marker').length") == asked == 5
        assert page.eval("document.querySelectorAll('#timeline .q-marker:not(.planned)').length") == len(rep["followups"])
        # a follow-up that may be a planned question is a dashed "?", and its row says maybe
        maybes = [f for f in rep["followups"] if f.get("maybe")]
        assert page.eval("document.querySelectorAll('#timeline .q-marker.maybe').length") == len(maybes) == 1
        assert page.eval("document.querySelectorAll('#questions tr.maybe .badge.maybe').length") == 1
        assert page.eval("document.querySelectorAll('#timeline .budget-line').length") == 1
        assert page.eval("document.querySelectorAll('#timeline .note-marker').length") == 2
        assert page.eval("document.querySelectorAll('#transcript .note-line').length") == 2  # notes in place
        assert page.eval("document.querySelectorAll('#questions tbody tr').length") == 5
        assert page.eval("document.querySelectorAll('#share .seg').length") == 2
        # names from the plan, on the lanes and in the transcript
        lanes = page.eval("[...document.querySelectorAll('#timeline > text')].map(t => t.textContent)")
        assert "Morgan Lee" in lanes and "You" in lanes
        assert "Morgan Lee" in page.eval("document.querySelector('#transcript .line:nth-of-type(2) .spk').textContent")
        # each planned circle carries the number of its row in the table
        circles = page.eval("[...document.querySelectorAll('#timeline .q-marker.planned')].map(g => [parseFloat(g.dataset.start), g.querySelector('text').textContent])")
        rows = {round(q["asked_at_s"], 2): str(q["order"]) for q in rep["questions"] if q["order"]}
        assert circles and all(rows[round(t, 2)] == n for t, n in circles)
        table = page.eval("[...document.querySelectorAll('#questions tbody tr')].map(tr => tr.cells[0].textContent)")
        assert sorted(n for _, n in circles) == sorted(x for x in table if x != "–")
        # the caption speaks of notes because there are notes
        assert "notes" in page.eval("document.querySelector('#timeline').parentElement.nextElementSibling.textContent")

        # click the 7th transcript line (the interviewer asking 'path'): the audio moves there
        start = page.eval("parseFloat(document.querySelectorAll('#transcript .line')[6].dataset.start)")
        assert start > 60
        assert page.eval("document.getElementById('audio').currentTime") == 0
        page.click("#transcript .line:nth-of-type(7)")
        now = page.wait_for("document.getElementById('audio').currentTime")
        assert now == pytest.approx(start, abs=1.0)
        page.click("#timeline .q-marker.maybe")
        at = rep["followups"][0]["at_s"]
        page.wait_for(f"Math.abs(document.getElementById('audio').currentTime - {at}) < 1.0")
        page.screenshot(ARTIFACTS / "report.png")

        # a phone: nothing wider than the screen, the narrow timeline, chart text readable
        page.viewport(390, 844, mobile=True)
        assert page.eval("document.documentElement.scrollWidth") <= 390
        assert page.eval("getComputedStyle(document.getElementById('timeline')).display") == "none"
        wrap = page.eval("(() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; })()")
        assert wrap[0] <= wrap[1]
        sizes = page.eval("[...document.querySelectorAll('#timeline-narrow text')].map(t => t.getBoundingClientRect().height)")
        assert min(sizes) >= 10, sizes
        page.screenshot(ARTIFACTS / "report-phone.png")

        # print: the whole transcript, no player, the wide timeline
        page.viewport(1280, 900)
        page.media("print")
        box = page.eval("(() => { const t = document.getElementById('transcript'); return [t.scrollHeight, t.clientHeight]; })()")
        assert box[0] == box[1]
        assert page.eval("getComputedStyle(document.getElementById('audio')).display") == "none"
        pdf = page.pdf(ARTIFACTS / "report.pdf").read_bytes()
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
        page.media("screen")
        assert page.errors == []

        # the page copied away from its recording says so
        lone = b.open(alone)
        lone.wait_for("!document.getElementById('audio-missing').hidden")
        assert "not next to this page" in lone.eval("document.getElementById('audio-missing').textContent")
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_the_page_speaks_only_of_what_it_draws(tmp_path):
    from listenwell.analysis.render_html import render_html
    from listenwell.analysis.report import build_report
    from listenwell.corrected import corrected_transcript

    folder = make_folder(tmp_path / "iv", notes=False, audio=False)
    r = build_report(folder)
    html = render_html(r, corrected_transcript(folder.path).transcript)
    caption = html.split('<p class="small">Bars:')[1].split("</p>")[0]
    assert "notes" not in caption and 'class="note-marker"' not in html
    assert 'id="themes"' in html and "Working conditions" in html  # the report's themes, when it has them
    # a margin is said only when the transcript measured one
    assert "How sure" not in html
    r.speakers = {**r.speakers, "margin_pp": 2.4, "margin_reasons": ["no voice profile"], "profile": {"used": False}}
    html = render_html(r, corrected_transcript(folder.path).transcript)
    assert "± 2.4 percentage points" in html and "no voice profile" in html
