"""The transliteration keys of the compiled index: built once from the aliases.

Every spelling of a curated person or place is kept under the key of each of its name
parts (:func:`gazetteer.translit.name_key`, read as English), and under the key of two
adjacent parts written as one ("Abdelfattah" for "Abdel Fattah"); every key is also
listed under its consonant key, sorted by length.  GeoNames places are left out: their
own names are not English titles, and their alternate names are matched exactly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from gazetteer.schema import Alias, Entity, Kind
from gazetteer.translit import consonant_key, name_key, spelled

#: Arabic article forms as words ("Al-Jufra", "at-Thani"): the one list the project uses
#: (``gazetteer.index`` exports it too).
ARTICLE_TOKENS = frozenset({"al", "el", "an", "ar", "as", "ash", "at", "ath", "ad", "adh", "az"})
_PLAIN_NAME = re.compile(r"[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*")
#: Entity types whose names are matched by transliteration key.
VARIANT_TYPES = frozenset({"person", "place"})


def name_parts(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, written token) of an alias's name parts: letters only, Arabic
    articles left out ("al-Sarraj" is matched as "Sarraj").

    >>> name_parts(["Fayez", "al", "Sarraj"])
    [(0, 'Fayez'), (2, 'Sarraj')]
    """
    return [
        (position, token)
        for position, token in enumerate(tokens)
        if token.isalpha() and token.lower() not in ARTICLE_TOKENS
    ]


def _indexed(alias: Alias, entity: Entity, pattern: str) -> bool:
    if alias.kind in (Kind.CALQUE, Kind.ACRONYM, Kind.NATIVE):
        return False
    if entity.type not in VARIANT_TYPES or entity.source.startswith("GeoNames"):
        return False  # GeoNames' own names are never a variant's target
    return bool(_PLAIN_NAME.fullmatch(pattern))  # "South Horizons (Estate)": a qualifier


def build_variant_keys(records: Iterable[tuple[int, Alias, Entity, str, list[str]]]):
    """``(keys, consonant_keys)`` from ``(record id, alias, entity, pattern, written
    tokens)`` of every alias: key -> ((record id, part position, parts spanned), ...),
    and consonant key -> keys sorted by length (a lookup compares only keys of a length
    within its allowance)."""
    variant_keys, _ = variant_entries(records)
    return variant_keys, consonant_keys_of(variant_keys)


def variant_entries(records: Iterable[tuple[int, Alias, Entity, str, list[str]]]):
    """The first half of :func:`build_variant_keys` (the keys of one compiled layer),
    and how many aliases were indexed."""
    keys: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    indexed = 0
    for record_id, alias, entity, pattern, tokens in records:
        if not _indexed(alias, entity, pattern):
            continue
        indexed += 1
        parts = name_parts(tokens)
        for index, (position, token) in enumerate(parts):
            keys[name_key(spelled(token))].append((record_id, position, 1))
            if index + 1 < len(parts) and parts[index + 1][0] == position + 1:
                joined = token + parts[index + 1][1]
                keys[name_key(spelled(joined))].append((record_id, position, 2))
    return {key: tuple(entries) for key, entries in keys.items() if key}, indexed


def merge_variant_keys(layers: Iterable[dict[str, tuple]]) -> dict[str, tuple]:
    """The keys of several layers as one: entries of a key kept in layer order."""
    merged: dict[str, tuple] = {}
    for keys in layers:
        if not merged:
            merged = dict(keys)
            continue
        for key, entries in keys.items():
            earlier = merged.get(key)
            merged[key] = entries if earlier is None else earlier + entries
    return merged


def consonant_keys_of(variant_keys: dict[str, tuple]) -> dict[str, tuple[str, ...]]:
    """Consonant key -> the keys under it, sorted by length."""
    coarse: dict[str, set[str]] = defaultdict(set)
    for key in variant_keys:
        coarse[consonant_key(key)].add(key)
    return {key: tuple(sorted(found, key=lambda k: (len(k), k))) for key, found in coarse.items()}
