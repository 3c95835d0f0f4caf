"""Reading letters of another script as the Latin letters English news writes for them.

Two things per script: one *reading* of a fragment for messages ("ور" reads "wr"), and a
*pattern* of every Latin spelling it may stand for, which the script stage matches
against known words and names.

* Cyrillic: the reading is the iuliia package's Wikipedia scheme, the one English-language
  news and Wikipedia titles use (Naryshkin, Mishustin, Shoigu); the pattern adds the common
  alternatives (``х`` kh/h, ``й`` y/i, ``е`` e/ye, ``ю`` yu/iu/u) of BGN/PCGN and older
  news spellings.
* Arabic and Persian: letters take their consonant values; the ambiguous ones keep all of
  them (``و`` w/u/o/ou/v, ``ي`` y/i/ee/ey, ``ق`` q/k/g), and since short vowels are not
  written, one or two Latin vowels may stand between letters (``ور`` matches "war").
* Greek (ELOT 743 / UN) and Hebrew (consonantal, with the matres lectionis as vowels).
"""

from __future__ import annotations

import functools

import iuliia
import regex

# Latin spellings of each letter; the first is its reading in messages.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v|w", "г": "g|h", "д": "d", "е": "e|ye|ie", "ё": "yo|e|io",
    "ж": "zh|j", "з": "z", "и": "i|y", "й": "y|i|j|", "к": "k|c|ck", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s|c|ss", "т": "t", "у": "u|ou|oo",
    "ф": "f|ph", "х": "kh|h|ch|x", "ц": "ts|tz|c", "ч": "ch|tch", "ш": "sh", "щ": "shch|sch",
    "ъ": "", "ы": "y|i", "ь": "|i|y", "э": "e", "ю": "yu|iu|u|ju", "я": "ya|ia|a|ja",
    "і": "i", "ї": "yi|i", "є": "ye|ie|e", "ґ": "g", "ў": "w|u", "ј": "j", "ђ": "dj",
    "љ": "lj", "њ": "nj", "ћ": "c|ch", "џ": "dz",
}  # fmt: skip
_ARABIC = {
    "ا": "a|aa", "أ": "a|e|i|u|o|", "إ": "i|e|", "آ": "a|aa", "ٱ": "a|",
    "ب": "b|bb|p", "ت": "t|tt", "ث": "th|s|t", "ج": "j|dj|g|zh", "ح": "h|hh|kh",
    "خ": "kh|h|x", "د": "d|dd", "ذ": "dh|z|th|d", "ر": "r|rr", "ز": "z|zz", "س": "s|ss",
    "ش": "sh|ch|sch", "ص": "s|ss", "ض": "d|dh|z", "ط": "t|tt", "ظ": "z|dh", "ع": "|a|e|i|u",
    "غ": "gh|g", "ف": "f|ff|ph", "ق": "q|k|g|kk", "ك": "k|kk|c", "ل": "l|ll", "م": "m|mm",
    "ن": "n|nn", "ه": "h|a|e|", "ة": "a|ah|e|at", "و": "w|u|o|ou|oo|v|ow",
    "ي": "y|i|ee|e|ai|ey|ei|ie", "ى": "a|i|y", "ئ": "|e|y", "ؤ": "|u|o", "ء": "",
    "پ": "p", "چ": "ch", "ژ": "zh|j", "گ": "g", "ک": "k|c", "ی": "y|i|ee|e|ey",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v|b", "γ": "g|y", "δ": "d|dh", "ε": "e", "ζ": "z", "η": "i|e", "θ": "th",
    "ι": "i", "κ": "k|c", "λ": "l", "μ": "m", "ν": "n", "ξ": "x|ks", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y|u|i", "φ": "f|ph", "χ": "ch|kh|h",
    "ψ": "ps", "ω": "o", "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y|u",
    "ώ": "o",
}  # fmt: skip
_HEBREW = {
    "א": "|a|e", "ב": "b|v", "ג": "g", "ד": "d", "ה": "h|a|e|", "ו": "v|o|u|w", "ז": "z",
    "ח": "ch|kh|h", "ט": "t", "י": "y|i|e", "כ": "k|kh|ch", "ך": "kh|k|ch", "ל": "l",
    "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ע": "|a|e", "פ": "p|f", "ף": "f",
    "צ": "tz|ts|z", "ץ": "tz|ts", "ק": "k|q", "ר": "r", "ש": "sh|s", "ת": "t",
}  # fmt: skip

#: Per script: (letter -> alternatives, whether unwritten short vowels may stand between).
SCHEMES: dict[str, tuple[dict[str, tuple[str, ...]], bool]] = {
    name: ({letter: tuple(spellings.split("|")) for letter, spellings in table.items()}, abjad)
    for name, table, abjad in (
        ("Cyrillic", _CYRILLIC, False),
        ("Arabic", _ARABIC, True),
        ("Greek", _GREEK, False),
        ("Hebrew", _HEBREW, True),
    )
}
_SHORT_VOWELS = "(?:[aeiou]{0,2})"
_MARKS = regex.compile(r"[\p{M}\u0640\u200c\u200d]")  # vowel marks, tatweel, ZWNJ, ZWJ


def reading(fragment: str, script: str) -> str | None:
    """One Latin reading of ``fragment`` for messages, or None for a script we cannot read.

    >>> reading("Нарышкин", "Cyrillic"), reading("ور", "Arabic"), reading("Οικονομία", "Greek")
    ('Naryshkin', 'wr', 'Oikonomia')
    >>> reading("Слава Україні", "Cyrillic")
    'Slava Ukrayini'

    """
    if script == "Cyrillic":
        # The scheme is Russian's: Ukrainian, Belarusian and Serbian letters it leaves
        # (і, ї, є, ў, ђ) take the first reading of the table below.
        fragment = iuliia.WIKIPEDIA.translate(fragment)
    if script not in SCHEMES:
        return None
    table = SCHEMES[script][0]
    pieces = []
    for char in _MARKS.sub("", fragment):
        spellings = table.get(char.lower())
        first = spellings[0] if spellings is not None else char
        pieces.append(first.capitalize() if char.isupper() else first)
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)
def pattern(fragment: str, script: str) -> str | None:
    """A regular expression (lower case) of the Latin spellings ``fragment`` may stand for.

    None when a letter of it has no reading (the fragment cannot be read as Latin).

    >>> import regex
    >>> bool(regex.fullmatch(pattern("ور", "Arabic"), "war"))
    True
    """
    if script not in SCHEMES:
        return None
    table, abjad = SCHEMES[script]
    letters = _MARKS.sub("", fragment).lower()
    parts = []
    for char in letters:
        spellings = table.get(char)
        if spellings is None:
            return None
        choices = sorted({regex.escape(spelling) for spelling in spellings}, key=len, reverse=True)
        parts.append("(?:" + "|".join(choices) + ")")
    if abjad:
        return _SHORT_VOWELS + _SHORT_VOWELS.join(parts) + _SHORT_VOWELS
    return "".join(parts)


def unspelled(fragment: str, script: str, latin: str) -> int | None:
    """How far ``latin`` is from the plainest reading of ``fragment``: the fewest letters
    the damage did not spell (short vowels between letters) plus readings other than a
    letter's first (``و`` as "o" rather than "w"; a letter read as nothing).  Characters
    of ``fragment`` outside the script stand for themselves.  None when ``latin`` is no
    reading of ``fragment`` at all.

    >>> unspelled("اوا", "Arabic", "awa"), unspelled("وا", "Arabic", "oa")
    (0, 1)
    """
    table, abjad = SCHEMES[script]
    letters = _MARKS.sub("", fragment).lower()

    @functools.cache
    def best(i: int, j: int) -> float:
        if i == len(letters):
            rest = latin[j:]
            return len(rest) if abjad and set(rest) <= set("aeiou") else (0 if not rest else INF)
        options = [INF]
        if abjad and j < len(latin) and latin[j] in "aeiou":
            options.append(1 + best(i, j + 1))
        for rank, spelling in enumerate(table.get(letters[i], (letters[i],))):
            if latin.startswith(spelling, j):
                options.append(min(rank, 1) + best(i + 1, j + len(spelling)))
        return min(options)

    found = best(0, 0)
    return None if found == INF else int(found)


INF = float("inf")


#: Short vowels tried between the letters of an abjad (most names need at most one).
_ABJAD_FILL = ("", "a", "i", "u", "e", "o")
#: Per letter, at most this many of its spellings are tried (the table lists the
#: commonest first; ``و`` as "ou" is the fourth).
_ALTERNATIVES = 4


def spellings(fragment: str, script: str, *, limit: int = 256) -> list[str]:
    """Concrete Latin spellings of ``fragment`` (lower case), plainest first, at most
    ``limit``: what :func:`pattern` matches, written out, for a search by key rather
    than by list.  Characters outside the script stand for themselves.

    >>> spellings("сти", "Cyrillic")[:3]
    ['sti', 'cti', 'ssti']
    >>> "war" in spellings("ور", "Arabic")
    True
    """
    return list(_spellings(fragment, script, limit))


# Pure: the same few letters of debris recur (وا, أو), and writing out a few hundred
# spellings with a sort per letter costs about 70 µs each time.
@functools.lru_cache(maxsize=1024)
def _spellings(fragment: str, script: str, limit: int) -> tuple[str, ...]:
    if script not in SCHEMES:
        return ()
    table, abjad = SCHEMES[script]
    letters = _MARKS.sub("", fragment).lower()
    options: list[list[tuple[int, str]]] = []
    for position, char in enumerate(letters):
        if position and abjad and letters[position - 1] in table:
            options.append([(min(rank, 1), fill) for rank, fill in enumerate(_ABJAD_FILL)])
        choices = table.get(char, (char,))[:_ALTERNATIVES]
        options.append([(min(rank, 1), spelling) for rank, spelling in enumerate(choices)])
    # Best first, keeping the ``limit`` cheapest partial spellings after each letter: a
    # cheapest completion always costs nothing more, so no spelling among the ``limit``
    # cheapest is lost (a full product of four Arabic letters is 55,296 spellings).
    partial: dict[str, int] = {"": 0}
    for choices in options:
        grown: dict[str, int] = {}
        for written, cost in partial.items():
            for rank, spelling in choices:
                key = written + spelling
                if grown.get(key, INF) > cost + rank:
                    grown[key] = cost + rank
        kept = sorted(grown, key=lambda key: (grown[key], key))[:limit]
        partial = {key: grown[key] for key in kept}
    return tuple(written for written in partial if written)
