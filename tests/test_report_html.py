"""report.html in headless Chromium: loads cleanly, one marker per asked question,
clicking a transcript line moves the recording there. Keeps a screenshot in tests/artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import Browser, chromium_or_skip
from report_fixtures import make_folder
from typer.testing import CliRunner

from listenwell.cli import app

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.mark.slow
def test_report_page_in_chromium(tmp_path):
    chromium_or_skip()
    folder = make_folder(tmp_path / "iv")
    r = CliRunner().invoke(app, ["report", str(folder.path)])
    assert r.exit_code == 0, r.output
    rep = json.loads(folder.report_path.read_text())
    html = (folder.path / "report.html").read_text()
    # self-contained: nothing is fetched but the folder's own recording
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assert 'src="audio.flac"' in html

    with Browser(tmp_path) as b:
        page = b.open(folder.path / "report.html")
        page.wait_for("document.getElementById('audio').readyState >= 1")
        assert page.errors == []
        asked = len(rep["asked_order"]) + len(rep["followups"])
        assert page.eval("document.querySelectorAll('#timeline .q-marker').length") == asked == 5
        assert page.eval("document.querySelectorAll('#timeline .q-marker.followup').length") == 1
        assert page.eval("document.querySelectorAll('#timeline .budget-line').length") == 1
        assert page.eval("document.querySelectorAll('#timeline .note-marker').length") == 2
        assert page.eval("document.querySelectorAll('#questions tbody tr').length") == 5
        assert page.eval("document.querySelectorAll('#share rect').length") == 2

        # click the 7th transcript line (the interviewer asking 'path'): the audio moves there
        start = page.eval("parseFloat(document.querySelectorAll('#transcript .line')[6].dataset.start)")
        assert start > 60
        assert page.eval("document.getElementById('audio').currentTime") == 0
        page.click("#transcript .line:nth-child(7)")
        now = page.wait_for("document.getElementById('audio').currentTime")
        assert now == pytest.approx(start, abs=1.0)
        # and a question marker in the timeline seeks too
        page.click("#timeline .q-marker.followup")
        at = rep["followups"][0]["at_s"]
        page.wait_for(f"Math.abs(document.getElementById('audio').currentTime - {at}) < 1.0")
        page.screenshot(ARTIFACTS / "report.png")
        assert page.errors == []
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
