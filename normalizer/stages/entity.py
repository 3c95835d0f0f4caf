"""Stage ``entity``: canonicalize mentions against the gazetteer.

Every rewrite states its evidence: a known alias (spelling, native script, calque or
acronym), or a fuzzy match backed by context (the given name matches, or the same
misspelling was corrected with that evidence earlier in the document).  An alias shared
by several entities never rewrites on its own, an acronym needs the entity to be named
first, and anything less certain than ``min_confidence`` is reported as a flag.
"""

from __future__ import annotations

import functools

import regex
from rapidfuzz.distance import Levenshtein

from gazetteer import Alias, Candidate, Entity, Form, Kind, Mention, Policy
from gazetteer.folding import fold
from gazetteer.index import ARTICLE_TOKENS
from normalizer.context import Context
from normalizer.foreign_passages import find_foreign_passages
from normalizer.stages.entity_evidence import country_adjective
from normalizer.stages.entity_rules import (
    AMBIGUOUS_ZIPF,
    ARTICLE_NAME,
    GLOSS_BEFORE,
    KIND_RULES,
    LITERAL_BEFORE,
    PLACE_BEFORE,
    WORD,
    best_candidate,
    glued_fragment,
    is_common_word,
    isolated_in_latin,
    replacement_for,
    target_for,
    zipf,
)
from normalizer.stages.entity_variants import VariantPass

_NAME_BEFORE = regex.compile(r"(\p{Lu}\p{Ll}+)[ -]$")
# An enum member read from its class costs ~0.2 µs in Python 3.11 (ten module-global reads):
# the per-mention tests read it from here.
_REWRITE = Policy.REWRITE


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

    def run(self) -> None:
        mentions = self.context.gazetteer.matcher.find(self.context.text)
        self.mentions = mentions
        self.foreign = find_foreign_passages(self.context.text)
        for mention in mentions:
            self.mention(mention)
        VariantPass(self).run()
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
        shared = entity is None
        if shared:
            entity = self.disambiguate(mention)
            if entity is None:
                return
        if len(mention.candidates) == 1:
            candidate = mention.candidates[0]
        else:
            candidates = tuple(c for c in mention.candidates if c.entity.id == entity.id)
            candidate = best_candidate(candidates)
        was_established = entity.id in self.established
        self.flag_type_mismatch(mention, entity)
        policy = candidate.alias.policy
        if policy is Policy.RECOGNIZE:
            if candidate.alias.kind is Kind.CALQUE:
                # A possible calque is worth a look; other recognised names are not.
                self.context.flag(
                    mention.start,
                    mention.end,
                    "entity.recognized",
                    f"{mention.text!r} may refer to {entity.name}: {candidate.alias.note}",
                    entity=entity.as_ref(),
                )
            self.established.add(entity.id)
            return
        if policy is Policy.ESTABLISHED:
            self.weighed_entities.add(entity.id)
            if entity.id not in self.established:
                self.context.flag(
                    mention.start,
                    mention.end,
                    "entity.not_established",
                    f"{mention.text!r} may stand for {entity.name}, which the document has "
                    "not named before it; not rewritten",
                    entity=entity.as_ref(),
                )
                return
        self.established.add(entity.id)
        if any(start <= mention.start < end for start, end in self.foreign):
            return  # a paragraph in another language keeps its own spelling
        self.rewrite(mention, entity, candidate, was_established, shared)

    def doubt(self, mention: Mention, entity: Entity, alias, was_established: bool) -> str:
        """Why a rewrite lacks support in this document, or "" when it has it.

        Some aliases could mean something else: a one-word alias that English uses on its
        own ("Surt" the fire giant, Jafra Cosmetics, Bahrain's Al-Wefaq: Zipf >=
        :data:`AMBIGUOUS_ZIPF`), a calque (made of ordinary words), and a surname that
        differs only in diacritics ("Kalin Lucas" is not İbrahim Kalın).  These need
        support: the entity named before, another mention pointing to its country, or
        the country's adjective ("Syrian").
        """
        needs_support = _needs_support(alias, entity.type, entity.short)
        if not needs_support or was_established:
            return ""
        self.weighed_entities.add(entity.id)
        self.weighed_countries.update(entity.context)
        if any(self.named_twice(code) for code in entity.context):
            return ""
        if country_adjective(self.context.text, entity.context):
            return ""  # "the Syrian army": the country named by its adjective
        where = ", ".join(entity.context) or "it"
        return f"nothing else in the document points to {where}"

    def disambiguate(self, mention: Mention) -> Entity | None:
        """A shared alias: choose the one entity already named in the document, if any."""
        entities = {c.entity.id: c.entity for c in mention.candidates}
        self.weighed_entities.update(entities)
        named = [entity for entity_id, entity in entities.items() if entity_id in self.established]
        if len(named) == 1:
            return named[0]
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
            names = ", ".join(sorted(entity.name for entity in entities.values()))
            self.context.flag(
                mention.start,
                mention.end,
                "entity.ambiguous",
                f"{mention.text!r} may name any of: {names}; not rewritten",
            )
        return None

    def rewrite(
        self,
        mention: Mention,
        entity: Entity,
        candidate: Candidate,
        was_established: bool,
        shared: bool,
    ) -> None:
        target = target_for(self.context, entity, candidate)
        if target == mention.text:
            return  # already canonical: the common case
        replacement = replacement_for(self.context, mention, entity, target)
        if replacement == mention.text:
            return
        kind = candidate.alias.kind
        before = self.context.text[max(0, mention.start - 40) : mention.start]
        if kind is Kind.NATIVE and (
            not isolated_in_latin(self.context.text, mention.start, mention.end)
            or GLOSS_BEFORE.search(before)
        ):
            # Foreign-language text, or a name glossed in its own script, stays.  The
            # neighbours decided it, and a rewrite of a neighbour may change them.
            self.decided_by_neighbours.append((mention.start - 40, mention.end + 40))
            return
        if kind is Kind.CALQUE and LITERAL_BEFORE.search(before):
            # "to become Haftar's successor": the words mean what they say.
            self.decided_by_neighbours.append((mention.start - 40, mention.end))
            return
        if kind is Kind.NATIVE and (
            fragment := glued_fragment(self.context.text, mention.start, entity)
        ):
            self.context.flag(
                mention.start, mention.end, "entity.native_alias",
                f"{mention.text!r} is {entity.name} in its native script, but it is glued to "
                f"the Latin fragment {fragment!r}: the debris of a broken word, not rewritten",
                entity=entity.as_ref(),
            )  # fmt: skip
            return
        rule, confidence, evidence = KIND_RULES[kind]
        if shared:
            confidence = min(confidence, 0.85)
            evidence += ", the only one of its readings named earlier in the document"
        doubt = self.doubt(mention, entity, candidate.alias, was_established)
        if doubt:
            confidence = min(confidence, 0.7)
            evidence += f"; but {doubt}"
        message = f"{mention.text!r} " + evidence.format(name=entity.name)
        if candidate.alias.note:
            message += f" ({candidate.alias.note})"
        self.context.edit(
            mention.start,
            mention.end,
            replacement,
            rule,
            message,
            confidence=confidence,
            entity=entity.as_ref(),
        )

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


@functools.lru_cache(maxsize=16384)
def _needs_support(alias: Alias, entity_type: str, short: str | None) -> bool:
    """Whether a rewrite through ``alias`` needs support from the document (see doubt)."""
    key = fold(" ".join(alias.text.split())).strip()
    tokens = WORD.findall(key)
    core = tokens[1] if len(tokens) == 2 and tokens[0] in ARTICLE_TOKENS else key
    # "Haftar's successor" carries the surname itself: it is its own evidence.
    own_name = set(fold(short).split()) if entity_type == "person" and short else set()
    return (
        alias.policy is Policy.CONTEXT
        or (alias.kind is Kind.CANONICAL and alias.form is Form.SHORT)
        or (" " not in core and zipf(core) >= AMBIGUOUS_ZIPF)
        or (alias.kind is Kind.CALQUE and not own_name & set(tokens))
    )


def canonicalize_names(context: Context) -> None:
    """Rewrite mentions to their canonical forms; flag what is uncertain."""
    _Canonicalizer(context).run()
