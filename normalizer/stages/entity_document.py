"""One entity, one form per document (issue 9, item 4): the entity stage's last step.

Each mention is decided on the evidence around it, and the evidence a document gives is
not always where the mention is: "Michoustine said …" comes before "Prime Minister
Mikhail Mischustin", whose given name decides it.  After the per-mention decisions,
the entities written with confidence (:data:`ANCHOR_CONFIDENCE`: an exact name as
listed, or a rewrite this sure) are *anchors*; every other reading of the same entity
that was left alone or only flagged is decided again, with the anchor as evidence
(:func:`~normalizer.stages.entity_evidence.confirmed_elsewhere`) and the entity now
named in the document.  A surname-only mention so ends in the canonical surname.

Precision first: the reconsidered reading goes through the same evidence, guards
included — another given name before the surname ("Mohammed Sinouar" beside Yahya
Sinwar), a feminine form (Lavrova), a person's name where a place is named — and must
still lead every other entity that reads it; a shared alias is never reconsidered.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

from gazetteer import Policy
from normalizer.stages import entity_evidence as ev
from normalizer.stages.entity_rules import KIND_RULES, target_for

if TYPE_CHECKING:
    from normalizer.stages.entity import _Canonicalizer
    from normalizer.stages.entity_variants import VariantPass

#: A decision this sure speaks for the other mentions of its entity (the same threshold
#: at which a corrected spelling counts for the same spelling elsewhere).
ANCHOR_CONFIDENCE = 0.85


def anchors(canon: _Canonicalizer, wanted: set[str]) -> dict[str, list[tuple[int, int, float]]]:
    """Entity id (of those ``wanted``) -> where the document writes it with confidence,
    and how sure: the entity stage's edits at :data:`ANCHOR_CONFIDENCE` or above, and
    exact mentions that are the entity's own listed name (one reading, allowed to
    rewrite, nothing to do)."""
    found: dict[str, list[tuple[int, int, float]]] = {}
    for edit in canon.context.edits:
        if edit.entity and edit.entity["id"] in wanted and edit.confidence >= ANCHOR_CONFIDENCE:
            found.setdefault(edit.entity["id"], []).append((edit.start, edit.end, edit.confidence))
    for mention in canon.mentions:
        candidates = mention.candidates
        if (
            len(candidates) == 1
            and candidates[0].alias.policy is Policy.REWRITE
            and candidates[0].entity.id in wanted
            and _written_as_listed(canon, mention)
        ):
            found.setdefault(candidates[0].entity.id, []).append((mention.start, mention.end, 1.0))
    return found


def _written_as_listed(canon: _Canonicalizer, mention) -> bool:
    candidate = mention.candidates[0]
    return target_for(canon.context, candidate.entity, candidate) == mention.text


def keep_one_form(canon: _Canonicalizer, variants: VariantPass) -> None:
    """Decide again, with the anchors as evidence, the readings of anchored entities that
    were left alone or flagged below ``min_confidence``."""
    # A window nothing was proposed for gains evidence only from an entity a variant
    # correction named after it was read (the exact mentions were all read before);
    # one flagged below ``min_confidence`` may gain the anchor's weight.
    windows = []
    if canon.fuzzy_added:
        added = {entity.id for entity in canon.fuzzy_added}
        windows = [
            (window, matches)
            for window, matches in variants.pending
            if any(match.entity.id in added for match in matches)
        ]
    established = canon.established
    windows += [
        (window, matches)
        for window, matches in variants.held
        if any(match.entity.id in established for match in matches)
    ]
    exact = canon.held  # each names its entity (a held alias establishes it)
    if not (windows or exact):
        return  # most documents: nothing left alone that the document names
    wanted = {held[1].id for held in exact}
    wanted.update(match.entity.id for _, matches in windows for match in matches)
    found = anchors(canon, wanted)
    variants.anchors = found
    for window, matches in windows:
        low, high = window[0][0], window[-1][1]
        if _edited(canon, low, high):
            continue  # decided since, as part of a longer name
        _drop_flags(canon, low, high, "entity.fuzzy_variant")
        variants.propose(window, matches, use_prior=True)
    for held in exact:
        _reconsider_alias(canon, held, found)


def _reconsider_alias(canon: _Canonicalizer, held: tuple, found: dict) -> None:
    """An exact alias flagged for want of support, decided again when its entity is
    written with confidence elsewhere: the entity is then named in the document."""
    mention, entity, candidate, replacement, shared = held
    one_form = ev.confirmed_elsewhere(entity, found, mention.start, mention.end, "")
    if one_form is None:
        return
    evidence = canon.alias_evidence(mention, entity, candidate, replacement, shared, True)
    confidence, kept = ev.decide(chain(evidence, [one_form]))
    if ev.guard(kept) is None:
        _drop_flags(canon, mention.start, mention.end, KIND_RULES[candidate.alias.kind][0])
        canon.write(mention, entity, candidate, replacement, kept, confidence)


def _edited(canon: _Canonicalizer, low: int, high: int) -> bool:
    return any(
        edit.start < high and edit.end > low and edit.rule.startswith("entity.")
        for edit in canon.context.edits
    )


def _drop_flags(canon: _Canonicalizer, low: int, high: int, rule: str) -> None:
    """Remove the flags of ``rule`` inside ``low:high``: the decision is made again, and
    reports itself."""
    canon.context.flags[:] = [
        flag
        for flag in canon.context.flags
        if not (flag.rule == rule and low <= flag.start and flag.end <= high)
    ]
