"""Stage ``whitespace``: trailing spaces and no-break spaces, blank-line runs, invisible spaces."""

from __future__ import annotations

import re

from normalizer.context import Context

_HORIZONTAL = r"[ \t\u00a0\u2007\u202f\u3000]"
_PATTERN = re.compile(
    # Two or more blank (or whitespace-only) lines between text: keep one blank line.
    rf"(?P<run>{_HORIZONTAL}*(?:\r?\n{_HORIZONTAL}*){{2,}}\r?\n)"
    # Spaces at the end of a line (or of the text).
    rf"|(?P<trail>{_HORIZONTAL}+(?=\r?\n|\Z))"
    # Zero-width space, word joiner and a byte-order mark inside the text: invisible
    # debris that splits names for search.  ZWJ/ZWNJ are kept: scripts need them.
    r"|(?P<invisible>[\u200b\u2060\ufeff])"
)


def normalize_whitespace(context: Context) -> None:
    """Strip line-end spaces, collapse runs of blank lines, remove invisible spaces."""
    for match in _PATTERN.finditer(context.text):
        start, end = match.span()
        if match.lastgroup == "run":
            newline = "\r\n" if "\r\n" in match.group() else "\n"
            context.edit(
                start,
                end,
                newline * 2,
                "whitespace.blank_lines",
                "collapsed a run of blank lines (and their trailing spaces) to one blank line",
            )
        elif match.lastgroup == "trail":
            context.edit(
                start, end, "", "whitespace.trailing", "removed spaces at the end of a line"
            )
        else:
            name = {"\u200b": "zero-width space", "\u2060": "word joiner"}.get(
                match.group(), "byte-order mark"
            )
            context.edit(start, end, "", "whitespace.invisible", f"removed an invisible {name}")
