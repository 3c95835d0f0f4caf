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
long French quotation is English, and only the quotation is foreign; a paragraph foreign
on the whole that holds an English sentence is judged sentence by sentence.  A quotation
is judged from :data:`MIN_QUOTATION_WORDS` words, and one the text introduces by its
language ("a German obituary began: „…“") needs only one word of it, none of English's,
and the detector naming it.

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
    ENGLISH_ONLY,
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
MIN_DISTINCTIVE_LETTERS = 3  # a Turkish quotation of four words holds more
ENGLISH_EVERY = 20  # English prose: one word in ten

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
_ENGLISH_ONLY_SPACED = tuple(f" {word} " for word in ENGLISH_ONLY)
_QUOTE_MARKS = ("“", "«", "„", "»", '"')
_DISTINCTIVE_CHARACTERS = tuple("".join(DISTINCTIVE_LETTERS.values()))
_ANY_DISTINCTIVE = regex.compile(f"[{''.join(DISTINCTIVE_LETTERS.values())}]")


def find_foreign_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph or quotation of ``text`` in another Latin-script
    language, sorted; a quotation inside a foreign paragraph is not listed again."""
    spans: list[tuple[int, int]] = []
    for paragraph in PARAGRAPH.finditer(text):
        found = _in_paragraph(paragraph.group())
        if found:  # most paragraphs hold none
            offset = paragraph.start()
            spans += [(offset + low, offset + high) for low, high in found]
    return spans


@functools.lru_cache(maxsize=4096)
def _in_paragraph(paragraph: str) -> tuple[tuple[int, int], ...]:
    """The foreign passages of one paragraph, in its own offsets.

    Cached: the protected spans and the entity stage (again after other stages' edits,
    which leave most paragraphs as they were) ask for the same paragraphs.  A paragraph
    with no function word of the languages here (its words split at spaces) and fewer
    than :data:`MIN_DISTINCTIVE_LETTERS` Turkish letters (an English one names "Kalın"
    or "Erdoğan") holds no passage; a plainly English one (:func:`_plainly_english`) is
    looked at only for its quotations; the lines of a paragraph are judged one by one
    when it is not foreign as a whole.
    """
    lower = paragraph.lower()
    if ANY_FUNCTION_WORD.isdisjoint(lower.split()) and (
        lower.isascii()  # no Turkish letter, without counting each
        or sum(map(lower.count, _DISTINCTIVE_CHARACTERS)) < MIN_DISTINCTIVE_LETTERS
    ):
        return ()
    start, end = _stripped(paragraph, 0, len(paragraph))
    if _plainly_english(paragraph):
        if _has_quotation_mark(paragraph):
            return tuple(_foreign_quotations(paragraph, start, end))
        return ()
    found = _passages(paragraph, start, end)
    if found is None and "\n" in paragraph:
        found = []
        for line in LINE.finditer(paragraph):
            found += _passages(paragraph, *line.span()) or []
    return tuple(found or ())


def _has_quotation_mark(text: str) -> bool:
    return any(mark in text for mark in _QUOTE_MARKS)


def _plainly_english(text: str) -> bool:
    """Whether English function words that are no word of the languages here ("the",
    "and" …: :data:`ENGLISH_ONLY`) are two or more, and one word in :data:`ENGLISH_EVERY`
    or more, of ``text``: found by ``str.count``, before the words are split."""
    lower = text.lower()
    hits = sum(map(lower.count, _ENGLISH_ONLY_SPACED))
    return hits >= 2 and hits * ENGLISH_EVERY >= lower.count(" ")


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _passages(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The foreign passages of ``text[start:end]``: all of it when its text outside
    quotations is foreign, else its foreign quotations and sentences (None when none)."""
    quotations, outside = [], text[start:end]
    if _has_quotation_mark(text[start:end]):
        pieces, position = [], start
        for match in QUOTATION.finditer(text, start, end):
            quotations.append(match.span("body"))
            pieces.append(text[position : match.start()])
            position = match.end()
        outside = " ".join([*pieces, text[position:end]])
    if foreign_language(outside):
        sentences = _sentences(text, start, end)
        if len(sentences) == 1 or not any(_english(text[low:high]) for low, high in sentences):
            return [(start, end)]
        # An English sentence beside foreign ones ("Assad spoke on Monday. El presidente
        # sirio dijo …"): each sentence is judged alone.
        found = []
        for low, high in sentences:
            found += _passages(text, low, high) or []
        return found or None
    return _foreign_quotations(text, start, end, quotations) or None


def _foreign_quotations(text: str, start: int, end: int, quotations=None) -> list:
    """(start, end) of the bodies of the quotations in ``text[start:end]`` in another
    language (``quotations``: their bodies, when already found)."""
    if quotations is None:
        quotations = [match.span("body") for match in QUOTATION.finditer(text, start, end)]
    lower = text.lower()
    named = any(name in lower for name in LANGUAGE_NAMES)
    return [
        (low, high)
        for low, high in quotations
        if foreign_language(text[low:high], True)
        or (
            named
            and _as_announced(
                text[low:high], _announced(text, max(start, low - ANNOUNCED_WITHIN), low)
            )
        )
    ]


def _announced(text: str, start: int, end: int) -> str:
    """The language the text names last in ``text[start:end]`` (before a quotation)."""
    window = text[start:end].lower()
    if not any(name in window for name in LANGUAGE_NAMES):
        return ""
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
def foreign_language(passage: str, quotation: bool = False) -> str:
    """The language of ``passage`` (a ``quotation`` or not) when it is running text in
    another Latin-script language, by its words and the detector together; "" otherwise.

    >>> foreign_language("Die Belagerung von Tobruch dauerte 241 Tage und gilt als lang.")
    'de'
    >>> foreign_language("Foreign Minister Mevlüt Tschawuschoglu met his Greek counterpart.")
    ''
    """
    if passage.count(" ") < MIN_QUOTATION_WORDS - 1 or _plainly_english(passage):
        return ""
    words = words_of(passage)
    if len(words) < (MIN_QUOTATION_WORDS if quotation else MIN_WORDS):
        return ""
    needed = FOREIGN_SHARE * len(words)
    if sum(map(ANY_FUNCTION_WORD.__contains__, words)) < needed and (
        passage.isascii()
        or not _ANY_DISTINCTIVE.search(passage.lower())
        or max(_evidence(words, language) for language in DISTINCTIVE_LETTERS) < needed
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


@functools.lru_cache(maxsize=1024)
def _as_announced(quotation: str, announced: str) -> bool:
    """Whether ``quotation`` is in the language the text ``announced`` before it
    (:data:`ANNOUNCED_WITHIN`)."""
    if not announced or quotation.count(" ") < MIN_QUOTATION_WORDS - 1:
        return False
    words = words_of(quotation)
    if len(words) < MIN_QUOTATION_WORDS or not _evidence(words, announced):
        return False
    if _english_words(quotation, announced):
        return False
    detected, probability = detect(quotation)
    return detected == announced and probability >= MIN_PROBABILITY


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


def clear_caches() -> None:
    """Forget every judgement (the benchmarks time articles as if each were new)."""
    for cached in (_in_paragraph, foreign_language, _as_announced):
        cached.cache_clear()
