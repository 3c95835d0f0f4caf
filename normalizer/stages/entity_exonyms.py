"""GeoNames alternate names that only recognize ("Bagdad", "Teheran"), resolved by the
entity stage's evidence (issue 9, item 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from gazetteer import Entity, Kind, Policy
from normalizer.stages import entity_evidence as ev

if TYPE_CHECKING:
    from normalizer.stages.entity_variants import VariantPass

# An enum member read from its class costs ~0.2 µs in Python 3.11 (ten module-global reads):
# the per-mention tests read it from here.
_VARIANT, _RECOGNIZE = Kind.VARIANT, Policy.RECOGNIZE
_NAME_CASED = regex.compile(r"\p{Lu}\p{Ll}+")
_NEXT_NAME = regex.compile(r"[ -]\p{Lu}\p{Ll}")
_PREVIOUS_NAME = regex.compile(r"\p{Lu}\p{Ll}+[ -]$")


def from_geonames(entity: Entity) -> bool:
    """Whether the entity comes from the GeoNames file."""
    return entity.source.startswith("GeoNames")


def _outside(spans, start: int, end: int) -> bool:
    return any(high <= start or low >= end for low, high in spans)


def _exonym(mention) -> bool:
    """Whether every reading of ``mention`` is one GeoNames place, through an alternate
    name that only recognizes, and the place's name is written in plain letters."""
    candidates = mention.candidates
    first = candidates[0]
    if (
        first.alias.kind is not _VARIANT
        or first.alias.policy is not _RECOGNIZE
        or first.entity.type != "place"
    ):
        return False  # most mentions: decided by the stage's alias rules
    if len({c.entity.name for c in candidates}) != 1 or not all(
        c.entity.type == "place" and from_geonames(c.entity)
        and c.alias.policy is Policy.RECOGNIZE and c.alias.kind is Kind.VARIANT
        for c in candidates
    ):  # fmt: skip
        return False
    return first.entity.name.isascii() and bool(_NAME_CASED.fullmatch(mention.text))


def rewrite_exonyms(variants: VariantPass) -> None:
    """GeoNames alternate names that only recognize ("Bagdad", "Teheran", "Donezk"):
    rewritten to the place's name when the document names the place's country itself,
    a place word stands beside it, and English writes the place's name far more (see
    entity_evidence.english_name).  A name inside a person's name ("Riad Salameh") or
    in another language's paragraph stays."""
    text = variants.context.text
    for mention in variants.canon.mentions:
        if not _exonym(mention):
            continue
        if any(low <= mention.start < high for low, high in variants.canon.foreign):
            continue
        before = text[max(0, mention.start - 60) : mention.start]
        after = text[mention.end : mention.end + 40]
        if _NEXT_NAME.match(after) or _PREVIOUS_NAME.search(before):
            continue  # part of a longer name: "Riad Salameh"
        entity = mention.candidates[0].entity
        place = ev.PLACE_BEFORE.search(before) or ev.PLACE_AFTER.search(after)
        english = ev.english_name(mention.text, entity.name)
        named = [
            code
            for c in mention.candidates
            for code in c.entity.context
            if _outside(variants.country_spans().get(code, ()), mention.start, mention.end)
        ]
        if not (place and english and named):
            continue
        message = (
            f"{mention.text!r} is a name of {entity.name} in another language (GeoNames): it "
            f"stands where a place is named, the document names {', '.join(named)}, and "
            f"{english.text} (confidence 0.90)"
        )
        single = len(mention.candidates) == 1
        variants.context.edit(
            mention.start, mention.end, entity.name, "entity.exonym", message,
            confidence=0.9, entity=entity.as_ref() if single else None,
        )  # fmt: skip
