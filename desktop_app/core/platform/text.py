"""Text for one line of terminal output, whatever a file name holds."""

from __future__ import annotations

_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def one_line(text: str) -> str:
    """A file name with a newline in it (which Linux allows) must not split a line of a listing."""
    return text.translate(_ESCAPES)
