"""Paragraphs and quotations in another Latin-script language: a French quotation or a
German paragraph left untranslated inside an English article.

A passage is foreign only when two independent witnesses agree:

* its words: at least :data:`MIN_WORDS` of running text, few English function words
  (under :data:`ENGLISH_SHARE`) and many function words of one other language
  (:data:`FOREIGN_SHARE` or more, from ``normalizer.foreign_data``; for Turkish, words
  with its own letters ı, ğ, ş count too);
* the language detector (langdetect, seeded, as the language stage uses it): not
  English, with probability :data:`MIN_PROBABILITY`, and not one of the languages above
  whose words the passage holds few of.

Either alone is wrong too often: the detector takes the short English sentence "Turkish
Foreign Minister Mevlüt Tschawuschoglu met his Greek counterpart." for German (one
English function word in nine), and function words alone take a list of French names
for French.  Most English paragraphs fail the first count at once, so the detector
reads only the few passages that look foreign; judgements are cached per passage.

A paragraph is judged on its text outside quotations: an English sentence around a
long French quotation is English, and only the quotation is foreign.

>>> text = 'Sarkozy said: “Nous ne laisserons pas Kadhafi massacrer son peuple.”'
>>> [text[start:end] for start, end in find_foreign_passages(text)]
['Nous ne laisserons pas Kadhafi massacrer son peuple.']
"""

from __future__ import annotations

import functools

import regex

from normalizer.foreign_data import (
    APOSTROPHE_SUFFIX,
    DISTINCTIVE_LETTERS,
    LANGUAGE_NAMED,
    LANGUAGE_NAMES,
    LANGUAGE_WORDS,
    LINE,
    PARAGRAPH,
    QUOTATION,
    SENTENCE_BOUNDARY,
)
from normalizer.stages.language import _ENGLISH, detect, words_of

MIN_WORDS = 6  # shorter text ("Tschawuschoglu said.") is not judged
# A quotation is judged from four words («La mort de Mouammar Kadhafi»), its marks being
# evidence of their own that it is a passage apart; the detector is less sure of so few
# words (fr, p=0.57 there), and a weaker answer suffices.
MIN_QUOTATION_WORDS = 4
QUOTATION_PROBABILITY = 0.5
# A quotation the text introduces by its language ("a German obituary began: „…“") is
# that language's when one of its function words is in it, none of English's, and the
# detector names that language: "Muammar al-Gaddhafi regierte Libyen 42 Jahre lang mit
# eiserner Hand." holds one ("mit").  The name is looked for this far before it.
ANNOUNCED_WITHIN = 60
# English prose has 35-50% English function words, a French or German passage next to
# none (an "in" or "a" there is a word of its own).  Its own frequent words are a third
# to a half of a passage of literary text, but 15-30% of news text, dense with names
# (measured on the hand-written passages of tests/eval/foreign_passages.jsonl; Turkish,
# whose words take suffixes, the fewest).
ENGLISH_SHARE = 0.1
FOREIGN_SHARE = 0.15
MIN_FUNCTION_WORDS = 2  # one "non" or "sans" in a six-word English title is not French
# And English function words at most a quarter of the language's: "Perl module to patch
# perl source à la Devel::PPPort" (one "to" beside "à la") is English.
FOREIGN_PER_ENGLISH = 4
# A language whose function words are at least this share of the best one's count can
# be the detector's answer (Spanish, Portuguese and Italian share many).
RIVAL_SHARE = 0.5
MIN_PROBABILITY = 0.8

#: A language's function words: its frequent words that English does not use as function
#: words ("die", "de" and "la" count; "in", "was" and "a" do not), one ASCII letter left
#: out (English elisions give "s", "t", "d" and "m").  An English function word that is
#: one of the language's own frequent words (a German "in") is no evidence of English.
FUNCTION_WORDS = {
    language: frozenset(
        word for word in words if word not in _ENGLISH and not (len(word) == 1 and word.isascii())
    )
    for language, words in LANGUAGE_WORDS.items()
}
ANY_FUNCTION_WORD = frozenset().union(*FUNCTION_WORDS.values())
_DISTINCTIVE = {
    language: regex.compile(f"[{letters}]") for language, letters in DISTINCTIVE_LETTERS.items()
}
_ANY_DISTINCTIVE = regex.compile(f"[{''.join(DISTINCTIVE_LETTERS.values())}]")


def find_foreign_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph or quotation of ``text`` in another Latin-script
    language, sorted; a quotation inside a foreign paragraph is not listed again."""
    spans: list[tuple[int, int]] = []
    for paragraph in PARAGRAPH.finditer(text):
        found = _passages(text, *_stripped(text, *paragraph.span()))
        if found is None and "\n" in paragraph.group():
            found = []
            for line in LINE.finditer(text, *paragraph.span()):
                found += _passages(text, *line.span()) or []
        spans += found or []
    return spans


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _passages(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The foreign passages of ``text[start:end]``: all of it when its text outside
    quotations is foreign, else its foreign quotations and sentences (None when none)."""
    quotations, outside, position = [], [], start
    for match in QUOTATION.finditer(text, start, end):
        quotations.append(match.span("body"))
        outside.append(text[position : match.start()])
        position = match.end()
    outside.append(text[position:end])
    if foreign_language(" ".join(outside)):
        sentences = _sentences(text, start, end)
        if len(sentences) == 1 or not any(_english(text[low:high]) for low, high in sentences):
            return [(start, end)]
        # An English sentence beside foreign ones ("Assad met envoys in Damascus.
        # «…», dijo un diplomático."): each sentence is judged alone.
        found = []
        for low, high in sentences:
            found += _passages(text, low, high) or []
        return found or None
    found = [
        (low, high)
        for low, high in quotations
        if foreign_language(
            text[low:high], True, _announced(text, max(start, low - ANNOUNCED_WITHIN), low)
        )
    ]
    return found or None


def _announced(text: str, start: int, end: int) -> str:
    """The language the text names last in ``text[start:end]`` (before a quotation)."""
    named = ""
    for match in LANGUAGE_NAMED.finditer(text, start, end):
        named = LANGUAGE_NAMES[match.group("name").lower()]
    return named


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``."""
    spans, position = [], start
    for boundary in SENTENCE_BOUNDARY.finditer(text, start, end):
        spans.append((position, boundary.start()))
        position = boundary.end()
    return [*spans, (position, end)]


def _english(sentence: str) -> bool:
    """Whether the detector is sure ``sentence`` (of four words or more) is English."""
    if len(words_of(sentence)) < 4:
        return False
    language, probability = detect(sentence)
    return language == "en" and probability >= MIN_PROBABILITY


@functools.lru_cache(maxsize=4096)
def foreign_language(passage: str, quotation: bool = False, announced: str = "") -> str:
    """The language of ``passage`` (a ``quotation`` or not, ``announced`` as a language
    by the text before it or not) when it is running text in another Latin-script
    language, by its words and the detector together; "" otherwise.

    >>> foreign_language("Die Belagerung von Tobruch dauerte 241 Tage und gilt als lang.")
    'de'
    >>> foreign_language("Foreign Minister Mevlüt Tschawuschoglu met his Greek counterpart.")
    ''
    """
    words = words_of(passage)
    if len(words) < (MIN_QUOTATION_WORDS if quotation else MIN_WORDS):
        return ""
    if announced:
        return _as_announced(passage, words, announced)
    evidence = sum(map(ANY_FUNCTION_WORD.__contains__, words))
    if evidence < FOREIGN_SHARE * len(words) and (
        passage.isascii() or not _ANY_DISTINCTIVE.search(passage.lower())
    ):
        return ""  # most English paragraphs end here, after one count
    language = _by_function_words(passage, words)
    if not language:
        return ""
    detected, probability = detect(passage)
    if detected == "en" or probability < (QUOTATION_PROBABILITY if quotation else MIN_PROBABILITY):
        return ""
    # The detector knows languages this module has no words for (Catalan for «La mort de
    # Mouammar Kadhafi»): those agree that the passage is not English.
    if detected in FUNCTION_WORDS and _evidence(words, detected) < RIVAL_SHARE * _evidence(
        words, language
    ):
        return ""
    return language


def _as_announced(passage: str, words: list[str], announced: str) -> str:
    """``announced`` when the quotation ``passage`` is in it (:data:`ANNOUNCED_WITHIN`),
    else what its words and the detector say without the announcement."""
    if _evidence(words, announced) and not _english_words(passage, announced):
        detected, probability = detect(passage)
        if detected == announced and probability >= MIN_PROBABILITY:
            return announced
    return foreign_language(passage, True)


def _english_words(passage: str, language: str) -> int:
    """English function words in ``passage`` that are not words of ``language`` too, nor
    a suffix after an apostrophe (Turkish "Hafter’in")."""
    own = LANGUAGE_WORDS[language]
    text = APOSTROPHE_SUFFIX.sub("", passage)
    return sum(1 for word in words_of(text) if word in _ENGLISH and word not in own)


def _evidence(words: list[str], language: str) -> int:
    """How many of ``words`` are function words of ``language`` or hold its letters."""
    function_words = FUNCTION_WORDS.get(language)
    if function_words is None:
        return 0
    letters = _DISTINCTIVE.get(language)
    if letters is None:
        return sum(map(function_words.__contains__, words))
    return sum(word in function_words or letters.search(word) is not None for word in words)


def _by_function_words(passage: str, words: list[str]) -> str:
    """The language with the most function words in ``words`` (those of ``passage``),
    when they are :data:`FOREIGN_SHARE` or more of them and English function words are
    few (:data:`ENGLISH_SHARE`, :data:`FOREIGN_PER_ENGLISH`)."""
    counts = {language: _evidence(words, language) for language in FUNCTION_WORDS}
    language = max(counts, key=counts.get)
    if counts[language] < max(MIN_FUNCTION_WORDS, FOREIGN_SHARE * len(words)):
        return ""
    english = _english_words(passage, language)
    if english >= ENGLISH_SHARE * len(words) or english * FOREIGN_PER_ENGLISH > counts[language]:
        return ""
    return language
