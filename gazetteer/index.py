"""The compiled index: an Aho-Corasick automaton over folded aliases, and the
transliteration keys of the variant matcher (``gazetteer.variants``).

Exact matching walks the text once through the automaton, so its cost depends on the
text and the number of hits, not on how many aliases there are.  Spellings no alias lists
are looked up by key, a few dictionary reads, never a scan of the alias list.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import os
import pickle
import re
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gazetteer.folding import fold_key, word_spaced
from gazetteer.layers import Layer, build_automaton
from gazetteer.schema import Alias, Entity, entity_from_row
from gazetteer.variant_keys import ARTICLE_TOKENS, consonant_keys_of, merge_variant_keys

# Bump when the compiled layout, ``fold`` or the aliases' keys (``gazetteer.translit``)
# change, so stale caches are rebuilt.
INDEX_VERSION = 22
_VOWELS = frozenset("aeiouy")


def required_capitals(pattern: str) -> tuple[int, ...]:
    """Where the text must have capitals to match ``pattern``: the first letter of each
    capitalised token (Arabic articles excepted: "al-Jufra" and "Al-Jufra" are one
    name), or every letter of an acronym.

    >>> required_capitals("Khalifa Hifter"), required_capitals("PNS"), required_capitals("Al-Jufra")
    ((0, 8), (0, 1, 2), (3,))
    """
    letters = [index for index, char in enumerate(pattern) if char.isalpha()]
    if len(letters) > 1 and all(pattern[index].isupper() for index in letters):
        return tuple(letters)
    positions = []
    for match in re.finditer(r"[^\s-]+", pattern):
        token = match.group()
        if token[0].isupper() and token.lower() not in ARTICLE_TOKENS:
            positions.append(match.start())
    return tuple(positions)


def skeleton(token: str) -> str:
    """A coarse key of a folded token: first letter, then consonants, no doubles
    (the eval builder groups near-miss names by it).

    >>> skeleton("hifter"), skeleton("haftar"), skeleton("grasimov"), skeleton("gerasimov")
    ('hftr', 'hftr', 'grsmv', 'grsmv')
    """
    if not token:
        return ""
    kept = [token[0]]
    for char in token[1:]:
        if char in _VOWELS or char == kept[-1]:
            continue
        kept.append(char)
    return "".join(kept)


def written_tokens(record: AliasRecord) -> list[str]:
    """The alias's tokens as written, split where its folded key has spaces.

    >>> written_tokens(AliasRecord(0, None, "fayez al sarraj", "Fayez al-Sarraj"))
    ['Fayez', 'al', 'Sarraj']
    """
    tokens, start = [], 0
    for token in record.key.split(" "):
        tokens.append(record.pattern[start : start + len(token)])
        start += len(token) + 1
    return tokens


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """One alias of one entity, as indexed."""

    entity: int  # index into ``CompiledIndex.entities``
    alias: Alias
    key: str  # folded, single-spaced alias text
    pattern: str  # the alias text single-spaced: same length as ``key``
    #: Positions that must be capitals in the text (see :func:`required_capitals`).
    capitals: tuple[int, ...] = ()

    def __reduce__(self):
        return (AliasRecord, (self.entity, self.alias, self.key, self.pattern, self.capitals))


class EntityTable(Sequence):
    """The compiled index's entities, kept as plain tuples and made into
    :class:`Entity` objects on first use (then kept).

    Unpickling the default gazetteer's 34k entities and 195k aliases as objects took
    0.8 s of every start; as tuples it takes 0.12 s, and a process builds only the
    entities its texts mention.
    """

    __slots__ = ("_built", "_positions", "_rows")

    def __init__(self, rows: tuple[tuple, ...], built: list | None = None) -> None:
        self._rows = rows
        self._built = built if built is not None else [None] * len(rows)
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        entity = self._built[index]
        if entity is None:
            entity = self._built[index] = entity_from_row(self._rows[index])
        return entity

    def __iter__(self) -> Iterator[Entity]:
        return (self[index] for index in range(len(self)))

    def __reduce__(self):
        return (EntityTable, (self._rows,))

    def position(self, entity_id: str) -> int | None:
        """Where the entity ``entity_id`` stands, found from the rows (no objects built)."""
        if self._positions is None:
            self._positions = {row[0]: index for index, row in enumerate(self._rows)}
        return self._positions.get(entity_id)

    def counts(self) -> tuple[Counter, Counter]:
        """Entities per type and aliases per policy, from the rows (no objects built)."""
        types = Counter(row[2] for row in self._rows)
        policies = Counter(values[2] for row in self._rows for values in row[4])
        return types, policies

    def span(self, start: int, stop: int) -> EntitySpan:
        return EntitySpan(self, start, stop)


class EntitySpan(Sequence):
    """Entities ``start`` to ``stop`` of a table: one source file's share of it."""

    __slots__ = ("_start", "_stop", "_table")

    def __init__(self, table: EntityTable, start: int, stop: int) -> None:
        self._table, self._start, self._stop = table, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._table[self._start + index % len(self)]

    def __iter__(self) -> Iterator[Entity]:
        return (self._table[index] for index in range(self._start, self._stop))

    def __reduce__(self):
        return (EntitySpan, (self._table, self._start, self._stop))


def merge_keyed(layers: list[dict], order=None):
    """Every layer's (padded key, (length, record ids)); a key several layers know gets
    their records together, through ``order`` (sorted ids by default)."""
    if not layers:
        return []
    order = order or (lambda ids: tuple(sorted(set(ids))))
    biggest = max(range(len(layers)), key=lambda number: len(layers[number]))
    merged = dict(layers[biggest])  # GeoNames: copied at C speed, not key by key
    for number, keyed in enumerate(layers):
        if number == biggest:
            continue
        for padded, value in keyed.items():
            earlier = merged.get(padded)
            if earlier is not None:
                value = (value[0], order(earlier[1] + value[1]))
            merged[padded] = value
    return merged.items()


class CompiledIndex:
    """Everything the matcher needs: compiled layers (one per source file, cached on
    disk apart, see :mod:`gazetteer.layers`) combined.

    Combining is cheap: the entity rows and record arrays are concatenated, the
    transliteration keys merged (the GeoNames layer has none).  The automaton of the
    first layers comes from the cache (``base``: built over every layer the first time a
    list of files is loaded, so the default gazetteer alone is matched by one automaton);
    the keys of layers after those (a custom file, the aliases ``alias_of`` lines add)
    get a small automaton of their own, built here in milliseconds.
    Record ids are numbered layer after layer; aliases that ``alias_of`` lines add come
    last, so where they take part, records are ordered by (entity, alias position) --
    the order of one compile of every file -- rather than by id (:meth:`rank`).
    """

    def __init__(
        self, layers: Sequence[Layer], overrides: dict[int, tuple] | None = None, base=None
    ):
        rows = [row for layer in layers for row in layer.rows]
        for number, row in (overrides or {}).items():
            rows[number] = row
        self.entities = EntityTable(tuple(rows))
        # Records as two flat arrays (entity, alias position): unpickling 10^5 objects
        # would cost a second at start-up; records are built on demand (``record``).
        self.record_entity = array("I")
        self.record_alias = array("H")
        for layer in layers:
            self.record_entity += layer.record_entity
            self.record_alias += layer.record_alias
        self._records: dict[int, AliasRecord] = {}
        #: Whether ids are out of entity order (aliases added by ``alias_of`` lines).
        self.ranked = bool(overrides)
        # ``base``: (an automaton over the first layers' keys, how many layers it covers),
        # cached; the keys of the layers after those get one automaton of their own.
        self.automata, rest = (base[:1], layers[base[1] :]) if base else ((), layers)
        keyed = [layer.keyed for layer in rest if layer.keyed]
        if keyed:
            self.automata += (build_automaton(merge_keyed(keyed, self.order)),)
        self._token_lists = [layer.canonical_tokens for layer in layers if layer.canonical_tokens]
        self._token_keys = [[token for token, _, _ in tokens] for tokens in self._token_lists]
        self.variant_keys = merge_variant_keys(layer.variant_keys for layer in layers)
        self.consonant_keys = consonant_keys_of(self.variant_keys)

    def __len__(self) -> int:
        """How many aliases are indexed."""
        return len(self.record_entity)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_records"] = {}
        return state

    def rank(self, record_id: int) -> tuple[int, int]:
        """Where a record stands in entity order: (entity, alias position)."""
        return (self.record_entity[record_id], self.record_alias[record_id])

    def order(self, record_ids) -> tuple[int, ...]:
        """``record_ids`` (of several layers) in entity order, without repeats."""
        return tuple(sorted(set(record_ids), key=self.rank if self.ranked else None))

    def record(self, record_id: int) -> AliasRecord:
        """The alias record ``record_id``, built on first use and kept."""
        found = self._records.get(record_id)
        if found is None:
            entity_index = self.record_entity[record_id]
            alias = self.entities[entity_index].aliases[self.record_alias[record_id]]
            pattern = " ".join(alias.text.split())
            found = AliasRecord(
                entity_index, alias, fold_key(pattern), pattern, required_capitals(pattern)
            )
            self._records[record_id] = found
        return found

    def records(self):
        """Every alias record, in index order."""
        return (self.record(record_id) for record_id in range(len(self)))

    def record_ids(self, key: str) -> tuple[int, ...]:
        """The records whose folded key is ``key`` (one lookup per automaton)."""
        padded = f" {word_spaced(key)} "
        found = [hit[1] for automaton in self.automata if (hit := automaton.get(padded, None))]
        if len(found) <= 1:
            return found[0] if found else ()
        return self.order(record_id for ids in found for record_id in ids)

    @property
    def canonical_tokens(self) -> list[tuple[str, str, int]]:
        """Sorted (folded token, written token, entity) of canonical names, for
        completing a name from its surviving fragments ("Çavuşo" + "lu" -> "Çavuşoğlu")."""
        return sorted({token for tokens in self._token_lists for token in tokens})

    def tokens_with_prefix(self, prefix: str) -> list[tuple[str, str, int]]:
        """Canonical tokens whose folded form starts with the folded ``prefix``."""
        found = []
        for keys, tokens in zip(self._token_keys, self._token_lists):
            low = bisect.bisect_left(keys, prefix)
            high = bisect.bisect_left(keys, prefix + "\U0010ffff")
            if high > low:
                found.append(tokens[low:high])
        if len(found) <= 1:
            return found[0] if found else []
        return sorted({token for tokens in found for token in tokens})


def source_digest(contents: Iterable[tuple[Path, bytes]]) -> str:
    """A digest of the source files' names and bytes (as read once, then compiled from
    these very bytes) and the index layout version."""
    digest = hashlib.sha256(f"index-v{INDEX_VERSION}".encode())
    for path, data in contents:
        digest.update(path.name.encode())
        digest.update(data)
    return digest.hexdigest()[:24]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/news-gazetteer`` (``~/.cache/news-gazetteer``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "news-gazetteer"


def read_cached(path: Path):
    """Unpickle ``path``; None when it is absent or unreadable.

    The collector would walk the growing heap again and again while ~10^6 objects are
    unpickled; pausing it halves the load time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    finally:
        if enabled:
            gc.enable()


def write_cached(path: Path, value) -> bool:
    """Pickle ``value`` to ``path`` atomically; False (no error) when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        return False
    return True


# Compiled layers kept, most recently used first: at most this many, and no more bytes
# than this in all (the newest is always kept).  A byte budget, not a count alone: the
# test suite's few small gazetteers (kilobytes) must not push out the GeoNames layer
# (50 MB), which would make the next start compile it again.
CACHE_ENTRIES = 16
CACHE_BYTES = 512 * 1024 * 1024
# Combinations remembered as checked (a few bytes each).
CHECKED_ENTRIES = 64


def _evict(cache_dir: Path) -> None:
    """Remove the compiled indexes beyond :data:`CACHE_ENTRIES` or :data:`CACHE_BYTES`,
    least recently used first."""
    entries = []
    for path in cache_dir.glob("index-*.pickle"):
        with contextlib.suppress(FileNotFoundError):  # another process evicted it
            entries.append((path.stat(), path))
    entries.sort(key=lambda entry: entry[0].st_mtime, reverse=True)
    total = 0
    for kept, (stat, path) in enumerate(entries):
        total += stat.st_size
        if kept and (kept >= CACHE_ENTRIES or total > CACHE_BYTES):
            path.unlink(missing_ok=True)
            (path.parent / f"claims-{path.name[6:]}").unlink(missing_ok=True)
    checked = []
    for path in cache_dir.glob("checked-*.txt"):
        with contextlib.suppress(FileNotFoundError):
            checked.append((path.stat().st_mtime, path))
    for _, path in sorted(checked, reverse=True)[CHECKED_ENTRIES:]:
        path.unlink(missing_ok=True)
    for leftover in cache_dir.glob("*.tmp"):
        with contextlib.suppress(FileNotFoundError):  # renamed into place meanwhile
            if leftover.stat().st_mtime < time.time() - 3600:
                leftover.unlink(missing_ok=True)
