"""Names the gazetteer has never seen spelled that way, found by transliteration key.

:func:`token_hits` reads one written token by every convention (see
:mod:`gazetteer.translit`), looks its keys up in the compiled index (then its consonant
keys, for what the first misses) and keeps the alias tokens whose keys are within the
length-scaled allowance: a few dictionary lookups, never a scan.  :func:`resolve` matches
a whole Latin name ("Sergey Naryschkin", "Naryshkin") against the aliases those tokens
point to, part by part, and returns each reading with its evidence.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from gazetteer.index import CompiledIndex, written_tokens
from gazetteer.schema import Alias, Entity
from gazetteer.translit import allowance, consonant_key, distance, query_keys
from gazetteer.variant_keys import ARTICLE_TOKENS, name_parts

#: The article as a written name may spell it: the aliases' forms, and Turkish spellings
#: of the assimilated article (es-Sisi, eş-Şara, et-Tayyib, ed-Dibeybe, en-Nahyan).
ARTICLES = ARTICLE_TOKENS | {"es", "eş", "et", "ed", "ez", "er", "en"}

MAX_HITS = 64


class TokenHit(NamedTuple):
    """One alias part that a written token may spell."""

    record_id: int
    position: int  # where the part stands in the alias's written tokens
    width: int  # 2 when the token spells two parts written as one ("Abdelfattah")
    cost: float  # weighted edits between the keys (0: the same key)


class Relation(NamedTuple):
    """How one written token relates to the alias part it was matched with."""

    written: str
    alias_token: str
    cost: float  # 0.0: the same transliteration key


class VariantMatch(NamedTuple):
    """A reading of a name as an entity's alias, with the evidence of its spelling.

    ``parts`` has one :class:`Relation` per name part matched, in order; ``given``
    tells whether parts before the surname (given names) matched too, and
    ``complete`` whether every part of the alias was matched.
    """

    entity: Entity
    alias: Alias
    record_id: int
    parts: tuple[Relation, ...]
    cost: float
    given: bool
    complete: bool


def token_hits(index: CompiledIndex, token: str) -> list[TokenHit]:
    """Alias parts that ``token`` may spell, cheapest first (empty for a miss).

    A key equal to the token's under some convention costs 0; one found through the
    consonant key costs its weighted edits, and is kept only within the allowance
    for its length (none for keys of four letters or fewer).
    """
    keys = query_keys(token)
    letters = sum(char.isalpha() for char in token)
    found: dict[tuple[int, int, int], float] = {}
    for key in keys:
        for entry in index.variant_keys.get(key, ()):
            found[entry] = 0.0
    for key in keys:
        block = index.consonant_keys.get(consonant_key(key), ())
        if not block:
            continue
        low = bisect.bisect_left(block, len(key) - 2, key=len)
        high = bisect.bisect_right(block, len(key) + 2, key=len)
        for other in block[low:high]:
            if other in keys:
                continue
            cost = distance(key, other)
            if cost > allowance(min(letters, len(other) + 1)):
                continue
            for entry in index.variant_keys.get(other, ()):
                if cost < found.get(entry, 99.0):
                    found[entry] = cost
    hits = [TokenHit(*entry, cost) for entry, cost in found.items()]
    # Ties go to the record first in entity order (the record id, unless ``alias_of``
    # lines added aliases: see CompiledIndex.rank).
    rank = index.rank if index.ranked else int
    hits.sort(key=lambda hit: (hit.cost, rank(hit.record_id), hit.position))
    # A token a hundred aliases could spell is read by none of them with a lead (the
    # decision would call it ambiguous): the cheapest few are enough, and they bound
    # the work in a gazetteer of a million names.
    return hits[:MAX_HITS]


def part_cost(written: str, alias_token: str) -> float | None:
    """Weighted edits between a written token and an alias part, or None when they
    are further apart than the allowance."""
    target = query_keys(alias_token)[0]
    # The allowance goes by the letters written, not by the keys: "Faleh" keeps its
    # one edit though its key "fale" has four letters.
    letters = min(sum(c.isalpha() for c in written), sum(c.isalpha() for c in alias_token))
    costs = [
        cost for key in query_keys(written) if (cost := distance(key, target)) <= allowance(letters)
    ]
    return min(costs) if costs else None


def resolve(index: CompiledIndex, name: str) -> list[VariantMatch]:
    """Every reading of the Latin ``name`` (one or more name parts, Arabic articles
    ignored) as an alias of a person or place, best first.

    The last part must spell a part of the alias; the parts before it must spell the
    alias parts before that one, in order (given names).  A match on the last part
    alone is returned with ``given=False``: whether it is enough is for the caller's
    evidence to decide.
    """
    parts = [token for token in name.replace("-", " ").split() if token.isalpha()]
    parts = [token for token in parts if token.lower() not in ARTICLES]
    if not parts:
        return []
    matches: dict[int, VariantMatch] = {}
    readings = [(parts, hit) for hit in token_hits(index, parts[-1])]
    if len(parts) >= 2:
        # The last two parts written apart that the alias writes as one ("Abdel Aty").
        joined = [*parts[:-2], f"{parts[-2]} {parts[-1]}"]
        readings += [(joined, hit) for hit in token_hits(index, joined[-1])]
    for parts, hit in readings:
        match = _align(index, parts, hit)
        if match is not None:
            earlier = matches.get(hit.record_id)
            if earlier is None or (match.cost, -len(match.parts)) < (
                earlier.cost,
                -len(earlier.parts),
            ):
                matches[hit.record_id] = match
    return sorted(
        matches.values(),
        key=lambda m: (
            not (m.given and m.complete),
            not m.complete,
            -len(m.parts),
            m.cost,
            m.entity.id,
        ),
    )


def _step(parts, written_index: int, alias_parts, alias_index: int):
    """Match the written part at ``written_index`` with the alias part at
    ``alias_index``, or two written parts with one alias part ("Abd Rabbuh" and
    "Abdrabbuh"), or one written part with two alias parts; None when none fits."""
    written, alias_token = parts[written_index], alias_parts[alias_index][1]
    step = part_cost(written, alias_token)
    if step is not None:
        return Relation(written, alias_token, step), 1, 1
    if written_index >= 1:
        joined = parts[written_index - 1] + written
        step = part_cost(joined, alias_token)
        if step is not None:
            return Relation(f"{parts[written_index - 1]} {written}", alias_token, step), 2, 1
    if alias_index >= 1:
        joined = alias_parts[alias_index - 1][1] + alias_token
        step = part_cost(written, joined)
        if step is not None:
            return Relation(written, f"{alias_parts[alias_index - 1][1]} {alias_token}", step), 1, 2
    return None


def _align(index: CompiledIndex, parts: list[str], hit: TokenHit) -> VariantMatch | None:
    record = index.record(hit.record_id)
    alias_parts = name_parts(written_tokens(record))
    at = next(i for i, (position, _) in enumerate(alias_parts) if position == hit.position)
    last = at + hit.width - 1
    relations = [Relation(parts[-1], " ".join(t for _, t in alias_parts[at : last + 1]), hit.cost)]
    cost = hit.cost
    written_index, alias_index = len(parts) - 2, at - 1
    while written_index >= 0 and alias_index >= 0:
        step = _step(parts, written_index, alias_parts, alias_index)
        if step is None:
            break
        relation, used_written, used_alias = step
        relations.insert(0, relation)
        cost += relation.cost
        written_index -= used_written
        alias_index -= used_alias
    given = len(relations) > 1
    complete = alias_index < 0 and last == len(alias_parts) - 1
    entity = index.entities[record.entity]
    return VariantMatch(
        entity, record.alias, hit.record_id, tuple(relations), cost, given, complete
    )
