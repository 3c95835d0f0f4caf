"""Stage ``encoding``: mojibake, HTML entities, control characters (ftfy's field).

ftfy runs line by line with house style switched off: curly quotes stay curly
(``uncurl_quotes=False``) and line breaks stay as written.  Only changed lines are diffed,
so each repair is located to the character.  A line that none of ftfy's steps could act on
(see :func:`_ftfy_leaves_alone`) is not sent to it: most lines of news text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import ftfy

from normalizer.context import Context
from normalizer.script_data import NON_ASCII_RUN

# House style stays the author's: curly quotes, line breaks and full-width characters
# (genuine in CJK text) are left as written.
_STYLE = {"uncurl_quotes": False, "fix_line_breaks": False, "fix_character_width": False}
CONFIG = ftfy.TextFixerConfig(**_STYLE, explain=False)
EXPLAIN_CONFIG = ftfy.TextFixerConfig(**_STYLE, explain=True)
# Above this length a changed line is diffed by common prefix and suffix only:
# SequenceMatcher is quadratic in the worst case.
MAX_DIFF_LENGTH = 4000
# Lines made only of printable ASCII without "&", typographic punctuation (U+2010 to
# U+2027: dashes, curly quotes, bullets, ellipsis) and no-break spaces have nothing for
# ftfy to fix: mojibake always holds a UTF-8 lead byte read as a Latin-1 letter (Ã, â, Ð),
# HTML entities need "&", control characters and ligatures lie outside the set.
_NEEDS_FTFY = re.compile(r"[^\x20-\x25\x27-\x7e\t\u00a0\u2010-\u2027]")


def _needs_ftfy(line: str) -> bool:
    """False only when ftfy would certainly leave ``line`` as it is."""
    # Printable ASCII without "&" is the common case, told without a regex scan.
    if line.isascii() and line.isprintable() and "&" not in line:
        return False
    if _NEEDS_FTFY.search(line) is None:
        return False
    return not _ftfy_leaves_alone(line)


# What ftfy 6.3 does with our configuration, and what each step needs to find:
# ``unescape_html`` an "&", ``remove_terminal_escapes`` an ESC, ``fix_c1_controls`` a C1
# control, ``fix_latin_ligatures`` a ligature, ``fix_surrogates`` a surrogate,
# ``remove_control_chars`` one of its control characters, NFC a text not in NFC, and
# ``fix_encoding`` text that ``ftfy.badness.is_bad`` calls bad.  Another ftfy (a step
# added, or these tables moved) turns the shortcut off: every such line then goes to ftfy.
KNOWN_FTFY_STEPS = (
    "unescape_html", "remove_terminal_escapes", "restore_byte_a0", "replace_lossy_sequences",
    "decode_inconsistent_utf8", "fix_c1_controls", "fix_latin_ligatures",
    "fix_character_width", "uncurl_quotes", "fix_line_breaks", "fix_surrogates",
    "remove_control_chars",
)  # fmt: skip


def _longest_match(pattern: re.Pattern) -> int | None:
    """The most characters ``pattern`` can match, when the parser says (None if not)."""
    try:
        return re._parser.parse(pattern.pattern, pattern.flags).getwidth()[1]
    except Exception:  # a private parser: a Python without it only loses the shortcut
        return None


def _shortcut_tables():
    """(trigger pattern, badness pattern, its longest match), or None for another ftfy."""
    try:
        from ftfy.badness import BADNESS_RE
        from ftfy.chardata import CONTROL_CHARS, LIGATURES
    except ImportError:
        return None
    if tuple(ftfy.FIXERS) != KNOWN_FTFY_STEPS:
        return None
    trigger = re.compile(
        "[&\x1b\x80-\x9f\ud800-\udfff"
        + "".join(re.escape(chr(code)) for code in sorted({*LIGATURES, *CONTROL_CHARS}))
        + "]"
    )
    # Every match of the badness pattern holds a non-ASCII character and is at most this
    # long (7 in ftfy 6.3), so it need only be tried around a line's non-ASCII runs.
    return trigger, BADNESS_RE, _longest_match(BADNESS_RE)


_SHORTCUT = _shortcut_tables()


def _ftfy_leaves_alone(line: str) -> bool:
    """True when no ftfy step can act on ``line`` (5-8x cheaper than asking ftfy)."""
    if _SHORTCUT is None:
        return False
    trigger, badness, width = _SHORTCUT
    if trigger.search(line) or not unicodedata.is_normalized("NFC", line):
        return False
    if width is None or width > 16:
        return not badness.search(line)
    return not any(
        badness.search(line, max(0, run.start() - width + 1), run.end() + width - 1)
        for run in NON_ASCII_RUN.finditer(line)
    )


def _explain(line: str) -> str:
    steps = ftfy.fix_and_explain(line, EXPLAIN_CONFIG).explanation or []
    names = ", ".join(dict.fromkeys(f"{step[0]} {step[1]}" for step in steps))
    return f"ftfy repaired the text ({names})" if names else "ftfy repaired the text"


def _diff(old: str, new: str) -> list[tuple[int, int, str]]:
    if len(old) > MAX_DIFF_LENGTH or len(new) > MAX_DIFF_LENGTH:
        prefix = 0
        while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < min(len(old), len(new)) - prefix
            and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
        ):
            suffix += 1
        return [(prefix, len(old) - suffix, new[prefix : len(new) - suffix])]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def fix_encoding(context: Context) -> None:
    """Repair encoding damage with ftfy, one located change per repaired stretch."""
    offset = 0
    seen = context.state.clean_lines
    for line in context.text.split("\n"):
        if line not in seen:
            fixed = ftfy.fix_text(line, CONFIG) if _needs_ftfy(line) else line
            if fixed == line or ftfy.fix_text(fixed, CONFIG) != fixed:
                # Unchanged, or ftfy would not leave its own output alone: keep the line.
                seen.add(line)
            else:
                message = _explain(line)
                for start, end, replacement in _diff(line, fixed):
                    context.edit(
                        offset + start, offset + end, replacement, "encoding.ftfy", message
                    )
        offset += len(line) + 1
