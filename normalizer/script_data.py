"""Per-script rules in one table, and the look-alike letters between scripts.

Stages read :data:`SCRIPTS` instead of branching on script names.  The look-alike
pairs follow the Unicode confusables data (UTS #39, ``confusables.txt``), restricted to
letters that render identically in common news fonts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex


@dataclass(frozen=True)
class ScriptInfo:
    """What the stages need to know about one script."""

    name: str  # Unicode script property value, e.g. "Arabic"
    #: A likely source language for messages ("Arabic letters" reads better than codes).
    label: str
    #: Letters of this script that look like Latin letters, mapped to them.
    to_latin: dict[str, str]
    #: Whether a stray fragment of this script inside a Latin word is MT debris.
    debris_in_latin: bool = True


_CYRILLIC_TO_LATIN = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q",
    "Ԝ": "W",
}  # fmt: skip
# Lower-case Greek letters other than omicron differ visibly from Latin ones and are
# used as symbols in English text (TNFα, β-blocker): only omicron is a true twin.
_GREEK_TO_LATIN = {
    "ο": "o",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip

SCRIPTS: dict[str, ScriptInfo] = {
    info.name: info
    for info in (
        ScriptInfo("Latin", "Latin", {}, debris_in_latin=False),
        ScriptInfo("Cyrillic", "Cyrillic", _CYRILLIC_TO_LATIN),
        ScriptInfo("Greek", "Greek", _GREEK_TO_LATIN),
        ScriptInfo("Arabic", "Arabic", {}),
        ScriptInfo("Hebrew", "Hebrew", {}),
        ScriptInfo("Armenian", "Armenian", {}),
        ScriptInfo("Georgian", "Georgian", {}),
        ScriptInfo("Syriac", "Syriac", {}),
        ScriptInfo("Thaana", "Thaana", {}),
        ScriptInfo("Devanagari", "Devanagari", {}),
        ScriptInfo("Han", "Chinese", {}),
        ScriptInfo("Hiragana", "Japanese", {}),
        ScriptInfo("Katakana", "Japanese", {}),
        ScriptInfo("Hangul", "Korean", {}),
    )
}

#: Latin letters that look like Cyrillic ones, for repairing Cyrillic words.
LATIN_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in _CYRILLIC_TO_LATIN.items()}

#: A run of letters (with their combining marks): one "word" for script checks.
WORD = regex.compile(r"[\p{L}\p{M}]+")
#: Any letter outside the Latin script (and not a combining mark).
NON_LATIN_LETTER = regex.compile(r"[^\P{L}\p{Latin}]")
#: A run of non-ASCII characters.  Every letter of another script is one, and news text
#: is mostly ASCII: ``regex`` finds these runs about ten times faster than it scans a
#: whole text for a letter class, so scans for other scripts start from them.
NON_ASCII_RUN = regex.compile(r"[^\x00-\x7f]+")


def has_non_latin_letter(text: str) -> bool:
    """Whether ``text`` holds a letter of a script other than Latin.

    >>> has_non_latin_letter("Haftar “Sirte”"), has_non_latin_letter("Hаftar")
    (False, True)
    """
    if text.isascii():
        return False
    return any(NON_LATIN_LETTER.search(run.group()) for run in NON_ASCII_RUN.finditer(text))


_SCRIPT_PATTERNS = tuple((name, regex.compile(rf"\p{{Script={name}}}")) for name in SCRIPTS)


def letter_scripts(text: str) -> dict[str, int]:
    """How many letters of ``text`` each script has, scripts in order of first letter.

    >>> letter_scripts("Hаftar")
    {'Latin': 5, 'Cyrillic': 1}
    """
    # ASCII letters are counted by deleting them from the UTF-8 bytes; only the
    # non-ASCII runs are looked at one character at a time.
    raw = text.encode("utf-8", "surrogatepass")
    ascii_letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    if text.isascii():
        return {"Latin": ascii_letters} if ascii_letters else {}
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for run in NON_ASCII_RUN.finditer(text):
        for offset, char in enumerate(run.group()):
            if char.isalpha():
                name = script_of(char)
                if name not in counts:
                    counts[name], first[name] = 0, run.start() + offset
                counts[name] += 1
    if ascii_letters:
        position = _ASCII_LETTER.search(text).start()
        counts["Latin"] = counts.get("Latin", 0) + ascii_letters
        first["Latin"] = min(first.get("Latin", position), position)
    return dict(sorted(counts.items(), key=lambda item: first[item[0]]))


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_LETTER = re.compile("[A-Za-z]")


@functools.lru_cache(maxsize=8192)
def script_of(char: str) -> str:
    """The Unicode script of one letter, among the scripts of :data:`SCRIPTS`, or "Other".

    >>> script_of("a"), script_of("а"), script_of("ب")
    ('Latin', 'Cyrillic', 'Arabic')
    """
    for name, pattern in _SCRIPT_PATTERNS:
        if pattern.match(char):
            return name
    return "Other"
