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


def test_help_shows_whole_option_names_and_no_types_for_flags():
    import os

    env = {**os.environ, "COLUMNS": "60"}
    out = subprocess.run([sys.executable, "-m", "listenwell", "transcribe", "--help"], capture_output=True,
                         text=True, env=env, check=True).stdout
    assert "--channels-are-speakers" in out and "…" not in out
    assert "<bool>" not in out and "<str>" not in out
    assert "-m, --model TEXT" in out and "--speakers N" in out
    assert max(len(line) for line in out.splitlines()) <= 60


def test_transcribe_progress_fits_a_narrow_terminal():
    import io

    from rich.console import Console
    from rich.progress import Progress

    from listenwell.transcribe.runner import progress_columns

    for width in (60, 90, 140):
        console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
        columns, name_width = progress_columns(width)
        with Progress(*columns, console=console, auto_refresh=False) as bar:
            bar.add_task("2026-11-25-morgan-lee (speakers)"[:name_width], total=3600, completed=1800)
            bar.refresh()
        import re

        shown = [x for x in re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", console.file.getvalue()).splitlines() if x.strip()][-1]
        assert "…" not in shown and "0:00:0" in shown, (width, shown)  # elapsed and ETA whole
