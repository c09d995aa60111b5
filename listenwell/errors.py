"""Errors a user can cause: the command line prints them as one line and exits non-zero."""


class UserError(Exception):
    """Something the user can fix (bad path, no consent, malformed plan...).

    The message is one line that says what is wrong and what to do about it.
    Exit code 2 follows the convention for usage errors.
    """

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class PlanError(UserError):
    """A plan file that cannot be read; the message names the file and line."""


class AudioError(UserError):
    """An audio file that cannot be decoded, or holds no audio."""


class WriteError(UserError, OSError):
    """A file could not be written (read-only folder, full disk). Still an OSError, with
    errno and strerror, so that code which saves what it can on OSError keeps doing so."""

    def __init__(self, path, error: OSError):
        reason = error.strerror or str(error)
        hint = ("free some space" if error.errno in (28, 122)  # ENOSPC, EDQUOT
                else "check that the folder exists and is writable")
        self.message = f"cannot write {path}: {reason}; {hint}"
        super().__init__(self.message)
        self.errno, self.strerror, self.filename = error.errno, reason, str(path)

    def __str__(self) -> str:  # OSError's own would be "[Errno 30] ...: path"
        return self.message


# Whether `--debug` was given: tracebacks instead of one-line errors, and the native
# libraries' own diagnostics left on screen. Set once by the command line, read anywhere.
_debug = False


def set_debug(on: bool) -> None:
    global _debug
    _debug = bool(on)


def debug_enabled() -> bool:
    return _debug
