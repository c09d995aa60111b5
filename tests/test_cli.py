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
