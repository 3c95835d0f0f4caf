"""Stage ``entity``: canonicalize mentions against the gazetteer.

Every decision goes candidates → evidence → decision.  An exact alias is read as its
entity (a shared alias as the one of its entities the document named); the evidence on
it — what kind of alias it is, and the old context rules, now guards and caps in
:mod:`~normalizer.stages.entity_alias_evidence` — is summed by the one
:func:`~normalizer.stages.entity_evidence.decide` that also decides the spellings no
alias lists (:mod:`~normalizer.stages.entity_variants`).  The change's message lists the
evidence and the confidence; anything less certain than ``min_confidence`` is a flag.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex
from rapidfuzz.distance import Levenshtein

from gazetteer import Candidate, Entity, Kind, Mention, Policy
from gazetteer.folding import fold
from normalizer.context import Context
from normalizer.foreign_passages import find_foreign_passages
from normalizer.stages import entity_alias_evidence as ae
from normalizer.stages import entity_evidence as ev
from normalizer.stages.entity_document import keep_one_form
from normalizer.stages.entity_evidence import Evidence
from normalizer.stages.entity_rules import (
    ARTICLE_NAME,
    KIND_RULES,
    PLACE_BEFORE,
    best_candidate,
    is_common_word,
    replacement_for,
    target_for,
)
from normalizer.stages.entity_variants import VariantPass

_NAME_BEFORE = regex.compile(r"(\p{Lu}\p{Ll}+)[ -]$")
# An enum member read from its class costs ~0.2 µs in Python 3.11 (ten module-global reads):
# the per-mention tests read it from here.
_REWRITE, _RECOGNIZE, _ESTABLISHED = Policy.REWRITE, Policy.RECOGNIZE, Policy.ESTABLISHED
_NATIVE, _CALQUE = Kind.NATIVE, Kind.CALQUE


class _Canonicalizer:
    """One pass of the stage over one document."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.established: set[str] = set()
        # Windows of text whose words decided to leave a mention alone.
        self.decided_by_neighbours: list[tuple[int, int]] = []
        # What decisions weighed of the rest of the document: entities named (an
        # acronym's, the readings of a shared name, a doubtful alias's) and countries.
        self.weighed_entities: set[str] = set()
        self.weighed_countries: set[str] = set()
        self._named_twice: dict[str, bool] = {}
        # Entities that variant corrections of this run named.
        self.fuzzy_added: list[Entity] = []
        # Exact aliases decided below ``min_confidence`` (flagged), for the document step:
        # (mention, entity, candidate, replacement, shared).
        self.held: list[tuple] = []

    def run(self) -> None:
        mentions = self.context.gazetteer.matcher.find(self.context.text)
        self.mentions = mentions
        self.foreign = find_foreign_passages(self.context.text)
        for mention in mentions:
            self.mention(mention)
        variants = VariantPass(self)
        variants.run()
        keep_one_form(self, variants)
        self.flag_unknown_variants(mentions)
        self.context.unsettled = self.unsettled()

    def named_twice(self, country: str) -> bool:
        """Whether two or more mentions point to ``country`` (a shared name such as
        "Tripoli" points to each of its countries); counted when a doubt first asks."""
        found = self._named_twice.get(country)
        if found is None:
            pointing = 0
            for mention in self.mentions:
                if any(country in candidate.entity.context for candidate in mention.candidates):
                    pointing += 1
                    if pointing == 2:
                        break
            found = self._named_twice[country] = pointing == 2
        return found

    def unsettled(self) -> bool:
        """Whether this run's own edits could change what a second run decides.

        The evidence a run uses is document-wide: which entities and countries the
        mentions point to, and which paragraphs are in another language.  A rewrite keeps
        its entity, so these stay — unless the new spelling is itself a shared name
        ("Pekin": a town in Illinois, and Beijing) or tips a paragraph's language.  A
        native-script name or a calque left alone for its neighbours' sake is decided
        again when a rewrite changed those neighbours, and a decision that weighed an
        entity or a country again when a fuzzy correction added a mention of it.
        """
        edits = self.context.edits
        if not edits:
            return False
        text = self.context.text
        matcher = self.context.gazetteer.matcher
        for edit in edits:
            # A rewritten surname may give the variant pass a full name to read next
            # time ("Alifa HiFTER" -> "Alifa Haftar" -> "Khalifa Haftar").
            before = _NAME_BEFORE.search(text, max(0, edit.start - 30), edit.start)
            if before is None:
                continue
            name = f"{before.group(1)} {edit.replacement}"
            for best in matcher.resolve(name)[:1]:
                written = " ".join(part.written for part in best.parts)
                if best.given and best.complete and not matcher.lookup(written):
                    return True  # a full name no alias lists: the variant pass reads it
        # "SAN:JWAN:ڈY" beside a Cyrillic word stayed; a Latin neighbour may change that.
        for low, high in self.decided_by_neighbours:
            if any(edit.start < high and edit.end > low for edit in edits):
                return True
        # A fuzzy correction turns a word that named nothing into a mention: evidence
        # that a decision weighed may have grown ("KHALIFA0Hiftr" corrected after a
        # calque was held back for want of a second Libyan name).
        for added in self.fuzzy_added:
            if added.id in self.weighed_entities or self.weighed_countries.intersection(
                added.context
            ):
                return True
        for edit in edits:
            if edit.entity is None:
                return True
            if matcher.entities_named(edit.replacement) - {edit.entity["id"]}:
                return True
        pieces, position = [], 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            pieces += [text[position : edit.start], edit.replacement]
            position = max(position, edit.end)
        after = "".join(pieces) + text[position:]
        foreign_after = find_foreign_passages(after)
        return len(foreign_after) != len(self.foreign)

    def mention(self, mention: Mention) -> None:
        """Candidates → evidence → decision, for one exact mention."""
        entity = mention.entity
        if entity is not None and len(mention.candidates) == 1:
            candidate = mention.candidates[0]
            if (
                candidate.alias.policy is _REWRITE
                and target_for(self.context, entity, candidate) == mention.text
            ):
                # Already canonical (most mentions): it establishes the entity, no more.
                self.flag_type_mismatch(mention, entity)
                self.established.add(entity.id)
                return
        # Candidates: the one entity and its best alias, or a shared alias's reading.
        if entity is not None:
            candidates = mention.candidates
            candidate = candidates[0] if len(candidates) == 1 else best_candidate(candidates)
            shared = False
        else:
            reading = self.shared_reading(mention)
            if reading is None:
                return
            entity, candidate = reading
            shared = True
        was_established = entity.id in self.established
        self.flag_type_mismatch(mention, entity)
        if candidate.alias.policy is _RECOGNIZE:
            # The first guard, read before the rest is built: most exact mentions that
            # get here are recognised names (GeoNames' alternate names).
            self.established.add(entity.id)
            recognized = ae.recognize_only(mention, entity, candidate.alias)
            if recognized.flag:
                self.report_guard(mention, recognized, entity)
            return
        self.decide(mention, entity, candidate, shared, was_established)

    def decide(
        self,
        mention: Mention,
        entity: Entity,
        candidate: Candidate,
        shared: bool,
        was_established: bool,
    ) -> None:
        """Evidence → decision for an alias that may rewrite: an edit, a flag, or nothing."""
        replacement = self.replacement(mention, entity, candidate)
        evidence = self.alias_evidence(
            mention, entity, candidate, replacement, shared, was_established
        )
        confidence, kept = ev.decide(evidence)
        blocked = ev.guard(kept)
        if blocked is None or blocked.name != "not_established":
            self.established.add(entity.id)
        if blocked is not None:
            self.report_guard(mention, blocked, entity)
            return
        if confidence < self.context.options.min_confidence:
            self.held.append((mention, entity, candidate, replacement, shared))
        self.write(mention, entity, candidate, replacement, kept, confidence)

    def replacement(self, mention: Mention, entity: Entity, candidate: Candidate) -> str:
        """What the alias would be written as (the mention itself when nothing changes)."""
        target = target_for(self.context, entity, candidate)
        if target == mention.text:
            return target
        fitted = ae.after_name_word(self.context.text, mention, entity, target)
        if fitted is None:
            return ""  # nothing may be written here: alias_evidence's stacked_name guard
        return replacement_for(self.context, mention, entity, fitted)

    def write(
        self,
        mention: Mention,
        entity: Entity,
        candidate: Candidate,
        replacement: str,
        kept: list[Evidence],
        confidence: float,
    ) -> None:
        """The decision written: an edit, or below ``min_confidence`` a flag with the
        suggestion; the message lists the evidence and the confidence."""
        self.context.edit(
            mention.start,
            mention.end,
            replacement,
            KIND_RULES[candidate.alias.kind][0],
            ae.message(mention.text, kept, confidence),
            confidence=confidence,
            entity=entity.as_ref(),
        )

    def shared_reading(self, mention: Mention) -> tuple[Entity, Candidate] | None:
        """The candidates step for an alias several entities share: read as the one of
        them the document already named, if any, with its best alias; else flagged (no
        entity leads) and not read."""
        entities = {c.entity.id: c.entity for c in mention.candidates}
        self.weighed_entities.update(entities)
        named = [entity for entity_id, entity in entities.items() if entity_id in self.established]
        if len(named) == 1:
            entity = named[0]
            candidates = tuple(c for c in mention.candidates if c.entity.id == entity.id)
            return entity, best_candidate(candidates)
        rewriting = [
            c
            for c in mention.candidates
            if c.alias.policy is not Policy.RECOGNIZE
            and replacement_for(
                self.context, mention, c.entity, target_for(self.context, c.entity, c)
            )
            != mention.text
        ]
        if rewriting:
            names = sorted(entity.name for entity in entities.values())
            self.report_guard(mention, ae.no_lead(mention, names), None)
        return None

    def alias_evidence(
        self,
        mention: Mention,
        entity: Entity,
        candidate: Candidate,
        replacement: str,
        shared: bool,
        was_established: bool,
    ) -> Iterator[Evidence | None]:
        """The evidence on an exact alias, guards first (``decide`` stops at the first);
        the first guard, ``recognize_only``, is read in :meth:`mention` before these."""
        alias, text = candidate.alias, self.context.text
        if alias.policy is _ESTABLISHED:
            self.weighed_entities.add(entity.id)
            yield ae.established_first(mention, entity, alias, was_established)
        if self.foreign:
            yield ae.foreign_text(mention, self.foreign)
        target = target_for(self.context, entity, candidate)
        if not replacement:
            yield ae.stacked_name(text, mention, target)
        yield ae.nothing_to_change(mention, replacement)
        # (Each of these reads one kind of alias: asked only of that kind.)
        if alias.kind is _NATIVE:
            yield ae.native_context(text, mention, alias)
            yield ae.glued_native(text, mention, entity, alias)
        elif alias.kind is _CALQUE:
            yield ae.literal_use(text, mention, alias)
        yield ae.alias_kind(entity, alias)
        yield ae.name_word_kept(text, mention, entity, target)
        if shared:
            yield ae.shared_reading()
        if not was_established and ae.needs_support(alias, entity.type, entity.short):
            self.weighed_entities.add(entity.id)
            self.weighed_countries.update(entity.context)
            yield ae.support(text, entity, self.named_twice)

    def report_guard(self, mention: Mention, guard: Evidence, entity: Entity | None) -> None:
        """What a guard that stopped a decision leaves: its flag, if it has one, and the
        window of text whose words decided it (a rewrite there may change them)."""
        if guard.flag:
            ref = entity.as_ref() if entity is not None else None
            self.context.flag(mention.start, mention.end, guard.flag, guard.text, entity=ref)
        window = ae.NEIGHBOUR_WINDOWS.get(guard.name)
        if window is not None:
            self.decided_by_neighbours.append((mention.start - window[0], mention.end + window[1]))

    def flag_type_mismatch(self, mention: Mention, entity: Entity) -> None:
        if entity.type == "person" and PLACE_BEFORE.search(
            self.context.text[max(0, mention.start - 30) : mention.start]
        ):
            self.context.flag(
                mention.start,
                mention.end,
                "entity.type_mismatch",
                f"a person's name ({entity.name}) where a place is expected; the translation "
                "may have swapped a city for a person",
                entity=entity.as_ref(),
            )

    def flag_unknown_variants(self, mentions: list[Mention]) -> None:
        """Two spellings of one unknown name ("Al-Zoui", "Al-Zawi") in one document."""
        if "l-" not in self.context.text:
            return  # every match holds "Al-", "El-", "al-" or "el-"
        seen: dict[str, tuple[int, int, str]] = {}
        for match in ARTICLE_NAME.finditer(self.context.text):
            name = match.group(1)
            key = fold(name)
            if self.context.gazetteer.matcher.lookup(match.group()) or is_common_word(name):
                continue
            for other_key, (_, _, other) in seen.items():
                if (
                    other_key != key
                    and other_key[0] == key[0]
                    and Levenshtein.distance(other_key, key, score_cutoff=2) <= 2
                ):
                    self.context.flag(
                        match.start(),
                        match.end(),
                        "entity.unknown_variants",
                        f"{match.group()!r} and {other!r} may be two spellings of one name "
                        "that the gazetteer does not know",
                    )
                    break
            seen.setdefault(key, (match.start(), match.end(), match.group()))


def canonicalize_names(context: Context) -> None:
    """Rewrite mentions to their canonical forms; flag what is uncertain."""
    _Canonicalizer(context).run()
