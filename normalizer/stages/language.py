"""Stage ``language``: the document's language, and paragraphs in another language (flags).

The detector never reads a whole long document.  A paragraph whose words are mostly
common English function words is English without asking a detector; only the other
paragraphs go to langdetect, each sample at most :data:`SAMPLE_CHARS` long and at most
:data:`MAX_DETECTED_PARAGRAPHS` per document, seeded so results are repeatable.  A
Latin-script paragraph is taken for the language the detector names only when one of
that language's own frequent words stands in it (:mod:`normalizer.witness_words`): on
a few words of names and technical terms the detector guesses.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
from pathlib import Path
from typing import NamedTuple

import regex

from gazetteer.index import default_cache_dir, read_cached, write_cached
from normalizer.context import Context
from normalizer.script_data import (
    NON_ASCII_RUN,
    NON_LATIN_LETTER,
    SCRIPTS,
    letter_scripts,
)
from normalizer.witness_words import WITNESS_WORDS

# English function words: in English prose they are 35-50% of running words.
_ENGLISH = frozenset(
    "the of and to a in is that for on it with as was were by at be this from have has "
    "are not or an but which their they he she his her its will would said also been who "
    "after than more there all into about over between him them we us our you your can "
    "had when while since so if up out no such these those some any other only then what "
    "my me do does did could should may must being".split()
)
# A language the witness lists do not cover is taken on the detector's word alone.
_ANY = frozenset()
ENGLISH_SHARE = 0.15  # at or above: English, no detector needed
MIN_WORDS = 8  # shorter paragraphs (headlines, datelines) are not judged
SAMPLE_CHARS = 400  # what the detector reads of one paragraph
MAX_DETECTED_PARAGRAPHS = 20
MIN_PROBABILITY = 0.8  # below this the detector's answer is not acted on
_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The same words in ASCII text, several times faster to find.  Non-ASCII stretches with
# no word character (curly quotes, dashes, bullets) cannot be part of a word: they are
# blanked first, so most English paragraphs take the ASCII pattern.
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_WORD_CHAR = re.compile(r"\w")
_LETTERS_AND_APOSTROPHES = str.maketrans(
    {chr(code): " " for code in range(128) if not ("a" <= chr(code) <= "z" or chr(code) == "'")}
)


def words_of(text: str) -> list[str]:
    """The words of ``text``, lower case: runs of letters, with one inner apostrophe.

    >>> words_of("Haftar’s “forces” don't-stop 1,000 Çavuşoğlu")
    ['haftar', 's', 'forces', "don't", 'stop', 'çavuşoğlu']
    """
    return _words_and_script(text)[0]


def _words_and_script(text: str) -> tuple[list[str], bool]:
    """:func:`words_of` and ``has_non_latin_letter(text)``, told from the same non-ASCII
    runs: a letter of another script lower-cases to one (every code point checked in
    ``tests/test_fast_paths.py``), and the runs blanked for words hold no letter."""
    lowered = text.lower()
    if lowered.isascii():
        return _ascii_words(lowered), False
    foreign: list[bool] = []

    def blank_non_word(match: regex.Match) -> str:
        stretch = match.group()
        if not _WORD_CHAR.search(stretch):
            return " " * len(stretch)
        if not foreign and NON_LATIN_LETTER.search(stretch):
            foreign.append(True)
        return stretch

    lowered = NON_ASCII_RUN.sub(blank_non_word, lowered)
    if not lowered.isascii():
        return _WORD.findall(lowered), bool(foreign)
    return _ascii_words(lowered), bool(foreign)


def _ascii_words(lowered: str) -> list[str]:
    # In ASCII, words are the letter runs between other characters, except where an
    # apostrophe joins two runs: split on the rest (2.5x faster than findall) and let
    # the pattern take apart only the pieces holding an apostrophe.
    pieces = lowered.translate(_LETTERS_AND_APOSTROPHES).split()
    if "'" not in lowered:
        return pieces
    words: list[str] = []
    for piece in pieces:
        if "'" in piece:
            words += _ASCII_WORD.findall(piece)
        else:
            words.append(piece)
    return words


def _english_words(words: list[str]) -> int:
    """How many of ``words`` (lower case) are English function words."""
    return sum(map(_ENGLISH.__contains__, words))


class Judgement(NamedTuple):
    """What one paragraph is: its language (or "" when too short to tell) and script.

    A named tuple: a document has dozens of paragraphs, judged twice per run.
    """

    language: str
    probability: float
    script: str
    detected: bool  # whether the detector had to be asked


# The languages the detector knows: those of the region's sources and of the texts
# that reach an English news pipeline beside them.  Scripts without Latin letters are
# told apart by script first; leaving out the large Indic and CJK profiles halves the
# load time (0.45 s -> 0.23 s), and loading in sorted order makes the seeded detector
# give the same answers on every machine (langdetect itself lists its folder unsorted).
LANGUAGES = tuple(
    sorted(
        "ar bg ca cs da de el en es et fa fi fr he hr hu id it lt lv mk nl no pl pt ro ru "
        "sk sl so sq sv sw tl tr uk ur vi".split()
    )
)


@functools.lru_cache(maxsize=1)
def _detector_factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    DetectorFactory.seed = 0
    paths = [os.path.join(PROFILES_DIRECTORY, language) for language in LANGUAGES]
    cache = default_cache_dir() / f"langdetect-{_profiles_digest(paths)}.pickle"
    factory = _load_factory(cache)
    if factory is None:
        factory = DetectorFactory()
        profiles = []
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                profiles.append(handle.read())
        factory.load_json_profile(profiles)
        _store_factory(cache, factory)
    return factory


# Parsing the 38 JSON profiles takes 0.3-0.7 s of every start; the parsed detector is
# kept beside the compiled gazetteer index and unpickles in about 0.13 s.
def _profiles_digest(paths: list[str]) -> str:
    digest = hashlib.sha256(importlib.metadata.version("langdetect").encode())
    for path in paths:
        # Sizes, not times: a profile changes only with the version, and a copied
        # virtual environment (a container's build stage) keeps sizes, not always times.
        digest.update(f"{os.path.basename(path)}:{os.path.getsize(path)};".encode())
    return digest.hexdigest()[:24]


def _load_factory(path: Path):
    factory = read_cached(path)
    valid = getattr(factory, "langlist", None) == list(LANGUAGES)
    return factory if valid else None


def _store_factory(path: Path, factory) -> None:
    """Keep the parsed detector, replacing those of other langdetect versions."""
    if write_cached(path, factory):
        for stale in path.parent.glob("langdetect-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)


@functools.lru_cache(maxsize=4096)
def detect(sample: str) -> tuple[str, float]:
    """The most probable language of ``sample`` and its probability (seeded, repeatable)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(sample[:SAMPLE_CHARS])
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "und", 0.0
    return best.lang, round(best.prob, 3)


def _main_script(text: str) -> str:
    counts = letter_scripts(text)
    return max(counts, key=counts.get) if counts else "Latin"


@functools.lru_cache(maxsize=8192)
def judge(body: str, may_detect: bool = True) -> Judgement:
    """Judge one paragraph; cached, so the entity and language stages share the work."""
    words, non_latin = _words_and_script(body)
    script = _main_script(body) if non_latin else "Latin"
    if len(words) < MIN_WORDS:
        return Judgement("", 0.0, script, False)
    if script == "Latin" and _english_words(words) >= ENGLISH_SHARE * len(words):
        return Judgement("en", 1.0, script, False)
    if not may_detect:
        return Judgement("und", 0.0, script, False)
    language, probability = detect(body[:SAMPLE_CHARS])
    if script == "Latin" and WITNESS_WORDS.get(language, _ANY).isdisjoint(words):
        # The detector's guess for a few words of names and terms ("GNOME development
        # IDE, for C/C++": French; "President Rajab Tayyip Erdogan spoke in Ankara on
        # Monday": Indonesian) has none of that language's own frequent words.
        return Judgement("", 0.0, script, True)
    return Judgement(language, probability, script, True)


def _paragraphs(text: str):
    """(span, judgement) of each paragraph, asking the detector at most the capped times."""
    budget = MAX_DETECTED_PARAGRAPHS
    for paragraph in _PARAGRAPH.finditer(text):
        judgement = judge(paragraph.group(), budget > 0)  # positional: a cheaper cache key
        budget -= judgement.detected
        yield paragraph.span(), judgement


def flag_languages(context: Context) -> None:
    """Set the document language and flag paragraphs in another language or script."""
    weights: dict[str, int] = {}
    for (start, end), judgement in _paragraphs(context.text):
        if not judgement.language:
            continue
        weights[judgement.language] = weights.get(judgement.language, 0) + (end - start)
        foreign = judgement.language != "en" and judgement.probability >= MIN_PROBABILITY
        if foreign or judgement.script != "Latin":
            label = SCRIPTS[judgement.script].label if judgement.script in SCRIPTS else "other"
            context.flag(
                start,
                end,
                "language.other_language",
                f"paragraph in another language ({judgement.language}, "
                f"p={judgement.probability}; {label} script)",
            )
    if weights:
        context.state.language = max(weights, key=weights.get)
