"""Finding mentions of gazetteer entities in text, with spans and evidence.

:meth:`Matcher.find` returns exact mentions (leftmost-longest, on Unicode word
boundaries, with the capitalisation the alias asks for), :meth:`Matcher.complete`
rebuilds a name from fragments that survived around foreign letters, and
:meth:`Matcher.resolve` reads a name the aliases do not list by its transliteration key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from gazetteer.folding import fold, match_text
from gazetteer.index import (
    AliasRecord,
    CompiledIndex,
)
from gazetteer.schema import Alias, Entity
from gazetteer.variants import VariantMatch, resolve, token_hits


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of a mention: which entity, through which alias."""

    entity: Entity
    alias: Alias


class Mention(NamedTuple):
    """A span of text that names one or more gazetteer entities.

    A named tuple rather than a frozen dataclass: an article has ~100 of them per run,
    and a tuple is made five times faster.
    """

    start: int
    end: int
    text: str
    candidates: tuple[Candidate, ...]

    @property
    def entity(self) -> Entity | None:
        """The single entity meant, or None when the alias is shared by several."""
        candidates = self.candidates
        if not candidates:
            return None
        first = candidates[0].entity
        if len(candidates) == 1:
            return first  # most mentions: no set to build
        return first if all(c.entity.id == first.id for c in candidates) else None


# Arabic harakat (vowel marks, shadda, sukun), superscript alef, Quranic marks, tatweel.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


_NAMED_CACHE_SIZE = 16384  # at most a few MB per worker
_KEPT_CACHE_SIZE = 32768  # at most a few MB per worker
_RESOLVED_CACHE_SIZE = 16384


# Builds a Mention from its four fields without the named tuple's Python-level __new__.
_new_tuple = tuple.__new__


class Matcher:
    """Matches text against a compiled index; cheap to create, safe to share."""

    def __init__(self, index: CompiledIndex) -> None:
        self.index = index
        # Candidates are immutable: built once per set of records, kept for the process.
        self._candidate_cache: dict[tuple[int, ...], tuple[Candidate, ...]] = {}
        self._named_cache: dict[str, frozenset[str]] = {}
        self._kept_cache: dict[tuple[str, tuple[int, ...]], tuple[int, ...]] = {}
        self._resolved: dict[str, tuple[VariantMatch, ...]] = {}
        self._spells: dict[str, bool] = {}

    def find(self, text: str) -> list[Mention]:
        """Exact mentions in ``text``, leftmost-longest, non-overlapping, in order.

        Matching is case- and accent-insensitive (``fold``), but a capitalised alias
        token must be capitalised in the text, so "sirt" in running text is no match.
        Arabic vowel marks and tatweel are ignored (``حَفْتَر`` is ``حفتر``).

        >>> from gazetteer import load_default
        >>> [m.text for m in load_default().matcher.find("Officials said حَفْتَر left")]
        ['حَفْتَر']
        """
        if not _ARABIC_MARKS.search(text):
            return self._find(text)
        # Folding keeps lengths, so marks cannot be folded away: match the text without
        # them and map the spans back (extending over marks that end a word).
        kept = [index for index, char in enumerate(text) if not _ARABIC_MARKS.match(char)]
        mentions = []
        for mention in self._find("".join(text[index] for index in kept)):
            start, end = kept[mention.start], kept[mention.end - 1] + 1
            while end < len(text) and _ARABIC_MARKS.match(text[end]):
                end += 1
            mentions.append(Mention(start, end, text[start:end], mention.candidates))
        return mentions

    def entities_named(self, text: str) -> frozenset[str]:
        """The ids of every entity that some mention in ``text`` may name; cached, for
        short texts such as the canonical names a rewrite writes.

        >>> from gazetteer import load_default
        >>> sorted(load_default().matcher.entities_named("Khalifa Haftar"))
        ['khalifa_haftar']
        """
        found = self._named_cache.get(text)
        if found is None:
            found = frozenset(c.entity.id for m in self.find(text) for c in m.candidates)
            if len(self._named_cache) >= _NAMED_CACHE_SIZE:
                self._named_cache.clear()
            self._named_cache[text] = found
        return found

    def _find(self, text: str) -> list[Mention]:
        padded = f" {match_text(text)} "
        hits: list[tuple[int, int, str, tuple[int, ...]]] = []
        # Names recur within and across articles ("Haftar", "Libya"): each spelling's
        # capitals are checked against its records once per process, not per hit.
        kept_for = self._kept_cache
        if len(kept_for) >= _KEPT_CACHE_SIZE:
            kept_for.clear()
        record = self.index.record
        for automaton in self.index.automata:
            for end_index, (length, record_ids) in automaton.iter(padded):
                start = end_index - length - 1  # the pad and the leading space cancel out
                written = text[start : start + length]
                kept = kept_for.get((written, record_ids))
                if kept is None:
                    at = written.__getitem__
                    kept = tuple(
                        record_id
                        for record_id in record_ids
                        if all(map(str.isupper, map(at, record(record_id).capitals)))
                    )
                    kept_for[written, record_ids] = kept
                if kept:
                    # Sorted as tuples: leftmost first, then longest (one hit per span).
                    hits.append((start, -length, written, kept))
        hits.sort()
        if len(self.index.automata) > 1:
            hits = self._joined(hits)
        mentions: list[Mention] = []
        last_end = 0
        candidates = self._candidates
        for start, negative_length, written, record_ids in hits:
            if start >= last_end:
                last_end = start - negative_length
                found = (start, last_end, written, candidates(record_ids))
                mentions.append(_new_tuple(Mention, found))
        return mentions

    def _joined(self, hits: list) -> list:
        """Sorted hits with the records of one span (found by several layers' automata)
        joined into one hit, in entity order."""
        joined = hits[:1]
        for hit in hits[1:]:
            last = joined[-1]
            if hit[0] == last[0] and hit[1] == last[1]:
                joined[-1] = (*last[:3], self.index.order(last[3] + hit[3]))
            else:
                joined.append(hit)
        return joined

    def _candidates(self, record_ids: tuple[int, ...]) -> tuple[Candidate, ...]:
        found = self._candidate_cache.get(record_ids)
        if found is None:
            records: list[AliasRecord] = [self.index.record(i) for i in record_ids]
            found = tuple(Candidate(self.index.entities[r.entity], r.alias) for r in records)
            self._candidate_cache[record_ids] = found
        return found

    def lookup(self, name: str) -> list[Candidate]:
        """Every reading of ``name`` as a whole alias (case- and accent-insensitive)."""
        return list(self._candidates(self.index.record_ids(" ".join(fold(name).split()))))

    def resolve(self, name: str) -> list[VariantMatch]:
        """Readings of the Latin ``name`` as a person's or place's alias by
        transliteration key, best first, each with its evidence: which alias, how each
        written part relates to the alias part (``Relation.cost`` 0 is the same key),
        whether the given names matched (``given``) and every alias part was matched
        (``complete``).  Cached; a miss costs a few dictionary lookups.

        For a caller that has a Latin string and wants the entity it may spell (the
        script stage's transliterated words, for one), with its own evidence to weigh.

        >>> from gazetteer import load_default
        >>> match = load_default().matcher.resolve("Sergey Naryschkin")[0]
        >>> match.entity.name, match.given, match.complete, match.parts[-1].cost
        ('Sergey Naryshkin', True, True, 0.0)
        """
        found = self._resolved.get(name)
        if found is None:
            found = tuple(resolve(self.index, name))
            if len(self._resolved) >= _RESOLVED_CACHE_SIZE:
                self._resolved.clear()
            self._resolved[name] = found
        return list(found)

    def may_spell(self, token: str) -> bool:
        """Whether ``token`` may spell some alias part by transliteration key (a cheap,
        cached first test before :meth:`resolve`)."""
        found = self._spells.get(token)
        if found is None:
            if len(self._spells) >= _RESOLVED_CACHE_SIZE:
                self._spells.clear()
            found = self._spells[token] = bool(token_hits(self.index, token))
        return found

    def complete(self, prefix: str, suffix: str, *, max_gap: int) -> list[tuple[str, Entity]]:
        """Canonical name tokens that start with ``prefix`` and end with ``suffix``.

        The letters between (1 to ``max_gap`` of them) are the ones the damage replaced.

        >>> from gazetteer import load_default
        >>> [token for token, _ in load_default().matcher.complete("Çavuşo", "lu", max_gap=3)]
        ['Çavuşoğlu']
        """
        folded_prefix, folded_suffix = fold(prefix), fold(suffix)
        found: dict[str, Entity] = {}
        for key_token, written, entity_index in self.index.tokens_with_prefix(folded_prefix):
            gap = len(key_token) - len(folded_prefix) - len(folded_suffix)
            if 1 <= gap <= max_gap and key_token.endswith(folded_suffix):
                found.setdefault(written, self.index.entities[entity_index])
        return sorted(found.items(), key=lambda item: item[0])
