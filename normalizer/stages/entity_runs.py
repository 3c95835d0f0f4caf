"""Runs of name words in text, the exact mention at a position, and where a country is
named: what the entity stage's variant pass walks over (``entity_variants``)."""

from __future__ import annotations

import bisect
import functools
import re
import weakref

import regex

from gazetteer import Mention
from gazetteer.variants import ARTICLES
from normalizer.stages.entity_evidence import DEMONYMS_OF

WORD_TOKEN = regex.compile(r"[\p{L}\p{M}]+")
# Lower-case words inside names: Arabic articles and particles (Turkish spellings too:
# "es-Sisi"), "de" (Staffan de Mistura).
CONNECTORS = ARTICLES | {"bin", "ben", "ibn", "bint", "de", "ul"}


def _letters(predicate) -> str:
    ranges = ((0x41, 0x530), (0x1E00, 0x1F00))
    chars = [chr(code) for low, high in ranges for code in range(low, high) if predicate(chr(code))]
    return "[" + "".join(re.escape(char) for char in chars) + "]"


# A run of name-cased words ("ALYFA" or "HiFTER" are damage or headlines, not names),
# joined by one space or hyphen, lower-case connectors allowed inside.  Written with
# ``re`` and explicit letter classes (Latin, Greek, Cyrillic): 20% faster than
# ``regex``'s \p{Lu} on news text, and this scan is most of the variant pass's time.
_UPPER = _letters(str.isupper)
_LOWER = _letters(lambda char: char.islower() or 0x300 <= ord(char) < 0x370)
# "No letter before the capital" is asserted after it, as "no letter, then the capital":
# the same test (the capital is never a newline), but a pattern that starts with a
# character class lets ``re`` skip to the capitals in C — 2-4x faster on the seeds
# than trying the look-behind at every character (tests/test_fast_paths.py compares).
_NAME_WORD = rf"{_UPPER}(?<![^\W\d_].){_LOWER}*(?![^\W\d_])"
NAME_RUN = re.compile(
    _NAME_WORD
    + r"(?:[ -](?:(?:"
    + "|".join(sorted(CONNECTORS, key=len, reverse=True))
    + r")[ -])*"
    + _NAME_WORD
    + r")*"
)


def name_runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words joined by spaces or hyphens, with connectors inside.

    >>> [[t for _, _, t in run] for run in name_runs("Then Fayez al-Serradsch met him.")]
    [['Then', 'Fayez', 'al', 'Serradsch']]
    """
    runs = []
    for found in NAME_RUN.finditer(text):
        words, offset = found.group(), found.start()
        if " " not in words and "-" not in words:
            runs.append([(offset, found.end(), words)])  # most runs: one word
            continue
        tokens = WORD_TOKEN.finditer(words)
        runs.append([(offset + t.start(), offset + t.end(), t.group()) for t in tokens])
    return runs


# Per matcher (a reloaded gazetteer gets fresh ones), bounded like the matcher's caches.
_RUN_CACHE_SIZE = 16384
_shapes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shape_cache(matcher) -> dict:
    """The cache of :func:`run_shape` for ``matcher`` (looked up once per document)."""
    cache = _shapes.get(matcher)
    if cache is None:
        cache = _shapes[matcher] = {}
    return cache


def run_shape(
    cache: dict, matcher, words: str
) -> tuple[tuple[tuple[int, int, str], ...], tuple[int, ...]]:
    """The tokens of the run ``words`` (offsets within it), and the indexes, last first,
    of the tokens that may end a name: capitalised, and some alias part may spell the
    word or the word joined to the one before it (``Matcher.may_spell``).

    Neither depends on the document, and names recur: cached per matcher
    (``cache`` is :func:`shape_cache`'s).
    """
    found = cache.get(words)
    if found is None:
        if " " not in words and "-" not in words:
            tokens: tuple = ((0, len(words), words),)
        else:
            tokens = tuple((t.start(), t.end(), t.group()) for t in WORD_TOKEN.finditer(words))
        ends = tuple(
            index
            for index in reversed(range(len(tokens)))
            if tokens[index][2][0].isupper()
            and (
                matcher.may_spell(tokens[index][2])
                or (index > 0 and matcher.may_spell(tokens[index - 1][2] + tokens[index][2]))
            )
        )
        if len(cache) >= _RUN_CACHE_SIZE:
            cache.clear()
        found = cache[words] = (tokens, ends)
    return found


@functools.lru_cache(maxsize=_RUN_CACHE_SIZE)
def word_starts(text: str) -> tuple[int, ...]:
    """Where the words of ``text`` start (offsets within it); cached, names recur."""
    return tuple(word.start() for word in WORD_TOKEN.finditer(text))


class MentionAt:
    """The mention covering a position, found by bisection (mentions are sorted and do
    not overlap)."""

    __slots__ = ("_mentions", "_starts")

    def __init__(self, mentions: list[Mention]) -> None:
        self._mentions = mentions
        self._starts = [mention.start for mention in mentions]

    def get(self, position: int) -> Mention | None:
        index = bisect.bisect_right(self._starts, position) - 1
        if index >= 0 and position < self._mentions[index].end:
            return self._mentions[index]
        return None

    def __contains__(self, position: int) -> bool:
        return self.get(position) is not None


class CountrySpans:
    """Where a document names a country: a mention of the country itself, or its
    adjective ("the Syrian army"), looked up per country as it is asked for."""

    def __init__(self, text: str, mentions) -> None:
        self._text = text
        self._found: dict[str, list] = {}
        for mention in mentions:
            for candidate in mention.candidates:
                if candidate.entity.type == "country":
                    for code in candidate.entity.context:
                        self._found.setdefault(code, []).append((mention.start, mention.end))
        self._adjectives_done: set[str] = set()

    def get(self, code: str, default=()):
        if code not in self._adjectives_done:
            self._adjectives_done.add(code)
            for word in DEMONYMS_OF.get(code, ()):
                at = self._text.find(word)
                while at >= 0:
                    self._found.setdefault(code, []).append((at, at + len(word)))
                    at = self._text.find(word, at + len(word))
        return self._found.get(code, default)

    def __contains__(self, code: str) -> bool:
        return bool(self.get(code))
