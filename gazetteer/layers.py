"""Compiled layers: each source file compiled on its own, cached under its own bytes.

A layer holds one file's share of the compiled index: its entities (as plain rows), its
alias records, the keys the automaton matches, its canonical name tokens and its
transliteration keys.  Record and entity numbers are global: a layer is compiled for the
place it takes in a list of files (the records and entities of the files before it), and
that place is part of its cache key, with the file's name and bytes.  The default files
always come first, so their layers are compiled once and reused whatever custom file is
added after them; adding a custom file compiles that file alone (see
:class:`gazetteer.index.CompiledIndex`).

Beside each layer, its *claims* (who claims which alias key, and whether only to
recognise it) let the checks across files run over a combination without reading the
files again (:mod:`gazetteer.claims`).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from gazetteer.claims import Claim, Claims, add_claim
from gazetteer.folding import fold_key, fold_lines, word_spaced
from gazetteer.loader import SourceFile
from gazetteer.schema import Entity, Kind, Policy, entity_from_row
from gazetteer.variant_keys import VARIANT_TYPES, variant_entries

# The shortest token worth a fuzzy lookup: below 4 letters one edit is a different word.
MIN_FUZZY_LENGTH = 4
_CANONICAL_KIND, _CANONICAL = Kind.CANONICAL, Kind.CANONICAL._value_
_RECOGNIZE_POLICY, _RECOGNIZE = Policy.RECOGNIZE, Policy.RECOGNIZE._value_


@dataclass(slots=True)
class Layer:
    """One source file compiled: see the module's docstring."""

    source: SourceFile  # entities as rows (``rows``); ``source.entities`` is empty
    rows: tuple[tuple, ...]
    entity_offset: int
    record_offset: int
    record_entity: array  # global entity number of each record
    record_alias: array  # the alias's position in its entity
    #: padded, word-spaced key -> (key length, global record ids); None when cached
    #: under a shared automaton that holds them (see ``gazetteer.assemble``).
    keyed: dict[str, tuple[int, tuple[int, ...]]] | None
    canonical_tokens: list[tuple[str, str, int]]  # sorted (folded, written, entity)
    variant_keys: dict[str, tuple[tuple[int, int, int], ...]]

    def __len__(self) -> int:
        return len(self.record_entity)


def layer_digest(name: str, data: bytes, entity_offset: int, record_offset: int, version: int):
    """The cache key of a layer: the file's name and very bytes, and its place."""
    digest = hashlib.sha256(f"layer-v{version}:{entity_offset}:{record_offset}:".encode())
    digest.update(name.encode())
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()[:24]


def _batched(function, texts: list[str]) -> list[str]:
    """``[function(text) for text in texts]`` in one call, for a length-preserving
    function that maps each character on its own (``fold``, ``word_spaced``): the texts
    joined by newlines (which both keep, and at which ``fold``'s stretches of
    non-ASCII letters end), the result cut at the same places.  One call over a whole
    file is several times faster than 10^5 calls."""
    done = function("\n".join(texts))
    found, start = [], 0
    for text in texts:
        stop = start + len(text)
        found.append(done[start:stop])
        start = stop + 1
    return found


class _Compiler:
    """Records, keys, tokens and claims of a list of aliases, compiled together."""

    def __init__(self, record_offset: int) -> None:
        self.record_offset = record_offset
        self.record_entity = array("I")
        self.record_alias = array("H")
        #: Padded, word-spaced key -> record ids.  Padded with spaces, and searched in
        #: padded text whose non-word characters are spaces: every hit is a whole-word
        #: hit, with no per-hit boundary test.  Keys that space alike share an entry.
        self.keyed: dict[str, list[int]] = {}
        self.tokens: set[tuple[str, str, int]] = set()
        self.variants: list = []
        self.claims: dict[str, Claim] = {}  # see gazetteer.claims

    def run(self, aliases: list[tuple]) -> None:
        """Compile ``(entity number, entity id, alias position, text, whether the alias
        only recognises, whether it is canonical, (alias, entity) when its entity takes
        transliteration keys or None)``."""
        texts = [alias[3] for alias in aliases]
        patterns = [" ".join(text.split()) for text in texts]
        keys = [" ".join(folded.split()) for folded in _batched(fold_lines, patterns)]
        spaced_keys = _batched(word_spaced, keys)
        claims, record_entity, record_alias = self.claims, self.record_entity, self.record_alias
        get_claim = claims.get
        keyed = self.keyed
        record_id = self.record_offset
        for (
            number,
            entity_id,
            position,
            text,
            recognize,
            canonical,
            variant,
        ), pattern, key, spaced in zip(aliases, patterns, keys, spaced_keys):
            claim = key if pattern == text else fold_key(text)
            if get_claim(claim) is None:  # the first claim of a key (most keys have one)
                claims[claim] = (number, recognize, entity_id, () if recognize else (entity_id,))
            else:
                add_claim(claims, claim, number, recognize, entity_id)
            if len(key) != len(pattern) or not key or spaced[0] == " " or spaced[-1] == " ":
                # Folding changed the length; or "'Iraq", "Tandil'": punctuation at an
                # edge would match any comma or quote beside the name ("Bagdad, Iraq"
                # read as a town in Iran).
                continue
            padded = f" {spaced} "
            found = keyed.get(padded)
            if found is None:
                keyed[padded] = [record_id]
            else:
                found.append(record_id)
            record_entity.append(number)
            record_alias.append(position)
            if canonical or variant is not None:
                self._tokens(record_id, number, key, pattern, canonical, variant)
            record_id += 1

    def _tokens(self, record_id, number, key, pattern, canonical, variant) -> None:
        tokens = _written_tokens(key, pattern)
        if canonical:
            for key_token, written in zip(key.split(" "), tokens):
                if len(key_token) >= MIN_FUZZY_LENGTH:
                    self.tokens.add((key_token, written, number))
        if variant is not None:
            alias, entity = variant
            self.variants.append((record_id, alias, entity, pattern, tokens))

    def keyed_records(self) -> dict[str, tuple[int, tuple[int, ...]]]:
        """Padded key -> (key length, record ids in order)."""
        return {padded: (len(padded) - 2, tuple(ids)) for padded, ids in self.keyed.items()}


def _written_tokens(key: str, pattern: str) -> list[str]:
    tokens, start = [], 0
    for token in key.split(" "):
        tokens.append(pattern[start : start + len(token)])
        start += len(token) + 1
    return tokens


def _takes_variants(entity_type: str, source: str) -> bool:
    return entity_type in VARIANT_TYPES and not source.startswith("GeoNames")


def compile_layer(
    source: SourceFile, rows: tuple[tuple, ...], entity_offset: int, record_offset: int
) -> tuple[Layer, Claims]:
    """Compile one parsed file (its entities as ``rows``, see ``gazetteer.plain``) for
    its place (the entities and records before it)."""
    compiler = _Compiler(record_offset)
    aliases: list[tuple] = []
    for number, row in enumerate(rows, start=entity_offset):
        entity_id = row[0]
        if _takes_variants(row[2], row[7]):  # the curated people and places only
            entity = entity_from_row(row)
            aliases += [
                (number, entity_id, position, alias.text, alias.policy is _RECOGNIZE_POLICY,
                 alias.kind is _CANONICAL_KIND, (alias, entity))
                for position, alias in enumerate(entity.aliases)
            ]  # fmt: skip
        else:
            aliases += [
                (number, entity_id, position, text, policy == _RECOGNIZE, kind == _CANONICAL,
                 None)
                for position, (text, _, policy, kind, _, _) in enumerate(row[4])
            ]  # fmt: skip
    compiler.run(aliases)
    claims = Claims(compiler.claims, tuple(row[0] for row in rows))
    return _layer(compiler, source, rows, entity_offset, record_offset), claims


def compile_additions(
    additions: Iterable[tuple[int, Entity, int]], record_offset: int
) -> tuple[Layer, Claims]:
    """The records of aliases that ``alias_of`` lines added: ``(entity number, merged
    entity, how many aliases it had before)`` each; the layer and its claims."""
    compiler = _Compiler(record_offset)
    aliases = []
    for number, entity, before in additions:
        variants = _takes_variants(entity.type, entity.source)
        for position in range(before, len(entity.aliases)):
            alias = entity.aliases[position]
            aliases.append((
                number, entity.id, position, alias.text, alias.policy is _RECOGNIZE_POLICY,
                alias.kind is _CANONICAL_KIND, (alias, entity) if variants else None,
            ))  # fmt: skip
    compiler.run(aliases)
    ids = tuple({alias[1]: None for alias in aliases})
    source = SourceFile("(alias_of)", {}, ())
    return _layer(compiler, source, (), 0, record_offset), Claims(compiler.claims, ids)


def _layer(compiler: _Compiler, source, rows, entity_offset, record_offset) -> Layer:
    keyed = compiler.keyed_records()
    variant_keys, _ = variant_entries(compiler.variants)
    return Layer(
        SourceFile(source.path, source.header, (), source.additions), rows, entity_offset,
        record_offset, compiler.record_entity, compiler.record_alias, keyed,
        sorted(compiler.tokens), variant_keys,
    )  # fmt: skip


def build_automaton(items: Iterable[tuple[str, tuple[int, tuple[int, ...]]]]):
    """An Aho-Corasick automaton over padded keys, each with (length, record ids)."""
    automaton = ahocorasick.Automaton()
    add_word = automaton.add_word
    for padded, value in items:
        add_word(padded, value)
    automaton.make_automaton()
    return automaton
