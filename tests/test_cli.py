"""The command line as a whole: help, version, one-line errors."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from listenwell import __version__
from listenwell.cli import app

runner = CliRunner()


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("import", "transcribe", "record", "report"):
        assert command in result.output


def test_help_is_fast_and_imports_no_heavy_modules():
    code = (
        "import sys; from listenwell.cli import app; "
        "heavy = [m for m in ('faster_whisper', 'sounddevice', 'onnxruntime', 'ctranslate2', 'torch') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_user_errors_and_usage_errors_are_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["transcribe", "--no-such-option"])
    assert result.exit_code == 2 and "No such option" in result.output
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'transcript.json'}: no transcript yet; run `listenwell transcribe` first"
    ]
    assert "Traceback" not in result.output


def test_a_declined_confirmation_changes_nothing(tmp_path):
    folder = tmp_path / "iv"
    folder.mkdir()
    (folder / "interview.json").write_text('{"source": "recorded"}')
    result = runner.invoke(app, ["forget", str(folder)], input="n\n")
    assert result.exit_code == 1 and (folder / "interview.json").exists()
