"""Look-alike letters between scripts, from Unicode's own confusables data (UTS #39).

The data file is ``confusables.txt`` of Unicode's security mechanisms, as shipped (in
JSON) by the ``confusable_homoglyphs`` package.  Of its pairs we keep the letters of another
script that are confusable with one ASCII letter (Cyrillic ``а`` → ``a``, Greek ``ι`` →
``i``, Armenian ``օ`` → ``o``): mathematical alphanumerics and full-width forms are not
debris of translation but styling, and ftfy or the entity stage handle them.

>>> to_latin("parlιament"), to_latin("Οman"), to_latin("Hаftar")
('parliament', 'Oman', 'Haftar')
>>> from_latin("нaш", "Cyrillic")
'наш'
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from normalizer.script_data import script_of

_PACKAGE = "confusable_homoglyphs"
_DATA_FILE = "confusables.json"
# Scripts whose letters may stand in for Latin ones inside an English word.
_SOURCE_SCRIPTS = ("Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Other")


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(letter of another script -> ASCII letter, per script: ASCII letter -> its letter)."""
    data = json.loads(resources.files(_PACKAGE).joinpath(_DATA_FILE).read_text("utf-8"))
    to_latin: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or not char.isalpha() or char.isascii():
            continue
        if script_of(char) not in _SOURCE_SCRIPTS or script_of(char) == "Latin":
            continue
        targets = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
        if targets and targets[0].isalpha():
            to_latin[char] = targets[0]
    for char, latin in list(to_latin.items()):
        # The data maps capital iota and the Ukrainian capital i to "l": in a word they
        # stand for "I", the capital of what their small letters stand for.
        small = to_latin.get(char.lower())
        if char.isupper() and latin.islower() and small:
            to_latin[char] = small.upper()
    from_latin: dict[str, dict[str, str]] = {}
    # The letters of the basic alphabets first (``ι`` before the subscript ``ͺ``).
    for char, latin in sorted(to_latin.items(), key=lambda item: (_rare(item[0]), item[0])):
        if char.islower() == latin.islower():
            from_latin.setdefault(script_of(char), {}).setdefault(latin, char)
    return to_latin, from_latin


def _rare(char: str) -> bool:
    return not ("\u0391" <= char <= "\u03c9" or "\u0400" <= char <= "\u045f")


def latin_twin(char: str) -> str | None:
    """The ASCII letter ``char`` (a letter of another script) is confusable with, if any."""
    return _tables()[0].get(char)


def to_latin(word: str) -> str | None:
    """``word`` with every non-Latin letter replaced by its Latin twin; None if one has none."""
    table = _tables()[0]
    out = []
    for char in word:
        if char.isascii() or script_of(char) == "Latin" or not char.isalpha():
            out.append(char)
        elif char in table:
            out.append(table[char])
        else:
            return None
    return "".join(out)


def from_latin(word: str, script: str) -> str | None:
    """``word`` with every Latin letter replaced by its twin in ``script``; None if one has none."""
    table = _tables()[1].get(script, {})
    out = []
    for char in word:
        if char.isalpha() and script_of(char) == "Latin":
            if char not in table:
                return None
            out.append(table[char])
        else:
            out.append(char)
    return "".join(out)
