"""Stage ``whitespace``: trailing spaces and no-break spaces, blank-line runs, invisible spaces.

Line by line: ``str.rstrip`` does the scanning, so the cost is per line, not per character.
"""

from __future__ import annotations

import re
import unicodedata

from normalizer.context import Context

_HORIZONTAL = " \t\u00a0\u2007\u202f\u3000"
# Zero-width space, word joiner and byte-order mark: invisible debris that splits names
# for search.  ZWJ and ZWNJ are kept: Arabic, Persian and emoji sequences need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
_INVISIBLE_NAMES = {
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "byte-order mark",
}


# Bidirectional controls between two letters of a word: the word displays in another
# order than it is stored (a right-to-left override inside "Hif\u202eter" shows "Hifret"),
# and no name matches it.  Flagged, not removed: between words they may be meant.
_BIDI_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_IN_WORD = re.compile("(?<=\\w)[\u200e\u200f\u202a-\u202e\u2066-\u2069]+(?=\\w)")


def _flag_bidi_controls(context: Context) -> None:
    for match in _BIDI_IN_WORD.finditer(context.text):
        names = ", ".join(sorted({unicodedata.name(char).lower() for char in match.group()}))
        context.flag(
            *match.span(),
            "whitespace.bidi_control",
            f"a {names} inside a word: it can make the word display in another order than it "
            "is stored, and no name matches across it; remove it if it is debris",
        )


def _trailing_and_blank_runs(context: Context) -> None:
    text = context.text
    run_start, blank = 0, 0  # where the current run of blank lines began; its length
    pending: list[tuple[int, int]] = []  # trailing spaces, unless a run swallows them
    offset = 0
    lines = text.split("\n")
    for line in lines:
        body = line[:-1] if line.endswith("\r") else line
        stripped = body.rstrip(_HORIZONTAL)
        if stripped:
            _close_run(context, run_start, offset, blank >= 2, pending)
            pending, blank = [], 0
            run_start = offset + len(stripped)
            if len(stripped) < len(body):
                pending.append((run_start, offset + len(body)))
        else:
            blank += 1
            if body:
                pending.append((offset, offset + len(body)))
        offset += len(line) + 1
    # At the end the last "line" is what follows the final newline (often nothing).
    _close_run(context, run_start, len(text), blank >= 3, pending)


def _close_run(context: Context, start: int, end: int, collapse: bool, pending) -> None:
    if collapse:
        newline = "\r\n" if "\r\n" in context.text[start:end] else "\n"
        context.edit(
            start,
            end,
            newline * 2,
            "whitespace.blank_lines",
            "collapsed a run of blank lines (and their trailing spaces) to one blank line",
        )
        return
    for space_start, space_end in pending:
        context.edit(
            space_start, space_end, "", "whitespace.trailing", "removed spaces at the end of a line"
        )


def normalize_whitespace(context: Context) -> None:
    """Strip line-end spaces, collapse runs of blank lines, remove invisible spaces; flag
    bidirectional controls inside words."""
    _trailing_and_blank_runs(context)
    if any(char in context.text for char in _BIDI_CHARS):
        _flag_bidi_controls(context)
    if "\u200b" in context.text or "\u2060" in context.text or "\ufeff" in context.text:
        for match in _INVISIBLE.finditer(context.text):
            name = _INVISIBLE_NAMES[match.group()]
            context.edit(*match.span(), "", "whitespace.invisible", f"removed an invisible {name}")
