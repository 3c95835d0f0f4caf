"""What the words around a damaged word say: the script stage's neighbourhood evidence.

Whether a name's native spelling holds the foreign letters, whether a Latin fragment
before foreign letters is a word of its own (``his son علي``) or a piece of one
(``Sin ور``), and whether a word beside the damaged one belongs to the name it may be.
"""

from __future__ import annotations

import regex
from wordfreq import zipf_frequency

from gazetteer.folding import fold_key
from gazetteer.index import ARTICLE_TOKENS
from normalizer.stages.script_readings import COMMON_ZIPF

_MARK = regex.compile(r"\p{M}")
_NEIGHBOUR_BEFORE = regex.compile(r"(\p{L}+)[ \t]+$")
_NEIGHBOUR_AFTER = regex.compile(r"[ \t]+(\p{L}+)")


# A name whose own native spelling holds the foreign letters is read that way two steps
# more readily (``Gaуa``: Gaoua is Гауа, Gaya is Гая).
NATIVE_STEPS = 2


def native_support(hit, foreign: str) -> bool:
    """Whether the entity ``hit`` names has a native spelling holding ``foreign``."""
    if hit.entity is None or not hit.strong:
        return False
    bare = _MARK.sub("", foreign).lower()
    return any(bare in _MARK.sub("", alias.text).lower() for alias in hit.entity.aliases)


def native_note(hit, foreign: str) -> str:
    """The words a message adds when :func:`native_support` holds, else ""."""
    if not native_support(hit, foreign):
        return ""
    return f", whose native spelling holds {foreign!r}"


def listing(hits) -> str:
    """The readings for a flag: each token, with the name it spells when two tokens are
    written alike ("Salmane (Mohammed bin Salman), Salmane (Khalid bin Salman Al Saud)")."""
    tokens = [hit.token for hit in hits]
    return ", ".join(
        sorted(
            f"{hit.token} ({hit.entity.name})"
            if hit.entity is not None and tokens.count(hit.token) > 1
            else hit.token
            for hit in hits
        )
    )


def around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text within 40 characters before ``start`` and after ``end``."""
    return text[max(0, start - 40) : start], text[end : end + 40]


# "in", "of", "to" are above this (Zipf 7); two-letter fragments such as "sh", "mu",
# "ma" below it (3.7-4.6).
_FUNCTION_WORD_ZIPF = 5.0


def dangling(text: str, match: regex.Match, found: list, gazetteer) -> list:
    """The readings of foreign letters a space after a Latin fragment and ending the word.

    The fragment may be a word of its own and the letters another ("his son علي", "Dr
    ابو", "Ali بر", "Al ما").  After an Arabic article, nothing; after one or two small
    letters that are no word as common as "in" or "of", only a common English word
    (sh يخ: sheikh); after a capital or a word or name of its own, only a name whose
    native spelling holds the letters (Ri در: Ridder, ريدر) or whose other word stands
    beside it (Yahya Sin ور: Sinwar).
    """
    pre, foreign = match.group("pre"), match.group("foreign")
    if fold_key(pre) in ARTICLE_TOKENS:
        return []
    if len(pre) <= 2 and pre.islower():
        if zipf_frequency(pre, "en") >= _FUNCTION_WORD_ZIPF:
            return []  # "in", "of": the word itself, not a fragment of one
        return [hit for hit in found if hit.strong and hit.entity is None]
    if len(pre) <= 2 or _is_word(pre, gazetteer):
        return [
            hit
            for hit in found
            if native_support(hit, foreign) or _neighbour_confirms(text, match, hit)
        ]
    return found


def _is_word(word: str, gazetteer) -> bool:
    """Whether ``word`` is a common English word or a name on its own."""
    return zipf_frequency(word.lower(), "en") >= COMMON_ZIPF or bool(gazetteer.matcher.lookup(word))


def _neighbour_confirms(text: str, match: regex.Match, hit) -> bool:
    """Whether a word beside the damaged one is another word of the name ``hit`` reads as."""
    if hit.entity is None:
        return False
    names = set(fold_key(hit.entity.name).split(" ")) - {fold_key(hit.token)}
    before = _NEIGHBOUR_BEFORE.search(text, max(0, match.start() - 40), match.start())
    after = _NEIGHBOUR_AFTER.match(text, match.end(), match.end() + 40)
    return any(found and fold_key(found.group(1)) in names for found in (before, after))


def by_neighbour(text: str, start: int, end: int, found: list) -> tuple[list, str]:
    """Keep the completions whose entity's name also holds the word before or after."""
    before = _NEIGHBOUR_BEFORE.search(text, max(0, start - 40), start)
    after = _NEIGHBOUR_AFTER.match(text, end, end + 40)
    words = [m.group(1) for m in (before, after) if m]
    kept = [
        (token, entity)
        for token, entity in found
        if any(fold_key(word) in fold_key(entity.name).split(" ") for word in words)
    ]
    if len(kept) == 1:
        return kept, f", and the neighbouring word matches the name {kept[0][1].name}"
    return found, ""
