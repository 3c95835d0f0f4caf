"""Stage ``entity``: canonicalize mentions against the gazetteer.

Every rewrite states its evidence: a known alias (spelling, native script, calque or
acronym), or a fuzzy match backed by context (the given name matches, or the same
misspelling was corrected with that evidence earlier in the document).  An alias shared
by several entities never rewrites on its own, an acronym needs the entity to be named
first, and anything less certain than ``min_confidence`` is reported as a flag.
"""

from __future__ import annotations

import functools
from collections import Counter

import regex
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from gazetteer import Candidate, Entity, Form, Kind, Mention, Policy
from gazetteer.folding import fold, strip_diacritics
from normalizer.context import Context
from normalizer.script_data import NON_LATIN_LETTER
from normalizer.stages.language import foreign_paragraphs, foreign_quotes

_ARTICLE = regex.compile(r"^(?:[Aa]l|[Ee]l|[Aa][nrstdz]|[Aa]sh|[Aa]th|[Aa]dh)[-\s](?=\p{Lu})")
_ARTICLE_ANYWHERE = regex.compile(r"(?<![\p{L}])(?:Al|El|al|el)(?=[-\s]\p{Lu})")
_ARTICLE_WORDS = frozenset({"al", "el", "an", "ar", "as", "ash", "at", "ath", "ad", "adh", "az"})
# "to become Haftar's successor": the calque's words used in their own sense.
_LITERAL_BEFORE = regex.compile(
    r"\b(?:become|becomes|became|becoming|named|name|appoint|appointed|choose|chose|chosen|"
    r"as|possible|potential|likely|would-be|future)\s+(?:\p{L}+\s+)?$",
    regex.IGNORECASE,
)
# A native-script name given as a gloss: in brackets or quotes, or after "known as".
_GLOSS_BEFORE = regex.compile(r"(?:[(\[«“\"]|\b(?:as|called|named|reads?|means?)\s*:?)\s*$")
_PLACE_BEFORE = regex.compile(r"\b(?:city|town|village|port|capital) of\s+$")
_NAME_TOKEN = regex.compile(r"(?<![\p{L}\p{M}'’-])\p{Lu}[\p{Ll}\p{M}]{3,}(?![\p{L}\p{M}])")
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_ARTICLE_NAME = regex.compile(r"\b(?:Al|El|al|el)-(\p{Lu}\p{Ll}{2,})\b")
# A capitalised word this frequent in English (Zipf scale) is a word, not a misspelt
# name: 3.0 is about once per million words ("Hifter" and "Grasimov" are far below).
COMMON_WORD_ZIPF = 3.0
KNOWN_WORD_ZIPF = 1.5
# A one-word alias English uses at least once per 100 million words may mean
# something else ("Surt" 1.4, "Jafra" 1.1); "Hifter" and "Panzzer" (0) cannot.
AMBIGUOUS_ZIPF = 1.0

# (rule, confidence, evidence) for each kind of alias.
_KIND_RULES = {
    Kind.CANONICAL: ("entity.canonical_form", 0.97, "is {name} without its proper letters"),
    Kind.VARIANT: ("entity.alias", 0.95, "is a known spelling of {name}"),
    Kind.NATIVE: ("entity.native_alias", 0.9, "is {name} in its native script"),
    Kind.CALQUE: ("entity.calque", 0.9, "is a word-for-word translation of {name}"),
    Kind.ACRONYM: ("entity.acronym", 0.9, "stands for {name}, named earlier in the document"),
}
_POLICY_ORDER = {Policy.REWRITE: 0, Policy.CONTEXT: 1, Policy.ESTABLISHED: 2, Policy.RECOGNIZE: 3}


@functools.lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def _is_common_word(word: str) -> bool:
    return _zipf(word) >= COMMON_WORD_ZIPF


def _is_known_word(word: str) -> bool:
    """In use in English (Zipf >= 1.5): a real word or name, not a misspelling of one
    ("Conti" is a surname of its own, not a slip for Conte; "Grasimov" is unused)."""
    return _zipf(word) >= KNOWN_WORD_ZIPF


def _best(candidates: tuple[Candidate, ...]) -> Candidate:
    return min(
        candidates,
        key=lambda c: (
            _POLICY_ORDER[c.alias.policy],
            c.alias.replacement is None,
            c.alias.kind is not Kind.CANONICAL,
        ),
    )


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"“‘'«(")
    return not before or before[-1] in ".!?\n"


def _target(context: Context, entity: Entity, candidate: Candidate) -> str:
    target = candidate.alias.replacement or entity.canonical(candidate.alias.form)
    if context.options.diacritics == "ascii":
        target = strip_diacritics(target)
    return target


def _house_equivalent(written: str, target: str) -> bool:
    """Spellings that differ only in the case of an Arabic article or the apostrophe
    style are the author's house style, not an error: "al-Qaeda" vs "Al-Qaeda"."""

    def normal(text: str) -> str:
        return _ARTICLE_ANYWHERE.sub(lambda m: m.group().lower(), text.replace("’", "'"))

    if written.lower() == target.lower() and not written.isupper():
        return True  # only the case differs: "TAMu", "iRaq" are someone's style or brand
    return normal(written) == normal(target)


def _replacement(context: Context, mention: Mention, entity: Entity, target: str) -> str:
    """The text to write for ``mention``; equal to the mention when nothing changes."""
    written = mention.text
    if _house_equivalent(written, target):
        return written
    article = _ARTICLE.match(written)
    if article and entity.type == "place" and not _ARTICLE.match(target):
        # Arabic place names keep their article: "Al-Jafra" -> "al-Jufra".
        if written[article.end() :] == target:
            return written
        prefix = "Al-" if _sentence_start(context.text, mention.start) else "al-"
        return prefix + target
    letters = [char for char in written if char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters) and not target.isupper():
        return written  # all capitals: a headline or an acronym ("SIRT"), not a spelling
    return target


def _isolated_in_latin(text: str, start: int, end: int) -> bool:
    """True when the nearest words on both sides are Latin (a name dropped into English)."""
    before = _WORD.findall(text[max(0, start - 40) : start])
    after = _WORD.findall(text[end : end + 40])
    neighbours = before[-1:] + after[:1]
    return bool(neighbours) and not any(NON_LATIN_LETTER.search(word) for word in neighbours)


def _context_counts(mentions: list[Mention]) -> Counter:
    """How many mentions point to each context code (country)."""
    counts: Counter = Counter()
    for mention in mentions:
        # A shared name ("Tripoli": Libya or Lebanon) points to each of its countries.
        counts.update(
            {code for candidate in mention.candidates for code in candidate.entity.context}
        )
    return counts


class _Canonicalizer:
    """One pass of the stage over one document."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.established: set[str] = set()

    def run(self) -> None:
        mentions = self.context.gazetteer.matcher.find(self.context.text)
        self.context_counts = _context_counts(mentions)
        self.foreign = foreign_paragraphs(self.context.text) + foreign_quotes(self.context.text)
        for mention in mentions:
            self.mention(mention)
        self.fuzzy(mentions)
        self.flag_unknown_variants(mentions)
        self.context.unsettled = self.unsettled()

    def unsettled(self) -> bool:
        """Whether this run's own edits could change what a second run decides.

        The evidence a run uses is document-wide: which entities and countries the
        mentions point to, and which paragraphs are in another language.  A rewrite keeps
        its entity, so these stay — unless the new spelling is itself a shared name
        ("Pekin": a town in Illinois, and Beijing) or tips a paragraph's language.
        """
        edits = self.context.edits
        if not edits:
            return False
        matcher = self.context.gazetteer.matcher
        for edit in edits:
            if edit.entity is None:
                return True
            for found in matcher.find(edit.replacement):
                if any(c.entity.id != edit.entity["id"] for c in found.candidates):
                    return True
        text = self.context.text
        pieces, position = [], 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            pieces += [text[position : edit.start], edit.replacement]
            position = max(position, edit.end)
        after = "".join(pieces) + text[position:]
        foreign_after = foreign_paragraphs(after) + foreign_quotes(after)
        return len(foreign_after) != len(self.foreign)

    def mention(self, mention: Mention) -> None:
        entity = mention.entity
        if entity is not None and len(mention.candidates) == 1:
            candidate = mention.candidates[0]
            if (
                candidate.alias.policy is Policy.REWRITE
                and _target(self.context, entity, candidate) == mention.text
            ):
                # Already canonical (most mentions): it establishes the entity, no more.
                self.flag_type_mismatch(mention, entity)
                self.established.add(entity.id)
                return
        if entity is None:
            entity = self.disambiguate(mention)
            if entity is None:
                return
        candidates = tuple(c for c in mention.candidates if c.entity.id == entity.id)
        candidate = _best(candidates)
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
        if policy is Policy.ESTABLISHED and entity.id not in self.established:
            self.context.flag(
                mention.start,
                mention.end,
                "entity.not_established",
                f"{mention.text!r} may stand for {entity.name}, which the document has not "
                "named before it; not rewritten",
                entity=entity.as_ref(),
            )
            return
        self.established.add(entity.id)
        if any(start <= mention.start < end for start, end in self.foreign):
            return  # a paragraph in another language keeps its own spelling
        self.rewrite(mention, entity, candidate, was_established)

    def doubt(self, mention: Mention, entity: Entity, alias, was_established: bool) -> str:
        """Why a rewrite lacks support in this document, or "" when it has it.

        Some aliases could mean something else: a one-word alias that English uses on its
        own ("Surt" the fire giant, Jafra Cosmetics, Bahrain's Al-Wefaq: Zipf >=
        :data:`AMBIGUOUS_ZIPF`), a calque (made of ordinary words), and a surname that
        differs only in diacritics ("Kalin Lucas" is not İbrahim Kalın).  These need
        support: the entity named before, or another mention pointing to its country.
        """
        key = fold(" ".join(alias.text.split())).strip()
        tokens = _WORD.findall(key)
        core = tokens[1] if len(tokens) == 2 and tokens[0] in _ARTICLE_WORDS else key
        # "Haftar's successor" carries the surname itself: it is its own evidence.
        own_name = (
            set(fold(entity.short).split()) if entity.type == "person" and entity.short else set()
        )
        needs_support = (
            alias.policy is Policy.CONTEXT
            or (alias.kind is Kind.CANONICAL and alias.form is Form.SHORT)
            or (" " not in core and _zipf(core) >= AMBIGUOUS_ZIPF)
            or (alias.kind is Kind.CALQUE and not own_name & set(tokens))
        )
        if not needs_support or was_established:
            return ""
        if any(self.context_counts[code] > 1 for code in entity.context):
            return ""
        where = ", ".join(entity.context) or "it"
        return f"nothing else in the document points to {where}"

    def disambiguate(self, mention: Mention) -> Entity | None:
        """A shared alias: choose the one entity already named in the document, if any."""
        entities = {c.entity.id: c.entity for c in mention.candidates}
        named = [entity for entity_id, entity in entities.items() if entity_id in self.established]
        if len(named) == 1:
            return named[0]
        rewriting = [
            c
            for c in mention.candidates
            if c.alias.policy is not Policy.RECOGNIZE
            and _replacement(self.context, mention, c.entity, _target(self.context, c.entity, c))
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
        self, mention: Mention, entity: Entity, candidate: Candidate, was_established: bool
    ) -> None:
        target = _target(self.context, entity, candidate)
        if target == mention.text:
            return  # already canonical: the common case
        replacement = _replacement(self.context, mention, entity, target)
        if replacement == mention.text:
            return
        kind = candidate.alias.kind
        before = self.context.text[max(0, mention.start - 40) : mention.start]
        if kind is Kind.NATIVE and (
            not _isolated_in_latin(self.context.text, mention.start, mention.end)
            or _GLOSS_BEFORE.search(before)
        ):
            return  # foreign-language text, or a name glossed in its own script, stays
        if kind is Kind.CALQUE and _LITERAL_BEFORE.search(before):
            return  # "to become Haftar's successor": the words mean what they say
        rule, confidence, evidence = _KIND_RULES[kind]
        if mention.entity is None:
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
        if entity.type == "person" and _PLACE_BEFORE.search(
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

    def fuzzy(self, mentions: list[Mention]) -> None:
        text = self.context.text
        covered = [(m.start, m.end) for m in mentions]
        candidates: list[tuple[int, int, str]] = []
        index = 0
        for match in _NAME_TOKEN.finditer(text):
            while index < len(covered) and covered[index][1] <= match.start():
                index += 1
            if index < len(covered) and covered[index][0] < match.end():
                continue
            token = match.group()
            if not token.isascii() or _is_known_word(token):
                continue
            candidates.append((match.start(), match.end(), token))
        # Two rounds, so that the order of the text does not matter (and one run of the
        # stage is a fixed point): corrections with their own evidence first, then the
        # same misspellings elsewhere in the document.
        pending = [c for c in candidates if not self.fuzzy_token(*c, use_prior=False)]
        for start, end, token in pending:
            self.fuzzy_token(start, end, token, use_prior=True)

    def fuzzy_token(self, start: int, end: int, token: str, *, use_prior: bool) -> bool:
        """Propose a fuzzy correction of one token; True when it proposed anything."""
        matcher = self.context.gazetteer.matcher
        matches = matcher.fuzzy(token, max_distance=1 if len(token) < 8 else 2)
        if not matches:
            return False
        text = self.context.text
        words = [(m.start(), m.group()) for m in _WORD.finditer(text[max(0, start - 80) : start])]
        offset = max(0, start - 80)
        proposals: dict[str, tuple] = {}
        for match in matches:
            given = match.given
            span_end = self._following_end(end, match.following)
            if span_end is None:
                continue
            if (
                given
                and len(words) >= len(given)
                and all(
                    fold(word) == fold(name) for (_, word), name in zip(words[-len(given) :], given)
                )
            ):
                span_start = offset + words[-len(given)][0]
                evidence = (
                    f"{token!r} is {match.distance} edit(s) from {match.token!r} and the given "
                    f"name {' '.join(given)!r} matches {match.entity.name}"
                )
                target = _target(self.context, match.entity, Candidate(match.entity, match.alias))
                proposals.setdefault(
                    match.entity.id, (span_start, span_end, target, evidence, 0.9, match)
                )
            elif match.alias.form is Form.SHORT and match.entity.id in self.established:
                evidence = (
                    f"{token!r} is {match.distance} edit(s) from {match.token!r}, the surname of "
                    f"{match.entity.name}, who is named elsewhere in the document"
                )
                target = _target(self.context, match.entity, Candidate(match.entity, match.alias))
                proposals.setdefault(
                    match.entity.id, (start, span_end, target, evidence, 0.75, match)
                )
        prior = self.context.state.corrected_variants.get(fold(token)) if use_prior else None
        if not proposals and prior is not None:
            entity_ref, target = prior
            proposals[entity_ref["id"]] = (
                start,
                end,
                target,
                f"{token!r} was corrected to {target} elsewhere in this document, where the "
                "given name matched",
                0.85,
                None,
            )
        if len(proposals) != 1:
            if len(proposals) > 1:
                names = ", ".join(sorted(p[5].entity.name for p in proposals.values() if p[5]))
                self.context.flag(
                    start, end, "entity.ambiguous", f"{token!r} is close to several names: {names}"
                )
            return bool(proposals)
        entity_id, (span_start, span_end, target, evidence, confidence, match) = next(
            iter(proposals.items())
        )
        entity_ref = match.entity.as_ref() if match else prior[0]
        if confidence >= 0.9 and match is not None:
            short = match.entity.short or match.token
            if self.context.options.diacritics == "ascii":
                short = strip_diacritics(short)
            self.context.state.corrected_variants[fold(token)] = (entity_ref, short)
        self.established.add(entity_id)
        self.context.edit(
            span_start,
            span_end,
            target,
            "entity.fuzzy_variant",
            evidence,
            confidence=confidence,
            entity=entity_ref,
        )
        return True

    def _following_end(self, end: int, following: tuple[str, ...]) -> int | None:
        """Where the text's tokens after a fuzzy token end, if they match ``following``."""
        if not following:
            return end
        text = self.context.text
        after = list(_WORD.finditer(text, end, min(len(text), end + 80)))
        if len(after) < len(following):
            return None
        for match, name in zip(after, following):
            if fold(match.group()) != fold(name):
                return None
        return after[len(following) - 1].end()

    def flag_unknown_variants(self, mentions: list[Mention]) -> None:
        """Two spellings of one unknown name ("Al-Zoui", "Al-Zawi") in one document."""
        seen: dict[str, tuple[int, int, str]] = {}
        for match in _ARTICLE_NAME.finditer(self.context.text):
            name = match.group(1)
            key = fold(name)
            if self.context.gazetteer.matcher.lookup(match.group()) or _is_common_word(name):
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
