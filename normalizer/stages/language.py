"""Stage ``language``: the document's language, and paragraphs in another language (flags).

The detector never reads a whole long document.  A paragraph whose words are mostly
common English function words is English without asking a detector; only the other
paragraphs, capped in number and length, go to langdetect, seeded so that results are
deterministic.
"""

from __future__ import annotations

import functools

import regex

from normalizer.context import Context
from normalizer.script_data import NON_LATIN_LETTER, SCRIPTS, script_of

# English function words: in English prose they are 35-50% of running words.
_ENGLISH = frozenset(
    "the of and to a in is that for on it with as was were by at be this from have has "
    "are not or an but which their they he she his her its will would said also been "
    "who after than more there all into about over between him them we us our you your "
    "can had when while since so if up out no such these those some any other only then "
    "what my me do does did could should may must being".split()
)
ENGLISH_SHARE = 0.15  # at or above: English, no detector needed
MIN_WORDS = 8  # shorter paragraphs (headlines, datelines) are not judged
SAMPLE_CHARS = 400  # what the detector reads of one paragraph
MAX_DETECTED_PARAGRAPHS = 20
_PARAGRAPH = regex.compile(r"[^\n]+(?:\n[^\n]+)*")
_WORD = regex.compile(r"[\p{L}\p{M}']+")


@functools.lru_cache(maxsize=1)
def _detector_factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


@functools.lru_cache(maxsize=4096)
def detect(sample: str) -> tuple[str, float]:
    """The most probable language of ``sample`` and its probability (seeded, repeatable)."""
    from langdetect.lang_detect_exception import LangDetectException

    factory = _detector_factory()
    detector = factory.create()
    detector.append(sample[:SAMPLE_CHARS])
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "und", 0.0
    return best.lang, round(best.prob, 3)


_ENGLISH_WORD = regex.compile(
    r"(?<![\p{L}'])(?:" + "|".join(sorted(_ENGLISH, key=len, reverse=True)) + r")(?![\p{L}'])",
    regex.IGNORECASE,
)


def _english_share(text: str, words: list[str]) -> float:
    return len(_ENGLISH_WORD.findall(text)) / max(len(words), 1)


def foreign_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of Latin-script paragraphs in another language: few English function words,
    and the detector agrees (it reads only these, at most :data:`SAMPLE_CHARS` each)."""
    spans = []
    for paragraph in _PARAGRAPH.finditer(text):
        body = paragraph.group()
        words = _WORD.findall(body)
        if len(words) < MIN_WORDS or _english_share(body, words) >= ENGLISH_SHARE:
            continue
        if NON_LATIN_LETTER.search(body):
            continue
        language, probability = detect(body[:SAMPLE_CHARS])
        if language != "en" and probability >= 0.8:
            spans.append(paragraph.span())
    return spans


def _main_script(text: str) -> str:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            name = script_of(char)
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get) if counts else "Latin"


def flag_languages(context: Context) -> None:
    """Set the document language and flag paragraphs in another language or script."""
    languages: dict[str, int] = {}
    detected = 0
    for paragraph in _PARAGRAPH.finditer(context.text):
        words = _WORD.findall(paragraph.group())
        if len(words) < MIN_WORDS:
            continue
        text = paragraph.group()
        script = _main_script(text) if NON_LATIN_LETTER.search(text) else "Latin"
        if script == "Latin" and _english_share(text, words) >= ENGLISH_SHARE:
            language, probability = "en", 1.0
        elif detected < MAX_DETECTED_PARAGRAPHS:
            detected += 1
            language, probability = detect(text[:SAMPLE_CHARS])
        else:
            continue
        languages[language] = languages.get(language, 0) + len(words)
        if language != "en" and probability >= 0.8 or script != "Latin":
            label = SCRIPTS[script].label if script in SCRIPTS else script
            context.flag(
                paragraph.start(),
                paragraph.end(),
                "language.other_language",
                f"paragraph in another language ({language}, p={probability}; {label} script)",
            )
    if languages:
        context.state.language = max(languages, key=languages.get)
