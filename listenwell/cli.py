"""The `listenwell` command line: one typer app; each stage registers its own commands.

Commands live beside their stage (recorder/cli.py, transcribe/cli.py, analysis/cli.py);
those that span stages (check, enroll) live in prepare.py. This module only assembles them
and turns user errors into one line and an exit code. Imports run one way: the core
(listenwell/*.py) <- the stages (listenwell.recorder, .transcribe, .analysis) <- this
assembly (cli.py, prepare.py); tests/test_structure.py keeps it so.
Heavy imports (faster-whisper, sounddevice, onnxruntime) happen inside the commands so
that `listenwell --help` stays instant.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from listenwell import __version__
from listenwell.errors import UserError, debug_enabled, set_debug
from listenwell.safe_text import printable

EXIT_BROKEN_PIPE = 141  # what a shell reports for a program that SIGPIPE ended


def error_line(message: str) -> None:
    """Print a user-facing error as one line on stderr (control characters removed: a
    message may quote a file's content)."""
    typer.secho(f"error: {printable(message)}", fg=typer.colors.RED, err=True)


def _quiet_stdout() -> None:
    """The reader of our output went away (`listenwell list | head`): send the rest of it,
    and Python's flush at exit, to /dev/null instead of raising again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# What an option's value is, in --help: `--model TEXT`, never `<str>`.
_METAVARS = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "PATH"}


def readable_help(command) -> None:
    """Give every option of a command (and of a group's commands) a plain metavar, as
    click shows them: `--model TEXT`, `--speakers N`, `--seconds NUMBER`."""
    for sub in (getattr(command, "commands", None) or {}).values():
        readable_help(sub)
    if command.help and "\b\n" not in command.help:  # example lines stay one a line (\b: not rewrapped)
        command.help = "\n\n".join("\b\n" + p if "Example:" in p else p for p in command.help.split("\n\n"))
    for p in getattr(command, "params", []):
        if p.param_type_name != "option" or p.metavar is not None or getattr(p, "is_flag", False):
            continue
        try:
            shown = p.display_type(None).strip("<>")
        except Exception:  # a type that needs the context to describe itself: leave it be
            continue
        base = shown.split()[0].split("[")[0].lower() if shown else ""
        if base in _METAVARS:
            p.metavar = _METAVARS[base]
        elif "," in shown:  # a pair, such as --tracks ME THEM
            p.metavar = " ".join(_METAVARS.get(x.strip().lower(), x.strip().upper()) for x in shown.split(","))
        elif "|" in shown:
            p.metavar = "[" + shown + "]"


class _Group(TyperGroup):
    """Turns errors into one line and an exit code; --debug shows the traceback instead."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            readable_help(command)
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as e:
            if debug_enabled():
                raise
            error_line(str(e))
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            error_line("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as e:
            # typer's own exits, aborts (a declined confirmation) and usage errors: typer
            # reports them (typer vendors click, so match by module, not by class)
            if debug_enabled() or type(e).__module__.split(".")[0] in ("typer", "click"):
                raise
            # an unexpected failure: still one line, unless --debug
            error_line(f"{type(e).__name__}: {e} (run with --debug for the traceback)")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="listenwell",
    help="Record, transcribe and review informational interviews, privately, on this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: whole option names, wrapped to the terminal, no boxes (rich cut
    # "--channels-are-speakers" and showed `<bool>` beside flags)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"listenwell {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Record, transcribe and review informational interviews, privately, on this machine."""
    set_debug(debug)
    # Recordings and transcripts are personal data: everything we create is owner-only.
    os.umask(0o077)


def _register_commands() -> None:
    from listenwell import prepare, review
    from listenwell.analysis.cli import register as register_analysis
    from listenwell.analysis.compare_cli import register as register_compare
    from listenwell.recorder.cli import register as register_recorder
    from listenwell.transcribe.cli import register as register_transcribe

    register_recorder(app)  # record, devices, recover, forget
    prepare.register(app)  # check, enroll: they span the recorder and transcribe stages
    register_transcribe(app)  # import, transcribe, label
    register_analysis(app)  # report, plan
    register_compare(app)  # list, compare
    review.register(app)  # review: a page that spans the transcribe and analysis stages


_register_commands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        error_line("interrupted")
        sys.exit(130)
    except BrokenPipeError:  # typer's own output (--help) into a closed pipe
        _quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
