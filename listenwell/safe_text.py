"""Text from plans, transcripts and file names made safe where it is shown.

A plan or transcript is data anyone could have written: on a terminal, an escape sequence
in it could recolour the screen, set the window title or hide text; in a spreadsheet, a
CSV cell starting with `=` is a formula. (HTML is escaped where it is built.)
"""

from __future__ import annotations

import re

# ANSI escape sequences (CSI, OSC up to BEL or ST, two-character escapes) and every other
# C0/C1 control character; tab and newline become spaces (one field, one line).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A spreadsheet evaluates a cell that starts with one of these (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def printable(text: object) -> str:
    """`text` without escape sequences and control characters, for a terminal."""
    s = _ESCAPES.sub("", str(text))
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", s)


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a leading apostrophe before a formula start.
    Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
