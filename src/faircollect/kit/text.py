"""Text that may enter the system: one check for every path (API bodies, query strings, files, the CLI).

Refused everywhere: NUL, lone UTF-16 surrogates (JSON ``"\\ud800"`` decodes to one; no database or encoder can store
it) and control characters other than tab, line feed and carriage return. Free text may keep line breaks; a name
or an identifier should not (``single_line=True``).
"""

from __future__ import annotations

import re
from typing import Final

from faircollect.kit.errors import ValidationError

# C0 controls except \t \n \r, DEL, C1 controls, and the surrogate block.
_BAD: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_SINGLE_LINE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def text_problem(value: str, *, single_line: bool = False) -> str | None:
    """Say what is wrong with ``value`` as text (``None`` when it is acceptable)."""
    match = (_BAD_SINGLE_LINE if single_line else _BAD).search(value)
    if match is None:
        return None
    ch = match.group()
    if ch == "\x00":
        what = "a NUL character"
    elif "\ud800" <= ch <= "\udfff":
        what = "a lone surrogate (not valid Unicode)"
    else:
        what = f"the control character U+{ord(ch):04X}"
    return f"contains {what} at position {match.start()}"


def check_text(value: str, *, field: str, max_length: int | None = None, single_line: bool = False) -> str:
    """Return ``value`` if it is clean text within ``max_length`` characters, else raise naming ``field``."""
    problem = text_problem(value, single_line=single_line)
    if problem:
        raise ValidationError(problem, field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"is {len(value)} characters long; at most {max_length} allowed", field=field)
    return value
