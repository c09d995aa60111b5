"""compare.html in headless Chromium: loads clean, shows the matrix, timestamps seek the audio."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser, chromium_or_skip
from compare_fixtures import make_three
from typer.testing import CliRunner

from listenwell.analysis.report import write_report
from listenwell.cli import app
from listenwell.report_records import Report

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def page_path(tmp_path_factory) -> Path:
    chromium_or_skip()
    root = tmp_path_factory.mktemp("interviews")
    for folder in make_three(root, report="truth"):  # with their report pages, to link to
        write_report(folder, Report.load(folder.report_path))
    out = root / "review"
    result = CliRunner().invoke(app, ["compare", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "compare.html"


@pytest.mark.slow
def test_compare_page_in_chromium(page_path, tmp_path):
    with Browser(tmp_path) as browser:
        page = browser.open(page_path)
        # every recording is found through its relative path and its length is known
        durations = page.wait_for("""(() => { const a = [...document.querySelectorAll('audio')];
            return a.length === 3 && a.every(x => x.readyState >= 1) && a.map(x => x.duration); })()""")
        assert all(d > 30 for d in durations)

        # the matrix: 7 question rows x 3 interviewee columns, the expected cells in each
        assert page.eval("[...document.querySelectorAll('table.matrix thead th')].map(t => t.firstChild.textContent)") == [
            "Question", "Morgan Lee", "Sam Ortiz", "Riley Chen"]
        assert page.eval("document.querySelectorAll('table.matrix tbody tr').length") == 7
        day = page.eval("""[...document.querySelectorAll('tr[data-q="day"] td')].map(td => [td.className,
            td.querySelector('.len') && td.querySelector('.len').textContent])""")
        assert day == [["cell asked", "00:10"], ["cell asked", "00:10"], ["cell asked", "00:09"]]
        future = page.eval("[...document.querySelectorAll('tr[data-q=\"future\"] td')].map(td => td.className)")
        assert future == ["cell skipped", "cell asked", "cell none"]
        assert page.eval("document.querySelectorAll('#trend-chart circle.point').length") == 3
        # Riley planned the pay question but did not ask it; Sam asked it as a follow-up
        pay = page.eval("""[...[...document.querySelectorAll('table.matrix tbody tr')].find(tr =>
            tr.querySelector('th').textContent.startsWith('What is the pay')).querySelectorAll('td')]
            .map(td => [td.className, td.querySelector('.tag') ? td.querySelector('.tag').textContent : ''])""")
        assert pay == [["cell none", ""], ["cell asked", "asked as a follow-up"], ["cell skipped", ""]]

        # clicking Sam's timestamp in the "day" row seeks Sam's recording, not the others
        t = float(page.eval("document.querySelector('tr[data-q=\"day\"] td[data-i=\"i2\"] button.ts').dataset.t"))
        page.click('tr[data-q="day"] td[data-i="i2"] button.ts')
        now = page.wait_for("document.getElementById('audio-i2').currentTime || null")
        assert t <= now < t + 3.0
        assert page.eval("document.getElementById('audio-i1').currentTime") == 0
        assert page.eval("document.querySelector('td.playing').dataset.i") == "i2"

        # and a later one in another interview
        t3 = float(page.eval("document.querySelector('tr[data-q=\"referrals\"] td[data-i=\"i3\"] button.ts').dataset.t"))
        page.click('tr[data-q="referrals"] td[data-i="i3"] button.ts')
        now3 = page.wait_for("document.getElementById('audio-i3').currentTime || null")
        assert t3 <= now3 < t3 + 3.0

        # each interview links to its report page, which opens
        links = page.eval("[...document.querySelectorAll('a.report-link')].map(a => a.href)")
        assert len(links) == 3 and all(x.endswith("/report.html") for x in links)
        # the interviewee is named once, at the top of their column, not before every sentence
        assert page.eval("""[...document.querySelectorAll('td[data-i="i2"] p b')]
            .filter(b => b.textContent.startsWith('Sam Ortiz')).length""") == 0
        # a few key sentences, the whole answer on expand
        cell = 'tr[data-q="day"] td[data-i="i2"]'
        assert page.eval(f"document.querySelectorAll('{cell} > p').length") == 3
        assert page.eval(f"document.querySelector('{cell} details').open") is False
        page.click(f"{cell} details summary")
        whole = page.wait_for(f"document.querySelector('{cell} details').open && document.querySelector('{cell} details').textContent")
        assert "Fridays I plan recruiting." in whole
        page.screenshot(ARTIFACTS / "compare.png")
        assert page.errors == []

        # the page moved elsewhere on its own still finds every recording (absolute paths)
        moved = tmp_path / "moved" / "compare.html"
        moved.parent.mkdir()
        moved.write_bytes(page_path.read_bytes())
        away = browser.open(moved)
        away.wait_for("[...document.querySelectorAll('audio')].every(x => x.readyState >= 1)")
        assert away.errors == []


@pytest.mark.slow
def test_browser_helper_sees_console_errors(tmp_path):
    """The no-errors check above can fail: errors, exceptions and missing files are caught."""
    chromium_or_skip()
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><title>bad</title><audio src='missing.flac' preload='auto'></audio>"
                   "<script>console.error('boom'); undefinedFunction();</script>")
    with Browser(tmp_path) as browser:
        page = browser.open(bad, wait_s=0.5)
        errors = " ".join(page.errors)
    assert "boom" in errors and "undefinedFunction" in errors
