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
        named = [
            code
            for c in mention.candidates
            for code in c.entity.context
            if _outside(variants.country_spans().get(code, ()), mention.start, mention.end)
        ]
        confidence, kept = ev.decide(_evidence(mention, entity, before, after, named))
        if ev.guard(kept) is not None:
            continue
        reasons = "; ".join(item.text for item in kept)
        message = f"{mention.text!r} {reasons} (confidence {confidence:.2f})"
        single = len(mention.candidates) == 1
        variants.context.edit(
            mention.start, mention.end, entity.name, "entity.exonym", message,
            confidence=confidence, entity=entity.as_ref() if single else None,
        )  # fmt: skip


def _evidence(mention, entity: Entity, before: str, after: str, named: list[str]):
    """The evidence on a GeoNames alternate name, each piece required (else a guard)."""
    yield ev.Evidence(
        "alias", "alternate_name", 0.9,
        f"is a name of {entity.name} in another language (GeoNames)",
    )  # fmt: skip
    if not (ev.PLACE_BEFORE.search(before) or ev.PLACE_AFTER.search(after)):
        yield ev.Evidence("role", "none", ev.BLOCK, "no place word stands beside it")
    yield ev.Evidence("role", "fits", 0.0, "it stands where a place is named")
    if not named:
        yield ev.Evidence("named_elsewhere", "none", ev.BLOCK, "the country is not named")
    yield ev.Evidence("named_elsewhere", "country", 0.0, f"the document names {', '.join(named)}")
    english = ev.english_name(mention.text, entity.name)
    yield english or ev.Evidence("english_name", "usual", ev.BLOCK, "English writes it so")
