"""`listenwell review` driven in headless Chromium: one server and one browser for the module.

Through the page: give a span to the other speaker, reject a "maybe" match, edit a word,
follow the recording; the corrections file holds them; `report` and `compare` numbers
change. Requests without the token, for another host, or from another origin are refused.
Screenshots at 1280 and 390 pixels are kept in tests/artifacts/."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import Browser, chromium_or_skip
from report_fixtures import make_folder
from typer.testing import CliRunner

from listenwell import corrections
from listenwell.cli import app
from listenwell.corrected import corrected_transcript, interviewee_share

ARTIFACTS = Path(__file__).parent / "artifacts"
runner = CliRunner()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(folder, url, the server process, its first report.json) for one review session."""
    chromium_or_skip()
    root = tmp_path_factory.mktemp("review")
    folder = make_folder(root / "morgan")
    assert runner.invoke(app, ["report", str(folder.path)]).exit_code == 0
    before = json.loads(folder.report_path.read_text())
    proc = subprocess.Popen([sys.executable, "-m", "listenwell", "review", str(folder.path), "--no-open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    yield folder, url, proc, before
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def fetch(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.slow
def test_only_this_page_may_ask(served):
    _, url, _, _ = served
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.query.startswith("t=") and len(parts.query) > 20
    base = f"{parts.scheme}://{parts.netloc}"
    assert fetch(url) == 200
    assert fetch(f"{base}/") == 403  # no token
    assert fetch(f"{base}/api/state?t=guess") == 403
    assert fetch(f"{base}/audio?{parts.query}", headers={"Host": f"evil.example:{parts.port}"}) == 403
    body = json.dumps({"kind": "note", "at": 1, "text": "x"}).encode()
    post = {"Content-Type": "application/json"}
    assert fetch(f"{base}/api/correct?{parts.query}", "POST", {**post, "Origin": "http://evil.example"}, body) == 403
    assert fetch(f"{base}/api/correct?{parts.query}", "POST", {**post, "Sec-Fetch-Site": "cross-site"}, body) == 403
    assert fetch(f"{base}/api/correct", "POST", post, body) == 403
    assert fetch(f"{base}/audio?{parts.query}", headers={"Range": "bytes=0-99"}) == 206  # the player can seek


@pytest.mark.slow
def test_correct_an_interview_on_the_page(served, tmp_path):
    folder, url, proc, before = served
    with Browser(tmp_path, window=(1280, 900)) as b:
        page = b.open(url, wait_s=0.5)
        page.wait_for("document.querySelectorAll('#transcript .line').length > 8")
        assert page.eval("document.querySelector('#transcript .line .spk').textContent") == "You"
        assert "Morgan Lee spoke" in page.eval("document.getElementById('share').textContent")

        # 1. "Thanks for making the time today." was the interviewee's: select it, press 2
        page.click('#transcript .w[data-i="0"]')
        end = page.eval("[...document.querySelectorAll('#transcript .line')[0].querySelectorAll('.w')].findIndex(w => w.textContent === 'today.')")
        page.eval(f"document.querySelector('#transcript .w[data-i=\"{end}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true, shiftKey: true}}))")
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "2", "text": "2"})
        page.wait_for("document.querySelectorAll('#corrections li').length === 1 && !document.querySelector('#corrections li.muted')")
        assert page.eval("document.querySelector('#transcript .line .spk').textContent") == "Morgan Lee"
        assert page.eval("document.querySelectorAll('#transcript .line')[1].querySelector('.w').textContent") == "Could"

        # 2. the "maybe" match comes first; reject it
        assert page.eval("document.querySelector('#questions li').dataset.q") == "skills"
        assert page.eval("document.querySelector('#questions li').className").endswith("q-maybe")
        page.click('#questions li[data-q="skills"] button.reject')
        page.wait_for("document.querySelector('#questions li[data-q=\"skills\"] .badge').textContent === 'not asked (you)'")

        # 3. edit a word: "psychology" was "biology"
        i = page.eval("[...document.querySelectorAll('#transcript .w')].find(w => w.textContent === 'psychology').dataset.i")
        page.click(f'#transcript .w[data-i="{i}"]')
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "e", "text": "e"})
        page.wait_for("!document.getElementById('editor').hidden")
        page.eval("document.getElementById('editor-text').value = 'biology'")
        page.click("#editor button[type=submit]")
        page.wait_for("[...document.querySelectorAll('#transcript .w')].some(w => w.textContent === 'biology')")
        assert page.eval("document.getElementById('status').textContent").startswith("Saved: #3")

        # 4. split a line where the speaker changes: from the second "helps" on, the other speaker (s)
        i = page.eval("[...document.querySelectorAll('#transcript .w')].filter(w => w.textContent === 'helps')[1].dataset.i")
        word = f"document.querySelector('#transcript .w[data-i=\"{i}\"]')"
        page.click(f'#transcript .w[data-i="{i}"]')
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "s", "text": "s"})
        page.wait_for(f"{word}.closest('.line').querySelector('.spk').textContent === 'You'")
        assert page.eval(f"{word}.closest('.line').querySelector('.w') === {word}")  # it starts a line now
        # 5. a note at the selection (n)
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "n", "text": "n"})
        page.wait_for("!document.getElementById('editor').hidden")
        page.eval("document.getElementById('editor-text').value = 'ask about tools'")
        page.click("#editor button[type=submit]")
        page.wait_for("[...document.querySelectorAll('#transcript .note')].some(n => n.textContent.includes('ask about tools'))")

        # the line being played is highlighted
        page.click("#transcript .line:nth-child(5) .ts")
        page.wait_for("!!document.querySelector('#transcript .line.playing')", timeout=10)
        assert page.errors == []
        page.screenshot(ARTIFACTS / "review.png", full_page=False)
        page.viewport(390, 844, mobile=True)
        assert page.eval("document.documentElement.scrollWidth") <= 390
        page.screenshot(ARTIFACTS / "review-phone.png", full_page=False)

    saved = corrections.load(folder.path).corrections
    assert [(x.kind, x.by) for x in saved] == [("speaker", "review"), ("question", "review"), ("words", "review"),
                                               ("speaker", "review"), ("note", "review")]
    assert saved[3].speaker == "interviewer" and saved[4].text == "ask about tools"
    assert saved[1].question == "skills" and saved[1].state == "not asked"
    assert (saved[2].was, saved[2].text) == ("psychology", "biology")

    # Ctrl-C: the report files are written from the corrections before the server stops
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "follow your corrections" in out
    after = json.loads(folder.report_path.read_text())
    assert after["sources"] == corrections.fingerprint(folder.path)
    share = interviewee_share(corrected_transcript(folder.path).transcript)
    assert after["talk"]["interviewee_share"] == pytest.approx(share, abs=1e-4) != before["talk"]["interviewee_share"]
    assert next(q for q in after["questions"] if q["id"] == "skills")["decided_by"] == "user"
    assert "biology" in (folder.path / "transcript.txt").read_text()
    r = runner.invoke(app, ["compare", str(folder.path), "--out", str(tmp_path / "cmp"), "--json"])
    (iv,) = json.loads(r.stdout)["interviews"]
    assert iv["interviewee_share"] == pytest.approx(after["talk"]["interviewee_share"], abs=1e-3)
    assert iv["report"] == "file" and iv["report_current"] is True


def test_review_needs_a_transcript(tmp_path):
    (tmp_path / "interview.json").write_text("{}")
    r = runner.invoke(app, ["review", str(tmp_path), "--no-open"])
    assert r.exit_code == 2 and "no transcript yet" in r.output
    time.sleep(0)
