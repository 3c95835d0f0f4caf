"""The entity stage's variant pass: names no alias lists, read by transliteration key.

Candidates → evidence → decision.  Every run of name words ("Prime Minister Mikhail
Mischustin", "Fayez al-Serradsch") is resolved against the gazetteer's keys
(:func:`gazetteer.variants.resolve`); each entity that reads it is weighed by the
evidence functions of :mod:`normalizer.stages.entity_evidence`, and the best one is
written in its canonical form when its confidence reaches ``min_confidence`` (a flag
with the suggestion below that).  Spellings resolved with a given name's support count
as evidence for the same spelling elsewhere; the windows left alone or flagged are kept
for the stage's document step (``entity_document``), so one entity ends in one form.
"""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING, NamedTuple

from gazetteer import Entity, Form, Mention, Policy
from gazetteer.folding import fold, strip_diacritics
from gazetteer.variants import ARTICLES, VariantMatch
from normalizer.stages import entity_evidence as ev
from normalizer.stages.entity_exonyms import from_geonames, rewrite_exonyms
from normalizer.stages.entity_rules import replacement_for, zipf
from normalizer.stages.entity_runs import (
    NAME_RUN,
    CountrySpans,
    MentionAt,
    run_shape,
    shape_cache,
    word_starts,
)

if TYPE_CHECKING:
    from normalizer.stages.entity import _Canonicalizer

# An enum member read from its class costs ~0.2 µs in Python 3.11 (ten module-global reads):
# the per-mention tests read it from here.
_RECOGNIZE = Policy.RECOGNIZE
# Arabic vowel marks and tatweel, which the exact matcher reads as part of the word
# before them (gazetteer/matcher.py): left behind a rewrite, a second run would see them.
_ARABIC_MARK = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Words this frequent in English never end a name here ("The", "However", "Berry").
_SKIP_ZIPF = 3.5
# Below this a proposal is not even worth a flag (a lone surname spelt like a name).
_FLAG_FLOOR = 0.6
_MAX_PARTS = 4
_MAX_ENTITIES = 6
# Readings of a window's text, per matcher (see VariantPass.readings).
_readings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_READINGS_CACHE_SIZE = 16384
# The most the document's evidence can add: a role (0.2), the entity and its country
# named (0.6), the same spelling resolved elsewhere (0.3).
_MOST_CONTEXT = 1.1


class Proposal(NamedTuple):
    start: int
    end: int
    target: str
    confidence: float
    message: str
    entity: Entity
    surname: str  # the written surname, for "resolved elsewhere"


def _outside(spans, start: int, end: int) -> bool:
    return any(high <= start or low >= end for low, high in spans)


def _decides(candidates) -> bool:
    """Whether some reading of an exact mention may rewrite (the stage decided it)."""
    if candidates[0].alias.policy is not _RECOGNIZE:
        return True  # most mentions: one reading
    return any(c.alias.policy is not _RECOGNIZE for c in candidates)


def _held_back(mention: Mention, match: VariantMatch) -> bool:
    """A curated alias that only recognizes (GeoNames' recognised alternate names are
    machine-made: for those the evidence decides)."""
    return any(
        c.entity.id == match.entity.id
        and c.alias.policy is Policy.RECOGNIZE
        and not c.entity.source.startswith("GeoNames")
        for c in mention.candidates
    )


class VariantPass:
    """The variant pass over one document, inside one run of the entity stage."""

    def __init__(self, canonicalizer: _Canonicalizer) -> None:
        self.canon = canonicalizer
        self.context = canonicalizer.context
        self._spans: tuple[dict, dict] | None = None
        self._country_spans: CountrySpans | None = None
        self._decided_from = 0  # where the last decided reading of this run starts
        # Windows nothing was proposed for, and those flagged below ``min_confidence``:
        # the document step reconsiders them (``entity_document``), with ``anchors``.
        self.pending: list[tuple] = []
        self.held: list[tuple] = []
        self.anchors: dict | None = None
        self._readings = _readings.setdefault(canonicalizer.context.gazetteer.matcher, {})
        # The exact mention at a position: every one (an exact name of something else
        # is never rewritten alone), and those that may rewrite (decided already).
        mentions = canonicalizer.mentions
        self.named = MentionAt(mentions)
        decided = [m for m in mentions if _decides(m.candidates)]
        self.covered = MentionAt(decided)
        # Where the words of those mentions start: most runs are found in it whole.
        words = self._decided_words = set()
        for mention in decided:
            if " " in mention.text or "-" in mention.text:
                words.update(mention.start + offset for offset in word_starts(mention.text))
            else:
                words.add(mention.start)

    def run(self) -> None:
        """Propose a rewrite (or a flag) for each name run that some entity reads."""
        rewrite_exonyms(self)
        pending = self.pending
        foreign, decided_words = self.canon.foreign, self._decided_words
        may_spell = self.context.gazetteer.matcher.may_spell
        matcher = self.context.gazetteer.matcher
        shapes = shape_cache(matcher)
        for found in NAME_RUN.finditer(self.context.text):
            words, start = found.group(), found.start()
            # Most runs are one word: an exact mention, an English word, or a word whose
            # key no alias part has.
            if (
                " " not in words
                and "-" not in words
                and (start in decided_words or not may_spell(words))
            ):
                continue
            tokens, ends = run_shape(shapes, matcher, words)
            if not ends:
                continue  # no word of it may end a name
            run = [(start + low, start + high, token) for low, high, token in tokens]
            if all(start in decided_words for start, _, _ in run):
                continue  # exact mentions throughout: decided already
            if len(run) == 1 and zipf(run[0][2]) >= _SKIP_ZIPF and run[0][0] not in self.named:
                continue  # "The", "However": a word, not a name
            if any(low <= run[0][0] < high for low, high in foreign):
                continue  # a paragraph in another language keeps its own spelling
            # From the end of the run: the longest reading of a name is decided first,
            # and a shorter one inside it ("Mohammad Bagher" in "Mohammad Bagher
            # Qalibaf") is not read again.
            self._decided_from = len(self.context.text)
            for end_index in ends:  # last first, those that may end a name
                if run[end_index][0] >= self._decided_from:
                    continue
                candidate = self.candidate(run, end_index)
                if candidate is not None and not self.propose(*candidate, use_prior=False):
                    pending.append(candidate)
        # Second round: spellings resolved elsewhere in the document are evidence now,
        # whatever their order in the text.
        corrected = self.context.state.corrected_variants
        if corrected:
            self.pending = []
            for window, matches in pending:
                if fold(window[-1][2]) in corrected and self.propose(
                    window, matches, use_prior=True
                ):
                    continue
                self.pending.append((window, matches))

    def candidate(self, run, end_index: int):
        """The window of name words ending at ``end_index`` and its readings, or None.
        Only asked for tokens that may end a name (see ``entity_runs.run_shape``): most
        words have no alias part whose key is near theirs."""
        start, _, word = run[end_index]
        matcher = self.context.gazetteer.matcher
        window = run[max(0, end_index - _MAX_PARTS + 1) : end_index + 1]
        covering = self.covered.get(start)
        if covering is None and start not in self.named and zipf(word) >= _SKIP_ZIPF:
            return None
        if covering is not None:
            # An exact mention is decided, unless a name word no alias covers stands
            # before it: a given name spelt another way ("Serguei Lavrov").
            before = [t for t in window if t[1] <= covering.start and t[2].lower() not in ARTICLES]
            if not before or before[-1][0] in self.covered:
                return None
        matches = matcher.resolve(" ".join(t for _, _, t in window))
        if not matches:
            return None
        return window, matches

    def propose(self, window, matches: list[VariantMatch], *, use_prior: bool) -> bool:
        """Weigh each entity's best reading; write the winner or flag it.  True when the
        window was settled (an edit, a flag, or nothing to change)."""
        readings = self.readings(window, matches)
        proposals = [self.weigh(window, *reading, use_prior) for reading in readings]
        proposals = sorted((p for p in proposals if p is not None), key=lambda p: -p.confidence)
        if not proposals or proposals[0].confidence < _FLAG_FLOOR:
            return False
        proposal = proposals[0]
        if len(proposals) > 1 and proposals[1].confidence >= proposal.confidence - 0.1:
            # The lead over the next-best entity is too small to choose.
            names = f"{proposal.entity.name}, {proposals[1].entity.name}"
            self._decided_from = min(self._decided_from, proposal.start)
            self.context.flag(
                proposal.start, proposal.end, "entity.ambiguous",
                f"{self.context.text[proposal.start : proposal.end]!r} may name any of: "
                f"{names}; not rewritten",
            )  # fmt: skip
            return True
        if proposal.confidence < self.context.options.min_confidence:
            self.held.append((window, matches))
        return self.apply(proposal)

    def readings(self, window, matches: list[VariantMatch]) -> list[tuple]:
        """Each entity's best reading of the window, where it would be written and what:
        (match, start, end, target), without those with nowhere to write or nothing to
        change.  A function of the window's text alone (its tokens, and so ``matches``,
        come from it): cached per matcher, as offsets within the window."""
        text, base = self.context.text, window[0][0]
        key = text[base : window[-1][1]]
        cache = self._readings
        found = cache.get(key)
        if found is None:
            best: dict[str, VariantMatch] = {}
            for match in matches:
                best.setdefault(match.entity.id, match)
                if len(best) > _MAX_ENTITIES:
                    break  # readings come best first: the rest cannot lead
            found = []
            for match in best.values():
                span = self.span(window, match)
                if span is not None and text[span[0] : span[1]] != span[2]:
                    found.append((match, span[0] - base, span[1] - base, span[2]))
            if len(cache) >= _READINGS_CACHE_SIZE:
                cache.clear()
            found = cache[key] = tuple(found)
        return [(match, base + start, base + end, target) for match, start, end, target in found]

    def weigh(
        self, window, match: VariantMatch, start: int, end: int, target: str, use_prior: bool
    ) -> Proposal | None:
        text = self.context.text
        if self.written_in_full_by_alias(window[-1][0], start, match, target):
            # Settled: no shorter reading inside it is read again ("Mohammad Bagher").
            self._decided_from = min(self._decided_from, start)
            return None
        if self.left_to_exact_mention(window[-1][0], start, match):
            return None
        intrinsic = ev.intrinsic(match)
        ceiling = sum(item.weight for item in intrinsic if item is not None) + _MOST_CONTEXT
        if ceiling < _FLAG_FLOOR:
            return None  # whatever the document says, not even worth a flag
        prior = self.context.state.corrected_variants.get(fold(match.parts[-1].written))
        established = self.named_elsewhere(match.entity.id, start, end)
        supported = match.given or established or (use_prior and prior is not None)
        if match.entity.type == "person" and not supported:
            # A lone surname no list confirms is read only for a person the document
            # names (the old fuzzy rule, and the bulk of the precision).
            return None
        country_named = self.country_named(match, start, end)
        if match.entity.type == "place" and not (established or country_named):
            return None  # see entity_evidence.place_support
        before, after = text[max(0, start - 60) : start], text[end : end + 40]
        evidence = [
            *intrinsic,
            ev.other_given_name(match, before),
            ev.role(match, before, after),
            ev.named_elsewhere(match, established, country_named),
            ev.place_support(match, established, country_named),
            ev.resolved_elsewhere(match.parts[-1].written, match.entity.id, prior)
            if use_prior
            else None,
            ev.confirmed_elsewhere(match.entity, self.anchors, start, end, before)
            if self.anchors
            else None,
        ]
        confidence, kept = ev.decide(evidence)
        if self.context.options.diacritics == "ascii":
            target = strip_diacritics(target)
        while end < len(text) and _ARABIC_MARK.match(text, end):
            end += 1  # a vowel mark after the name goes with it, as in an exact match
        mention = Mention(start, end, text[start:end], ())
        replacement = replacement_for(self.context, mention, match.entity, target)
        if replacement == mention.text:
            return None
        message = ev.message(mention.text, replacement, kept, confidence)
        return Proposal(
            start, end, replacement, confidence, message, match.entity, match.parts[-1].written
        )

    def written_in_full_by_alias(
        self, position: int, start: int, match: VariantMatch, target: str
    ) -> bool:
        """Whether the exact alias at ``position`` (the written surname), after the words
        before it, already writes the whole ``target`` of the same entity: then the alias
        decides ("Valery Grasimov" once Grasimov is listed), not a weaker reading of the
        whole name (it would be flagged below ``min_confidence``); not so for "Fayez
        Serraj", whose full name is Fayez al-Sarraj."""
        decided = self.covered.get(position)
        if decided is None or start >= decided.start or not match.entity.short:
            return False
        if match.entity.id not in {candidate.entity.id for candidate in decided.candidates}:
            return False
        return self.context.text[start : decided.start] + match.entity.short == target

    def left_to_exact_mention(self, position: int, start: int, match: VariantMatch) -> bool:
        """Whether the exact mention at ``position`` (the written surname) decides: a
        reading no wider than it, an exact name of something else read alone, or a
        spelling the editors listed as not to be rewritten."""
        decided = self.covered.get(position)
        if decided is not None and start >= decided.start:
            return True  # its alias decided it
        covering = self.named.get(position)
        if covering is None:
            return False
        if not (match.given and match.complete) and match.entity.id not in {
            c.entity.id for c in covering.candidates
        }:
            return True
        return covering.start <= start and _held_back(covering, match)

    def span(self, window, match: VariantMatch) -> tuple[int, int, str] | None:
        """Where the reading starts and ends in the text, and what to write there."""
        entity = match.entity
        if from_geonames(entity):
            # GeoNames' own name is often not the English one ("Nālūt", "Sitrah" for
            # Sitra): its places are read only through their listed names (exonyms).
            return None
        names = [token for token in window if token[2].lower() not in ARTICLES]
        written = sum(len(part.written.split()) for part in match.parts)
        if match.given and match.complete:
            first = names[-written]
            return first[0], window[-1][1], entity.canonical(match.alias.form)
        if entity.type == "place" and match.complete and written == 1:
            return window[-1][0], window[-1][1], entity.canonical(match.alias.form)
        if entity.type != "person" or not entity.short or " " in entity.short:
            return None
        alias_tokens = match.alias.text.replace("-", " ").split()
        if match.alias.form is not Form.SHORT and match.parts[-1].alias_token != alias_tokens[-1]:
            return None  # a lone given name is not the person
        first = names[-len(match.parts[-1].written.split())]
        return first[0], window[-1][1], entity.short

    def named_elsewhere(self, entity_id: str, start: int, end: int) -> bool:
        """Whether a mention outside ``start:end`` names the entity (or a correction
        of this run does): the mention's own recognised reading is no evidence."""
        if entity_id not in self.canon.established:
            return False
        if any(entity.id == entity_id for entity in self.canon.fuzzy_added):
            return True
        return _outside(self.spans()[0].get(entity_id, ()), start, end)

    def country_named(self, match: VariantMatch, start: int, end: int) -> bool:
        """Whether a mention outside ``start:end`` names the entity's country or
        something in it."""
        by_country, named = self.spans()[1], self.country_spans()
        return any(
            _outside(by_country.get(code, ()), start, end) or code in named
            for code in match.entity.context
        )

    def country_spans(self) -> CountrySpans:
        """Where the document names each country itself (built on first use)."""
        if self._country_spans is None:
            self._country_spans = CountrySpans(self.context.text, self.canon.mentions)
        return self._country_spans

    def spans(self) -> tuple[dict, dict]:
        """Where the exact mentions name each entity and each country (built once)."""
        if self._spans is None:
            by_entity: dict[str, list] = {}
            by_country: dict[str, list] = {}
            for mention in self.canon.mentions:
                span = (mention.start, mention.end)
                for candidate in mention.candidates:
                    by_entity.setdefault(candidate.entity.id, []).append(span)
                    for code in candidate.entity.context:
                        by_country.setdefault(code, []).append(span)
            self._spans = (by_entity, by_country)
        return self._spans

    def apply(self, proposal: Proposal) -> bool:
        context = self.context
        self._decided_from = min(self._decided_from, proposal.start)
        # The whole name supersedes what an exact alias inside it proposed ("al-Freij"
        # -> "Freij" inside "Fahad Jassem al-Freij").
        context.edits[:] = [
            edit
            for edit in context.edits
            if edit.end <= proposal.start or edit.start >= proposal.end
            or not edit.rule.startswith("entity.")
        ]  # fmt: skip
        if proposal.confidence >= 0.85:
            key = fold(proposal.surname)
            context.state.corrected_variants.setdefault(
                key, (proposal.entity, proposal.entity.short or proposal.entity.name)
            )
        if proposal.confidence >= context.options.min_confidence:
            self.canon.established.add(proposal.entity.id)
            self.canon.fuzzy_added.append(proposal.entity)
        context.edit(
            proposal.start,
            proposal.end,
            proposal.target,
            "entity.fuzzy_variant",
            proposal.message,
            confidence=proposal.confidence,
            entity=proposal.entity.as_ref(),
        )
        return True
