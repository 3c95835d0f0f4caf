"""The entity stage's evidence: small named functions, each returning a level and a weight.

A reading of a name (a :class:`~gazetteer.variants.VariantMatch`) is weighed by what
the document says around it; :func:`decide` sums the weights into a confidence and
keeps the sentences that carried it for the change's message.  A weight of
:data:`BLOCK` is a guard: the reading is dropped whatever else speaks for it.

The weights are the project's own, set on the evaluation's hand-written and held-out
classes (``make eval`` prints how observed precision follows them per confidence band).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import regex

from gazetteer.variants import VariantMatch
from normalizer.stages.entity_rules import FUNCTION_WORDS, zipf
from normalizer.stages.entity_rules import PLACE_BEFORE as PLACE_WORD_BEFORE

BLOCK = -10.0
#: At most this sure of a spelling no list confirms.
MAX_CONFIDENCE = 0.97


class Evidence(NamedTuple):
    """One piece of evidence: its name, level, weight and a sentence for the message.

    Two further effects: ``cap``, the most confidence the evidence allows (an alias that
    needs support the document does not give); and, for a guard, ``flag``: the rule of
    the flag that reports it ("" when the guard is silent).
    """

    name: str
    level: str
    weight: float
    text: str
    cap: float = 1.0
    flag: str = ""


# Titles and roles that precede a person's name in news ("Foreign Minister", "Hamas
# leader", "spokeswoman"), and words that precede or follow a place.
PERSON_ROLE = regex.compile(
    r"\b(?:President|[Mm]inister|[Pp]remier|[Ss]pokes(?:man|woman|person)|[Ll]eader|[Cc]hief|"
    r"General|[Cc]ommander(?:-in-chief)?|[Ee]nvoy|[Aa]mbassador|King|Prince|Emir|Sheikh|"
    r"[Cc]leric|[Dd]irector|[Ss]ecretary|[Hh]ead|Field Marshal|Marshal|[Pp]resident|"
    r"[Ss]peaker|[Ss]ecurity [Cc]ouncil secretary|[Cc]hairman|[Dd]eputy)\b[^.!?]{0,40}$"
)
PLACE_BEFORE = regex.compile(
    r"\b(?:city|town|village|port|capital|province|region|governorate|district|"
    r"in|near|to|from|across|outside|around|of|reached|entered|hit|struck|shelled|captured|"
    r"seized|retook|besieged|left|toward|towards|into|on)\s+$",
    regex.IGNORECASE,
)
PLACE_AFTER = regex.compile(
    r"^,?\s+(?:the\s+)?(?:[\p{Lu}][\p{L}'’]*\s+)?(?:capital|city|town|port)\b|^,\s+\p{Lu}"
)
_LAST_NAME_WORD = regex.compile(r"(\p{Lu}[\p{L}\p{M}'’]+)[\s-]+$")
# Adjectives of the region's countries ("the Syrian army", "Iraqi forces"): news names
# a country this way as often as by its name.
DEMONYMS = {
    "Syrian": "SY", "Iraqi": "IQ", "Ukrainian": "UA", "Russian": "RU", "Libyan": "LY",
    "Iranian": "IR", "Israeli": "IL", "Palestinian": "PS", "Lebanese": "LB", "Egyptian": "EG",
    "Turkish": "TR", "Saudi": "SA", "Yemeni": "YE", "Sudanese": "SD", "Algerian": "DZ",
    "Tunisian": "TN", "Jordanian": "JO", "Qatari": "QA", "Emirati": "AE", "Kuwaiti": "KW",
    "Omani": "OM", "Bahraini": "BH", "Chechen": "RU", "Kurdish": "IQ",
}  # fmt: skip
DEMONYMS_OF: dict[str, list[str]] = {}
for _word, _code in DEMONYMS.items():
    DEMONYMS_OF.setdefault(_code, []).append(_word)
# Endings that make a Slavic surname feminine (Lavrova, Zelenska, Yarovaya).
_MASCULINE = ("ov", "ev", "in", "ski", "ki", "ii", "i")
_FEMININE = (("a", ""), ("aia", "i"), ("aia", "ii"), ("ska", "ski"), ("ka", "ki"))


def spelling(match: VariantMatch) -> Evidence:
    """How the written name relates to the alias: the same transliteration key, or a
    few confusable edits away."""
    surname = match.parts[-1]
    if surname.written == surname.alias_token:
        return Evidence(
            "spelling", "exact", 0.55, f"{surname.written!r} is spelt as the gazetteer spells it"
        )
    if match.cost == 0:
        return Evidence(
            "spelling", "same_key", 0.55,
            f"{surname.written!r} is a transliteration of {surname.alias_token!r}",
        )  # fmt: skip
    return Evidence(
        "spelling", "key_edits", 0.5 - 0.05 * match.cost,
        f"{surname.written!r} is {match.cost:g} edit(s) from {surname.alias_token!r} "
        "once transliteration is allowed for",
    )  # fmt: skip


def given_name(match: VariantMatch) -> Evidence | None:
    """A full name whose given names match (or are themselves variants of them)."""
    if not (match.given and match.complete):
        return None
    given = match.parts[:-1]
    written = " ".join(part.written for part in given)
    if all(part.cost == 0 and part.written == part.alias_token for part in given):
        text = f"the given name {written!r} matches {match.entity.name}"
    else:
        text = f"the given name {written!r} is a spelling of that of {match.entity.name}"
    return Evidence("given_name", "matches", 0.35, text)


def other_given_name(match: VariantMatch, before: str) -> Evidence | None:
    """A guard: a name part stands right before the surname but is not the entity's
    given name ("Mohammed Sinwar" is Yahya Sinwar's brother)."""
    if match.given:
        return None
    word = _LAST_NAME_WORD.search(before)
    if word is None or word.group(1) in FUNCTION_WORDS:
        return None  # "Later Hafteer said": a sentence's first word, not a given name
    if PERSON_ROLE.search(before) and _is_role(word.group(1)):
        return None
    return Evidence(
        "other_given_name", "other_person", BLOCK,
        f"{word.group(1)!r} before it is not {match.entity.name}'s given name",
    )  # fmt: skip


def _is_role(word: str) -> bool:
    return bool(PERSON_ROLE.search(word)) or word in {"Prime", "Foreign", "Defence", "Defense"}


def role(match: VariantMatch, before: str, after: str) -> Evidence | None:
    """A title or role beside the mention that fits (or contradicts) the entity's type."""
    person_role = PERSON_ROLE.search(before)
    place_word = PLACE_BEFORE.search(before) or PLACE_AFTER.search(after)
    if match.entity.type == "person":
        if person_role:
            return Evidence("role", "fits", 0.1, "a title or role stands beside it")
        return None
    if place_word and not person_role:
        return Evidence("role", "fits", 0.2, "it stands where a place is named")
    if person_role and not place_word:
        return Evidence("role", "contradicts", -0.3, "a person's title stands before it")
    return None


def named_elsewhere(match: VariantMatch, established: bool, country_named: bool) -> Evidence | None:
    """The entity itself, or its country, named elsewhere in the document."""
    if not (established or country_named):
        return None
    weight, found = 0.0, []
    if established:
        weight += 0.35
        found.append(f"{match.entity.name} is named in the document")
    if country_named:
        weight += 0.25 if match.entity.type == "place" else 0.1
        found.append(f"the document names {', '.join(match.entity.context)}")
    level = "entity" if established else "country"
    return Evidence("named_elsewhere", level, weight, "; ".join(found))


def country_adjective(text: str, codes) -> bool:
    """Whether ``text`` names one of the countries ``codes`` by its adjective."""
    return any(word in text for code in codes for word in DEMONYMS_OF.get(code, ()))


def place_support(match: VariantMatch, established: bool, country_named: bool) -> Evidence | None:
    """A guard for places: a real place is often a letter away from another one
    ("Bazel", a tool, is not Basel); a place reading needs the document to point to
    the place's country or to name the place itself."""
    if match.entity.type != "place" or established or country_named:
        return None
    return Evidence(
        "place_support", "none", BLOCK,
        f"nothing else in the document points to {', '.join(match.entity.context) or 'it'}",
    )  # fmt: skip


def english_name(written: str, target: str) -> Evidence | None:
    """For a GeoNames alternate name: English must use the place's name far more than
    the written one (wordfreq), or the written one is the English name itself
    ("Seville", "Napoli" stay; "Bagdad", "Teheran" go).  None when it does not."""
    used, usual = zipf(written), zipf(target)
    if used >= 3.0 or usual < used + 0.75:
        return None
    return Evidence(
        "english_name", "more_common", 0.0,
        f"English writes {target!r} (Zipf {usual:.1f}) far more than {written!r} ({used:.1f})",
    )  # fmt: skip


def resolved_elsewhere(written: str, entity_id: str, prior) -> Evidence | None:
    """The same spelling was resolved to this entity elsewhere in the document."""
    if prior is None or prior[0].id != entity_id:
        return None
    return Evidence(
        "resolved_elsewhere", "same_spelling", 0.3,
        f"{written!r} was resolved to {prior[0].name} elsewhere in the document",
    )  # fmt: skip


#: What one entity written with confidence elsewhere adds to another reading of it.
ONE_FORM_WEIGHT = 0.1


def confirmed_elsewhere(entity, anchors, start: int, end: int, before: str) -> Evidence | None:
    """The entity written (rewritten or confirmed as listed) with confidence elsewhere in
    the document: ``anchors`` maps an entity id to ``(start, end, confidence)`` of those
    mentions.  A person's reading where a place is named ("the town of") gets none."""
    spans = anchors.get(entity.id, ()) if anchors else ()
    best = max((c for low, high, c in spans if high <= start or low >= end), default=None)
    if best is None or (entity.type == "person" and PLACE_WORD_BEFORE.search(before)):
        return None
    return Evidence(
        "one_form", "confirmed", ONE_FORM_WEIGHT,
        f"{entity.name} is written with confidence {best:.2f} elsewhere in the document",
    )  # fmt: skip


def commonness(match: VariantMatch) -> Evidence | None:
    """How common the surname's spelling is in English (wordfreq): a guard for words
    ("Berry", "Morse"), a doubt for rarer words and names ("Poutine")."""
    written = match.parts[-1].written
    if written == match.parts[-1].alias_token:
        return None  # the name itself, spelt as listed
    frequency = zipf(written)
    if frequency >= 3.0 and not (match.given and match.complete and frequency < 3.5):
        return Evidence(
            "commonness", "english_word", BLOCK,
            f"{written!r} is an English word or name (Zipf {frequency:.1f})",
        )  # fmt: skip
    if frequency >= 1.5:
        return Evidence(
            "commonness", "known_word", -0.1,
            f"but {written!r} is in English use (Zipf {frequency:.1f})",
        )  # fmt: skip
    return None


def gendered_form(match: VariantMatch) -> Evidence | None:
    """A guard: a feminine form of the surname is another person (Lavrova, Putina)."""
    from gazetteer.translit import query_keys

    written = query_keys(match.parts[-1].written)[0]
    alias = query_keys(match.parts[-1].alias_token)[0]
    if not alias.endswith(_MASCULINE):
        return None  # "Salama" is not a feminine "Salamé"
    for feminine, masculine in _FEMININE:
        if written.endswith(feminine) and written[: -len(feminine)] + masculine == alias:
            return Evidence(
                "gendered_form", "other_person", BLOCK,
                f"{match.parts[-1].written!r} is the feminine form of "
                f"{match.parts[-1].alias_token!r}: another person",
            )  # fmt: skip
    return None


_INTRINSIC: dict[tuple, list] = {}


def intrinsic(match: VariantMatch) -> list[Evidence | None]:
    """The evidence a reading carries whatever the document says (cached)."""
    key = (match.record_id, match.parts)
    found = _INTRINSIC.get(key)
    if found is None:
        if len(_INTRINSIC) >= 16384:
            _INTRINSIC.clear()
        found = _INTRINSIC[key] = [
            spelling(match),
            given_name(match),
            gendered_form(match),
            commonness(match),
        ]
    return found


def decide(evidence: Iterable[Evidence | None]) -> tuple[float, list[Evidence]]:
    """Sum the weights into a confidence, within the caps; the evidence kept.

    Evidence is read in order and the first guard stops the reading (confidence 0, the
    guard last in the list): what comes after it is neither computed nor reported.
    """
    kept: list[Evidence] = []
    total, cap = 0.0, MAX_CONFIDENCE
    for item in evidence:
        if item is None:
            continue
        kept.append(item)
        if item.weight <= BLOCK:
            return 0.0, kept
        total += item.weight
        if item.cap < cap:
            cap = item.cap
    return round(max(0.0, min(cap, total)), 2), kept


def guard(kept: list[Evidence]) -> Evidence | None:
    """The guard that stopped a decision, or None."""
    return kept[-1] if kept and kept[-1].weight <= BLOCK else None


def message(written: str, target: str, kept: list[Evidence], confidence: float) -> str:
    """The change's message: the evidence that carried the decision, in order."""
    reasons = "; ".join(item.text for item in kept)
    return f"{written!r} read as {target}: {reasons} (confidence {confidence:.2f})"
