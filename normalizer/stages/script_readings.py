"""Is a Latin reading of a damaged word a known word or name?  The script stage's evidence.

A reading is *known* when the gazetteer has it as a name (or a token of one) or English
uses it as a word (wordfreq).  :func:`readings` searches both for every token that starts
with the surviving Latin letters and whose rest matches the Latin spellings the foreign
letters may stand for (``normalizer.transliteration``): the damage itself narrows the
search, so a few hundred candidates at most are ever matched.

Names are resolved first as the gazetteer lists them: exact aliases (``Matcher.lookup``)
and the sorted canonical tokens (``CompiledIndex.tokens_with_prefix``).  Only when no
listed word or name fits does :func:`variant_readings` write the foreign letters out
(``transliteration.spellings``) and ask the variant matcher (``Matcher.resolve``) whether
the word is a name in a transliteration the gazetteer does not list (``Mischuстин``:
Mischustin, Mikhail Mishustin's name as German writes it).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from array import array
from dataclasses import dataclass

import regex
from wordfreq import get_frequency_dict, zipf_frequency

from gazetteer import Gazetteer, Kind, Policy
from gazetteer.folding import fold
from normalizer.stages.entity_evidence import decide, intrinsic, role
from normalizer.transliteration import spellings

#: Zipf 1 is a word seen about once in a hundred million words: the loanwords of news
#: sit just above it (siloviki 1.1, apparatchik 1.6, samovar 1.9), random garbles below.
#: It is enough only because the damage itself must spell the missing letters.
MIN_ZIPF = 1.0
#: From here on an English word is common (hummus 3.0, sheikh 3.6): strong evidence;
#: below it, and for a word that is only part of a name, the evidence is weak.
COMMON_ZIPF = 3.0
#: A prefix this short matches too many words to search them all.
MIN_PREFIX = 2
_MAX_CANDIDATES = 5000
# Native-script words: the languages whose word lists say a Cyrillic or Greek word is real.
NATIVE_LANGUAGES = {"Cyrillic": ("ru", "uk", "bg", "sr"), "Greek": ("el",)}


@dataclass(frozen=True, slots=True)
class Reading:
    """A known word or name that a damaged word reads as, and why it is known."""

    token: str  # as it should be written (the text's own letters where they survive)
    evidence: str  # "the name Sergey Naryshkin" / "an English word (Zipf 4.7)"
    confidence: float
    entity: object | None = None
    zipf: float = 0.0  # how common the token is in English

    @property
    def strong(self) -> bool:
        """A name, or a common English word (confidence 0.95)."""
        return self.confidence >= 0.95


class _WordList:
    """English words at or above :data:`MIN_ZIPF`, sorted, found by prefix.

    Kept as one string and an array of offsets (about 4 MB for 290,000 words) rather
    than a list of strings (about 20 MB in every worker).
    """

    def __init__(self) -> None:
        floor = 10 ** (MIN_ZIPF - 9)
        words = sorted(w for w, f in get_frequency_dict("en").items() if f >= floor and w.isalpha())
        self.blob = "\n".join(words) + "\n"
        self.offsets = array("I", itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=0))

    def _word(self, offset: int) -> str:
        return self.blob[offset : self.blob.index("\n", offset)]

    def with_prefix(self, prefix: str, limit: int) -> list[str]:
        """At most ``limit`` words starting with ``prefix``, in order."""
        low = bisect.bisect_left(self.offsets, prefix, key=self._word)
        found = []
        for index in range(low, min(low + limit, len(self.offsets))):
            word = self._word(self.offsets[index])
            if not word.startswith(prefix):
                break
            found.append(word)
        return found


@functools.cache
def english_word_list() -> _WordList:
    """The English word list the readings are checked against, built once per process."""
    return _WordList()


def _name_evidence(token: str, gazetteer: Gazetteer) -> Reading | None:
    # A name is an entity's canonical name or a curated rewriting alias: GeoNames'
    # alternate names (Humus for Homs) are a hint, not a name English writes.  Spellings
    # no alias lists are :func:`variant_readings`' part, asked only when this finds none.
    for candidate in gazetteer.matcher.lookup(token):
        alias = candidate.alias
        if alias.kind is Kind.CANONICAL or alias.policy is Policy.REWRITE:
            curated = alias.policy is Policy.REWRITE
            prior = CURATED_NAME_SCORE if curated else NAME_SCORE
            evidence = f"the name {candidate.entity.name}"
            written = _canonical_token(token, candidate.entity.name) if curated else token
            return Reading(written, evidence, 0.95, candidate.entity, prior)
    key = fold(token)
    for key_token, _written, entity_index in gazetteer.matcher.index.tokens_with_prefix(key):
        if key_token == key:
            entity = gazetteer.matcher.index.entities[entity_index]
            return Reading(token, f"a word of the name {entity.name}", 0.9, entity)
    return None


def _canonical_token(token: str, name: str) -> str:
    """The word of a curated name that ``token`` spells without its diacritics
    (``Erdogan`` -> ``Erdoğan``), in the text's capitals; else ``token``."""
    for word in name.split():
        if fold(word) == fold(token) and word != token:
            return word if not token.isupper() else word.upper()
    return token


def known(token: str, gazetteer: Gazetteer) -> Reading | None:
    """``token`` as a known name or English word, with the evidence; None if neither."""
    found = _name_evidence(token, gazetteer)
    if found is not None and found.strong:
        return found
    zipf = zipf_frequency(token, "en")
    if found is not None:
        zipf = max(zipf, found.zipf)
        found = Reading(found.token, found.evidence, found.confidence, found.entity, zipf)
    if zipf < MIN_ZIPF or (found is not None and zipf < COMMON_ZIPF):
        return found
    confidence = 0.95 if zipf >= COMMON_ZIPF else 0.85
    return Reading(token, f"an English word (Zipf {zipf:.1f})", confidence, None, zipf)


def choose(found: list[Reading], cost=None) -> list[Reading]:
    """The reading to use, as a one-item list; several (or none) mean no single one.

    Each reading scores how common it is (its Zipf frequency in English; a name counts as
    at least :data:`NAME_SCORE`) less :data:`COST_WEIGHT` for each step ``cost`` says the
    damage is from spelling it plainly (letters left unspelled, second-choice readings;
    see ``transliteration.unspelled``).  The best reading is used only when it leads the
    next by :data:`MARGIN`: ``sheikh`` over ``shaikh``, ``Ottawa`` over ``Otto``; ``Gaya``
    and ``Gaoua`` for ``Gaуa`` stay a flag.
    """
    if len(found) <= 1:
        return found
    scored = sorted(
        ((_score(reading) - COST_WEIGHT * (cost(reading) if cost else 0), reading)
         for reading in found),
        key=lambda pair: -pair[0],
    )  # fmt: skip
    if scored[0][0] >= scored[1][0] + MARGIN:
        return [scored[0][1]]
    return [reading for score, reading in scored if score >= scored[0][0] - MARGIN]


#: A name of the curated news gazetteer counts as a common word (Zipf 3.5, about
#: "parliament" / 10); any other canonical name (a small GeoNames place) as a rare one.
CURATED_NAME_SCORE = 3.5
NAME_SCORE = 2.5
#: Beyond this, how common a word is says nothing more about it being the word meant
#: ("hall" is not likelier than "halal" for ``haلاl`` because it is 60 times commoner).
ZIPF_CAP = 4.0
#: What a name costs in a lower-case word, and an English word in a capitalised one.
KIND_PENALTY = 1.0
#: One step from the plainest reading weighs half a Zipf point (a spelling about three
#: times rarer), and the best reading must lead by as much (measured on
#: tests/eval/script_cases.jsonl: lower margins turn flags into wrong repairs).
COST_WEIGHT = 0.5
MARGIN = 0.5


def _score(reading: Reading) -> float:
    # A capitalised word is likelier a name, a lower-case one an English word.
    agrees = (reading.entity is not None) == reading.token[:1].isupper()
    return min(reading.zipf, ZIPF_CAP) - (0 if agrees else KIND_PENALTY)


def known_native(word: str, script: str, gazetteer: Gazetteer) -> bool:
    """Whether ``word`` is a real word of a language written in ``script``, or a name."""
    if gazetteer.matcher.lookup(word):
        return True
    return any(zipf_frequency(word, lang) >= MIN_ZIPF for lang in NATIVE_LANGUAGES[script])


def _candidates(prefix: str, gazetteer: Gazetteer) -> set[str]:
    """Lower-case names and words that start with ``prefix``."""
    key = fold(prefix)
    found = {token for token, _, _ in gazetteer.matcher.index.tokens_with_prefix(key)}
    found.update(english_word_list().with_prefix(key, _MAX_CANDIDATES))
    return found


def readings(prefix: str, rest: str, gazetteer: Gazetteer) -> list[Reading]:
    """Known words and names made of ``prefix`` and letters matching the pattern ``rest``.

    The text's own letters are kept: only the letters ``rest`` stood for are new.
    """
    if len(prefix) < MIN_PREFIX:
        return []
    compiled = _compiled(rest)
    found: dict[str, Reading] = {}
    for candidate in sorted(_candidates(prefix, gazetteer)):
        tail = candidate[len(fold(prefix)) :]
        if not compiled.fullmatch(tail):
            continue
        token = prefix + _cased(tail, prefix)
        reading = known(token, gazetteer)
        if reading is not None:
            found.setdefault(fold(reading.token), reading)
    return _one_per_name(list(found.values()))


def _one_per_name(found: list[Reading]) -> list[Reading]:
    """Two spellings of one name (``Haftar``, ``Hafter`` for ``Haf تر``) are one reading:
    the spelling of its canonical name, when one is among them."""
    by_entity: dict[str, list[Reading]] = {}
    for reading in found:
        if reading.entity is not None:
            by_entity.setdefault(reading.entity.id, []).append(reading)
    dropped = set()
    for same in by_entity.values():
        canonical = [r for r in same if fold(r.token) in fold(r.entity.name).split()]
        if len(same) > 1 and canonical:
            dropped.update(id(r) for r in same if r is not canonical[0])
    return [reading for reading in found if id(reading) not in dropped]


def _cased(tail: str, prefix: str) -> str:
    return tail.upper() if len(prefix) > 1 and prefix.isupper() else tail


@functools.lru_cache(maxsize=2048)
def _compiled(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


#: A spelling no alias lists but that has a curated name's transliteration key counts
#: as a name, a little less readily than the name as listed (:data:`CURATED_NAME_SCORE`);
#: one that nothing around confirms a point less again, so a confirmed one leads it by
#: more than :data:`MARGIN`.
VARIANT_NAME_SCORE = 3.0
UNCONFIRMED_PENALTY = 1.0
#: How sure a variant reading is: confirmed by the text (below), it is a change; on its
#: key alone it stays below the default ``min_confidence`` (0.8), a flag with the suggestion.
VARIANT_CONFIRMED = 0.95
VARIANT_ALONE = 0.75
_MAX_SPELLINGS = 256
_WORDS_BEFORE = regex.compile(r"(?:(\p{L}+)[ \t]+)?(\p{L}+)[ \t]+$")


def variant_readings(
    prefix: str, fragment: str, script: str, tail: str, gazetteer: Gazetteer,
    *, before: str = "", after: str = "",
) -> list[Reading]:  # fmt: skip
    """Names that ``prefix`` + a spelling of ``fragment`` + ``tail`` is a transliteration
    variant of (the same key as a curated alias), one reading per entity, each in its
    plainest spelling.  ``before`` and ``after`` are the text around the damaged word.

    A reading is confirmed when the word or two before it are the name's given names
    (``Mikhail Mischuстин``), a title or place word fits the entity's type (the entity
    stage's :func:`~normalizer.stages.entity_evidence.role`), or the entity's native
    spelling holds two or more of the foreign letters as they stand.  The entity stage's
    guards apply (``intrinsic``): a feminine form or an English word is no reading.
    """
    if len(prefix) < MIN_PREFIX:
        return []
    matcher = gazetteer.matcher
    foreign = "".join(char for char in fragment if not char.isascii()).lower()
    found: dict[str, Reading] = {}
    for middle in spellings(fragment, script, limit=_MAX_SPELLINGS):
        token = prefix + _cased(middle, prefix) + tail
        if not matcher.may_spell(token):
            continue
        # An entity keeps the reading of its plainest spelling: later spellings of it
        # (most of the hundreds share its key) are not weighed again.
        for reading in _variant_evidence(token, foreign, before, after, gazetteer, found):
            found.setdefault(reading.entity.id, reading)
    return list(found.values())


def _variant_evidence(token: str, foreign: str, before: str, after: str, gazetteer, known=()):
    """The readings of ``token`` as entities other than those in ``known``."""
    readings_found: dict[str, Reading] = {}
    for match in gazetteer.matcher.resolve(token):
        if match.cost > 0 or match.entity.id in readings_found or match.entity.id in known:
            continue  # only the same key: the foreign letters already cost a guess
        if decide(intrinsic(match))[0] == 0:
            continue  # a guard blocked it (Lavrova, an English word)
        alias_token = match.parts[-1].alias_token
        evidence = f"a spelling of the name {match.entity.name} (the key of {alias_token!r})"
        support, penalty = _support(match, token, foreign, before, after, gazetteer)
        if support:
            evidence += f", {support}"
        readings_found[match.entity.id] = Reading(
            token, evidence, VARIANT_CONFIRMED if penalty < UNCONFIRMED_PENALTY else VARIANT_ALONE,
            match.entity, VARIANT_NAME_SCORE - penalty,
        )  # fmt: skip
    return list(readings_found.values())


def _support(match, token: str, foreign: str, before: str, after: str, gazetteer):
    """(what in the text confirms ``match``, how much less it is worth than a given name):
    the given name first; a title or place word, or the native spelling (which the
    script stage's message states itself) half a point less; nothing, a full point."""
    words = _WORDS_BEFORE.search(before)
    if words is not None:
        for given in (words.group(2), " ".join(filter(None, words.groups()))):
            if any(
                full.entity.id == match.entity.id and full.given and full.complete
                for full in gazetteer.matcher.resolve(f"{given} {token}")
            ):
                return f"with its given name {given!r} beside it", 0.0
    fits = role(match, before, after)
    if fits is not None and fits.weight > 0:
        return fits.text, MARGIN
    if len(foreign) >= 2 and any(foreign in alias.text.lower() for alias in match.entity.aliases):
        return "", MARGIN
    return "", UNCONFIRMED_PENALTY
