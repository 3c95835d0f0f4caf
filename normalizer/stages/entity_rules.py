"""The entity stage's rules: patterns, thresholds and the small decisions it is made of.

Kept apart from the stage's control flow (``entity.py``), as data and pure functions.
"""

from __future__ import annotations

import functools

import regex
from wordfreq import zipf_frequency

from gazetteer import Candidate, Entity, Kind, Mention, Policy
from gazetteer.folding import strip_diacritics
from normalizer.context import Context
from normalizer.script_data import NON_LATIN_LETTER

ARTICLE = regex.compile(r"^(?:[Aa]l|[Ee]l|[Aa][nrstdz]|[Aa]sh|[Aa]th|[Aa]dh)[-\s](?=\p{Lu})")
ARTICLE_ANYWHERE = regex.compile(r"(?<![\p{L}])(?:Al|El|al|el)(?=[-\s]\p{Lu})")
# "to become Haftar's successor": the calque's words used in their own sense.
LITERAL_BEFORE = regex.compile(
    r"\b(?:become|becomes|became|becoming|named|name|appoint|appointed|choose|chose|chosen|"
    r"as|possible|potential|likely|would-be|future)\s+(?:\p{L}+\s+)?$",
    regex.IGNORECASE,
)
# A native-script name given as a gloss: in brackets or quotes, or after "known as".
GLOSS_BEFORE = regex.compile(r"(?:[(\[«“\"]|\b(?:as|called|named|reads?|means?)\s*:?)\s*$")
PLACE_BEFORE = regex.compile(r"\b(?:city|town|village|port|capital) of\s+$")
NAME_TOKEN = regex.compile(r"(?<![\p{L}\p{M}'’-])\p{Lu}[\p{Ll}\p{M}]{3,}(?![\p{L}\p{M}])")
WORD = regex.compile(r"[\p{L}\p{M}]+")
ARTICLE_NAME = regex.compile(r"\b(?:Al|El|al|el)-(\p{Lu}\p{Ll}{2,})\b")
# A capitalised word this frequent in English (Zipf scale) is a word, not a misspelt
# name: 3.0 is about once per million words ("Hifter" and "Grasimov" are far below).
COMMON_WORD_ZIPF = 3.0
KNOWN_WORD_ZIPF = 1.5
# A one-word alias English uses at least once per 100 million words may mean
# something else ("Surt" 1.4, "Jafra" 1.1); "Hifter" and "Panzzer" (0) cannot.
AMBIGUOUS_ZIPF = 1.0

# Words that start a sentence or a clause before a name and are never a given name
# ("Later Hafteer said", "But Hanija said"): closed-class English words (adverbs of
# time and sequence, conjunctions, prepositions, determiners, pronouns).
FUNCTION_WORDS = frozenset(
    """About After Afterwards Again Also Although And As At Before But By Earlier Even For
    From He Her His However If In Instead It Its Last Later Meanwhile Moreover Next Now On
    Once Only Or Since She So Still That The Their Then There These They This Though Thus To
    Today Tonight Until Upon Was We When Where Whether While With Yesterday Yet""".split()
)

# (rule, confidence, evidence) for each kind of alias.
KIND_RULES = {
    Kind.CANONICAL: ("entity.canonical_form", 0.97, "is {name} without its proper letters"),
    Kind.VARIANT: ("entity.alias", 0.95, "is a known spelling of {name}"),
    Kind.NATIVE: ("entity.native_alias", 0.9, "is {name} in its native script"),
    Kind.CALQUE: ("entity.calque", 0.9, "is a word-for-word translation of {name}"),
    Kind.ACRONYM: ("entity.acronym", 0.9, "stands for {name}, named earlier in the document"),
}
POLICY_ORDER = {Policy.REWRITE: 0, Policy.CONTEXT: 1, Policy.ESTABLISHED: 2, Policy.RECOGNIZE: 3}


@functools.lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def is_common_word(word: str) -> bool:
    return zipf(word) >= COMMON_WORD_ZIPF


def is_known_word(word: str) -> bool:
    """In use in English (Zipf >= 1.5): a real word or name, not a misspelling of one
    ("Conti" is a surname of its own, not a slip for Conte; "Grasimov" is unused)."""
    return zipf(word) >= KNOWN_WORD_ZIPF


def best_candidate(candidates: tuple[Candidate, ...]) -> Candidate:
    return min(
        candidates,
        key=lambda c: (
            POLICY_ORDER[c.alias.policy],
            c.alias.replacement is None,
            c.alias.kind is not Kind.CANONICAL,
        ),
    )


def sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"“‘'«(")
    return not before or before[-1] in ".!?\n"


def target_for(context: Context, entity: Entity, candidate: Candidate) -> str:
    target = candidate.alias.replacement or entity.canonical(candidate.alias.form)
    if context.options.diacritics == "ascii":
        target = strip_diacritics(target)
    return target


@functools.lru_cache(maxsize=16384)
def house_equivalent(written: str, target: str) -> bool:
    """Spellings that differ only in the case of an Arabic article or the apostrophe
    style are the author's house style, not an error: "al-Qaeda" vs "Al-Qaeda"."""

    def normal(text: str) -> str:
        return ARTICLE_ANYWHERE.sub(lambda m: m.group().lower(), text.replace("’", "'"))

    if written.lower() == target.lower() and not written.isupper():
        return True  # only the case differs: "TAMu", "iRaq" are someone's style or brand
    return normal(written) == normal(target)


def replacement_for(context: Context, mention: Mention, entity: Entity, target: str) -> str:
    """The text to write for ``mention``; equal to the mention when nothing changes."""
    written = mention.text
    replacement = _replacement(written, target, entity.type == "place")
    if replacement is not None:
        return replacement
    # Arabic place names keep their article: "Al-Jafra" -> "al-Jufra".
    prefix = "Al-" if sentence_start(context.text, mention.start) else "al-"
    return prefix + target


@functools.lru_cache(maxsize=16384)
def _replacement(written: str, target: str, is_place: bool) -> str | None:
    """What :func:`replacement_for` writes, or None when an article must be put back
    before ``target`` (its case then depends on where the mention stands)."""
    if house_equivalent(written, target):
        return written
    article = ARTICLE.match(written)
    if article and is_place and not ARTICLE.match(target):
        return written if written[article.end() :] == target else None
    letters = [char for char in written if char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters) and not target.isupper():
        return written  # all capitals: a headline or an acronym ("SIRT"), not a spelling
    return target


def isolated_in_latin(text: str, start: int, end: int) -> bool:
    """True when the nearest words on both sides are Latin (a name dropped into English)."""
    before = WORD.findall(text[max(0, start - 40) : start])
    after = WORD.findall(text[end : end + 40])
    neighbours = before[-1:] + after[:1]
    return bool(neighbours) and not any(NON_LATIN_LETTER.search(word) for word in neighbours)


# The Latin word just before a position, and the space (one at most) between.
_LATIN_BEFORE = regex.compile(r"(\p{Latin}[\p{Latin}\p{M}'’]*)([ \t]?)$")
# Titles, roles and place words that may stand before a name in its native script
# without being part of it.
_TITLE_WORDS = regex.compile(
    r"(?:Mr|Mrs|Ms|Dr|Mister|Madam|Colonel|Col|Gen|Lt|Captain|Imam|Ayatollah|Sultan|Sheikh|"
    r"Shaikh|Mullah|Mufti|Saint|St|Mount|Lake|Port|Cape|President|Minister|Premier|"
    r"Spokes(?:man|woman|person)|Leader|Chief|General|Commander|Envoy|Ambassador|King|Queen|"
    r"Prince|Princess|Emir|Cleric|Director|Secretary|Head|Marshal|Speaker|Chairman|Deputy|"
    r"Governor|Mayor|Senator|Judge|Pope|Patriarch)\.?"
)


def name_word_before(text: str, start: int) -> str | None:
    """The capitalised word one space before ``start`` inside a sentence, when it is no
    title and no possessive: a name word the mention may continue ("Rajab" in "Rajab
    Tayyip Erdogan").  Callers leave out the demonyms ("Turkish Tayyip Erdogan")."""
    found = _LATIN_BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return None
    word, gap = found.groups()
    if gap != " " or not word[0].isupper() or sentence_start(text, found.start()):
        return None
    if word.endswith(("'s", "’s")) or _TITLE_WORDS.fullmatch(word):
        return None
    return word


def glued_fragment(text: str, start: int, entity: Entity) -> str | None:
    """The Latin fragment a native-script mention at ``start`` is glued to, or None.

    A native name dropped into English stands as a word of its own.  Right after Latin
    letters (``Hafحفتر``), or one space after a capitalised word inside a sentence that
    is no word of the entity's name and no title (``Bo كين``, ``Kings تون``), it is the
    debris of a broken word, which the script stage reads or flags: rewriting it alone
    would write a second name beside the fragment ("Bo Keene", "Kings Thun").
    ``Khalifa حفتر`` and ``President حفتر`` are names, not debris.
    """
    found = _LATIN_BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return None
    word, gap = found.groups()
    if not gap:
        return word
    if not word[0].isupper() or sentence_start(text, found.start()):
        return None
    names = {strip_diacritics(token).lower() for token in entity.name.split()}
    for alias in entity.aliases:
        names.update(strip_diacritics(token).lower() for token in alias.text.split())
    if strip_diacritics(word).lower() in names or _TITLE_WORDS.fullmatch(word):
        return None
    return word
