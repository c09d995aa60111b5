"""The review page and the report of a 2-hour interview: page weight and time to open.

    .venv/bin/python bench/bench_review.py [--minutes 120]

Builds a 2-hour interview folder from a script (the report fixtures' conversation, over
and over, with silent audio), starts `listenwell review --no-open`, opens the page in
headless Chromium and measures: the bytes the page loads (HTML, script, style, state),
the time from asking for the page to the whole transcript on screen, and the time one
correction takes to come back. Then report.html's size and time to load.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import Browser  # noqa: E402
from report_fixtures import PLAN, SCRIPT  # noqa: E402

from listenwell.folder import InterviewFolder, write_json, write_text  # noqa: E402
from samples.script import timed_script, transcript_from_script  # noqa: E402


def long_folder(root: Path, minutes: float) -> InterviewFolder:
    import numpy as np
    import soundfile as sf

    lines, t = [], 1.0
    while t < minutes * 60 - 60:
        chunk = timed_script(SCRIPT, start=t)
        lines += chunk
        t = chunk[-1][3] + 0.8
    transcript = transcript_from_script(lines)
    folder = InterviewFolder.create(root / "two-hours")
    sr = 16000
    with sf.SoundFile(folder.path / "audio.flac", "w", sr, 1, format="FLAC") as f:
        block = np.zeros(sr * 60, dtype=np.float32)
        for _ in range(int(transcript.audio.duration_s // 60) + 1):
            f.write(block)
    write_json(folder.transcript_path, transcript.to_dict())
    folder.update_metadata(audio="audio.flac", source="imported", created_at="2026-11-20T10:00:00+00:00")
    write_text(folder.path / "plan.toml", PLAN.replace("minutes = 1.5", f"minutes = {minutes:g}"))
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=120)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = long_folder(Path(tmp), args.minutes)
        words = sum(len(s["words"]) for s in json.loads(folder.transcript_path.read_text())["segments"])
        print(f"{args.minutes:g} min interview: {words} words, transcript.json {folder.transcript_path.stat().st_size / 1e6:.1f} MB")
        proc = subprocess.Popen([sys.executable, "-m", "listenwell", "review", str(folder.path), "--no-open"],
                                stdout=subprocess.PIPE, text=True)
        t0 = time.monotonic()
        url = proc.stdout.readline().strip()
        print(f"review server ready (transcript read, report computed): {time.monotonic() - t0:.1f} s")
        base, query = url.split("/?")
        sizes = {name: len(urllib.request.urlopen(f"{base}{path}?{query}").read())
                 for name, path in (("page", "/"), ("script", "/review.js"), ("style", "/review.css"), ("state", "/api/state"))}
        print("page weight: " + ", ".join(f"{k} {v / 1e3:.0f} kB" for k, v in sizes.items())
              + f"; {sum(sizes.values()) / 1e6:.2f} MB in all (and the recording, streamed)")
        try:
            with Browser(Path(tmp), timeout=120) as b:
                t0 = time.monotonic()
                page = b.open(url, wait_s=0)
                n = page.wait_for("document.querySelectorAll('#transcript .line').length", timeout=120)
                opened = time.monotonic() - t0
                drawn = page.eval("performance.getEntriesByName('listenwell-drawn')[0].startTime / 1000")
                print(f"time to open the review page: {drawn:.1f} s from the request to the whole transcript drawn "
                      f"({n} lines; {opened:.1f} s with the browser's own start)")
                t0 = time.monotonic()
                page.click('#transcript .w[data-i="0"]')
                page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "2", "text": "2"})
                page.wait_for("document.getElementById('status').textContent.startsWith('Saved')", timeout=120)
                print(f"one correction saved and the page redrawn: {time.monotonic() - t0:.1f} s")
                r = subprocess.run([sys.executable, "-m", "listenwell", "report", str(folder.path)], capture_output=True, text=True)
                assert r.returncode == 0, r.stderr
                html = folder.path / "report.html"
                t0 = time.monotonic()
                rp = b.open(html, wait_s=0)
                rp.wait_for("document.querySelectorAll('#transcript .line').length > 0", timeout=60)
                print(f"report.html: {html.stat().st_size / 1e6:.2f} MB, loaded in {time.monotonic() - t0:.1f} s")
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
