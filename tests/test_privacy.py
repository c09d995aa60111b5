"""Everything stays on this machine: the whole pipeline, run as a new user would (an empty
HOME), opens no network connection and writes nothing outside the interview folder, the
comparison's output folder and listenwell's own data folder.

onnxruntime's telemetry is the case in point: its Linux wheels write a device id and an
event queue under ~/.cache/Microsoft/ on the first session unless told not to (see
listenwell/__init__.py). It also stays quiet when it sees a CI machine (CI=true), so the
pipeline runs here with the CI variables removed, as on a user's laptop.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf
from conftest import SAMPLES, missing

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "TF_BUILD",
                "BITBUCKET_BUILD_NUMBER", "CODEBUILD_BUILD_ID", "JENKINS_URL", "TEAMCITY_VERSION")


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_the_pipeline_writes_nothing_outside_and_connects_nowhere(tmp_path):
    if shutil.which("strace") is None:
        missing("strace is not installed (tools/system-packages.sh installs it)")
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for d in (home, tmp, work):
        d.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in CI_VARIABLES and not k.startswith(("XDG_", "HF_", "ORT_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp))
    exe = [sys.executable, "-m", "listenwell"]
    trace = tmp_path / "connect.trace"
    # the sample's first 80 s (two questions and their answers): every stage, a third of the wait
    audio, rate = sf.read(SAMPLES / "interview" / "audio.flac", dtype="float32")
    clip = tmp_path / "clip.flac"
    sf.write(clip, audio[: 80 * rate], rate)
    steps = [
        ["import", str(clip), "--to", "iv",
         "--plan", str(SAMPLES / "interview" / "plan.toml")],
        ["transcribe", "iv"],
        ["report", "iv"],
        ["compare", "iv", "--out", "review"],
        ["list", "."],
    ]
    for n, step in enumerate(steps):
        run = subprocess.run(["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect", "-o", f"{trace}.{n}", *exe, *step],
                             cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"{step[0]}: {run.stderr[-2000:]}"

    connects = "".join(Path(f"{trace}.{n}").read_text() for n in range(len(steps)))
    network = [line for line in connects.splitlines() if re.search(r"AF_INET6?\b", line)]
    assert not network, "network connections:\n" + "\n".join(network[:10])

    assert _files(home) <= {".local/share/listenwell/comparisons.jsonl"}, sorted(_files(home))
    assert not _files(tmp), sorted(_files(tmp))
    outside = {f for f in _files(work) if not f.startswith(("iv/", "review/"))}
    assert not outside, sorted(outside)
    assert "review/compare.html" in _files(work) and "iv/report.html" in _files(work)
