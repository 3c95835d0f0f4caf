"""Who claims which alias: what the checks across files need of each compiled layer.

Two entities may not both claim one alias for rewriting (``gazetteer.loader`` words the
problem): of every claim of a folded alias key, in entity order, the first decides; if it
rewrites, no other entity may claim the key for rewriting.  A layer keeps, per key, its
first claim and the entities that claim the key for rewriting; from these the check over
a combination of layers touches only the keys that two layers share (:func:`conflicts`),
never the GeoNames layer's 185,000 keys one by one.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

# key -> (first claimant's entity number, whether that claim only recognises,
# the claimant's id, the ids of every entity claiming the key for rewriting)
Claim = tuple[int, bool, str, tuple[str, ...]]


def add_claim(first: dict[str, Claim], key: str, number: int, recognize: bool, entity_id: str):
    """Note one alias's claim in ``first`` (claims come in entity order)."""
    found = first.get(key)
    if found is None:
        first[key] = (number, recognize, entity_id, () if recognize else (entity_id,))
    elif not recognize and entity_id not in found[3]:
        first[key] = (*found[:3], (*found[3], entity_id))


class Claims:
    """The claims of one layer, kept compact (written beside the layer in the cache, read
    only to check a new combination): keys joined by newlines, numbers in arrays."""

    __slots__ = ("_index", "_keys", "conflicted", "extra", "ids", "numbers", "owners", "recognize")

    def __init__(self, first: dict[str, Claim], ids: tuple[str, ...]) -> None:
        self.ids = ids  # the ids of the layer's entities, in order
        position = {entity_id: index for index, entity_id in enumerate(ids)}
        self._keys = "\n".join(first)
        self.numbers = array("I", (claim[0] for claim in first.values()))
        self.recognize = bytes(claim[1] for claim in first.values())
        self.owners = array("I", (position[claim[2]] for claim in first.values()))
        # Rewriting claimants, where they are not just the first claim's entity.
        self.extra = {key: claim[3] for key, claim in first.items() if claim[3] != _alone(claim)}
        self.conflicted = tuple(key for key in self.extra if _conflicted(first[key]))
        self._index: dict[str, int] | None = None

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__ if name != "_index"}

    def __setstate__(self, state) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._index = None

    @property
    def index(self) -> dict[str, int]:
        """Key -> its position in the arrays (built on first use)."""
        if self._index is None:
            keys = self._keys.split("\n") if self._keys else []
            self._index = dict(zip(keys, range(len(keys))))
        return self._index

    def get(self, key: str) -> Claim | None:
        """The layer's claim of ``key``, or None."""
        at = self.index.get(key)
        if at is None:
            return None
        recognize = bool(self.recognize[at])
        first_id = self.ids[self.owners[at]]
        rewriters = self.extra.get(key, () if recognize else (first_id,))
        return (self.numbers[at], recognize, first_id, rewriters)


def _alone(claim: Claim) -> tuple[str, ...]:
    return () if claim[1] else (claim[2],)


def _conflicted(claim: Claim) -> bool:
    _, recognize, first_id, rewriters = claim
    return not recognize and any(entity_id != first_id for entity_id in rewriters)


def conflicts(layers: Sequence[Claims], added: Claims | None) -> bool:
    """Whether the checks across files find a problem in this combination of layers (and
    of the aliases ``alias_of`` lines add, ``added``): a duplicate id, or an alias key
    whose first claim in entity order rewrites and that another entity claims for
    rewriting.  (Which problem, and where, the loader words: ``parse_sources``.)"""
    ids = [entity_id for claims in layers for entity_id in claims.ids]
    if len(set(ids)) != len(ids):
        return True
    suspects = set(added.index) if added is not None else set()
    for number, claims in enumerate(layers):
        suspects.update(claims.conflicted)
        for later in layers[number + 1 :]:
            small, large = sorted((claims.index, later.index), key=len)
            suspects.update(key for key in small if key in large)
    for key in suspects:
        # An added alias comes after its entity's own aliases: ties go to the layer.
        found = [(claim, 0) for claims in layers if (claim := claims.get(key))]
        if added is not None and (claim := added.get(key)):
            found.append((claim, 1))
        (_, recognize, first_id, _), _ = min(found, key=lambda pair: (pair[0][0], pair[1]))
        rewriters = {entity_id for claim, _ in found for entity_id in claim[3]}
        if not recognize and rewriters - {first_id}:
            return True
    return False
