"""Per-script facts in one table, and fast scans for letters of other scripts.

Stages read :data:`SCRIPTS` instead of branching on script names.  The look-alike letters
between scripts come from Unicode's confusables data (``normalizer.confusables``), their
Latin readings from ``normalizer.transliteration``.
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


SCRIPTS: dict[str, ScriptInfo] = {
    info.name: info
    for info in (
        ScriptInfo("Latin", "Latin"),
        ScriptInfo("Cyrillic", "Cyrillic"),
        ScriptInfo("Greek", "Greek"),
        ScriptInfo("Arabic", "Arabic"),
        ScriptInfo("Hebrew", "Hebrew"),
        ScriptInfo("Armenian", "Armenian"),
        ScriptInfo("Georgian", "Georgian"),
        ScriptInfo("Syriac", "Syriac"),
        ScriptInfo("Thaana", "Thaana"),
        ScriptInfo("Devanagari", "Devanagari"),
        ScriptInfo("Han", "Chinese"),
        ScriptInfo("Hiragana", "Japanese"),
        ScriptInfo("Katakana", "Japanese"),
        ScriptInfo("Hangul", "Korean"),
    )
}

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
