"""From source files to a compiled index: layer by layer, each from its cache when it
is there, then combined and checked across files.

Every file is compiled into its own layer, cached under the digest of the very bytes
compiled and its place in the list (:func:`gazetteer.layers.layer_digest`); a custom
file added after the default ones compiles alone, the default layers are read from the
cache.  The checks across files (duplicate ids, an alias two entities claim for
rewriting, ``alias_of`` lines that name no entity) run over every new combination, from
each layer's claims; a combination that passed is remembered, so that loading it again
reads the layers only.  When a check finds a problem, the files are parsed again as one
(:func:`gazetteer.loader.parse_sources`) so that the problems are worded, ordered and
placed (file, line) exactly as a whole compile reports them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gazetteer.claims import conflicts
from gazetteer.errors import GazetteerDataError
from gazetteer.folding import fold_key
from gazetteer.index import (
    INDEX_VERSION,
    CompiledIndex,
    _evict,
    merge_keyed,
    read_cached,
    write_cached,
)
from gazetteer.layers import (
    Layer,
    build_automaton,
    compile_additions,
    compile_layer,
    layer_digest,
)
from gazetteer.loader import SourceFile, parse_sources
from gazetteer.plain import parse_rows
from gazetteer.schema import Form, entity_from_row, entity_row

Contents = tuple[tuple[Path, bytes], ...]
_DEFAULTS = Path(__file__).resolve().parent / "data"  # the default files' folder


def compile_files(
    contents: Contents, version: str, cache: Path
) -> tuple[tuple[SourceFile, ...], CompiledIndex]:
    """The sources and the compiled index of files already read (``contents``).

    The collector is paused meanwhile: with the layers' ~10^6 objects read, each of its
    passes walked them all again, for nothing (nothing here makes cycles).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile_files(contents, version, cache)
    finally:
        if enabled:
            gc.enable()


def _compile_files(contents: Contents, version: str, cache: Path):
    layers, digests, fresh = [], [], {}
    entity_offset = record_offset = covered = 0
    try:
        for path, data in contents:
            digest = layer_digest(path.name, data, entity_offset, record_offset, INDEX_VERSION)
            layer = load_layer(cache, digest)
            if layer is None:
                layer, fresh[digest] = _compile(contents, path, data, entity_offset, record_offset)
            layers.append(layer)
            digests.append(digest)
            entity_offset += len(layer.rows)
            record_offset += len(layer)
        covered = _covered(cache, contents, digests)
    finally:
        # The keys of a layer the shared automaton covers are in that automaton.
        for number, (digest, layer) in enumerate(zip(digests, layers)):
            if digest in fresh:
                kept = replace(layer, keyed=None) if number < covered else layer
                store_layer(cache, digest, kept, fresh[digest])
    overrides, added, added_claims = _additions(contents, layers, record_offset)
    if is_checked(cache, version) != tuple(digests):
        claims = [
            fresh.get(digest) or load_claims(cache, digest) or _compile(contents, path, data,
            layer.entity_offset, layer.record_offset)[1]
            for digest, layer, (path, data) in zip(digests, layers, contents)
        ]  # fmt: skip
        if conflicts(claims, added_claims):
            parse_sources(contents)  # raises, wording every problem as a whole compile
        mark_checked(cache, version, digests)
    base = _base_automaton(cache, contents, digests, layers, covered)
    index = CompiledIndex([*layers, added] if added else layers, overrides, base)
    sources = tuple(
        replace(layer.source, entities=index.entities.span(start, start + len(layer.rows)))
        for layer, start in ((layer, layer.entity_offset) for layer in layers)
    )
    return sources, index


def _covered(cache: Path, contents: Contents, digests: list[str]) -> int:
    """How many layers the shared automaton covers: the default files' at the head of
    the list; else the most that a cached automaton covers; else every layer."""
    covered = 0
    while covered < len(contents) and contents[covered][0].resolve().parent == _DEFAULTS:
        covered += 1
    if covered:
        return covered
    for covered in range(len(digests), 0, -1):
        if _automaton_path(cache, digests[:covered]).is_file():
            return covered
    return len(digests)


def _automaton_path(cache: Path, digests: list[str]) -> Path:
    name = hashlib.sha256(" ".join(digests).encode()).hexdigest()[:24]
    return cache / f"index-automaton-{name}.pickle"


def _base_automaton(cache, contents: Contents, digests, layers: list[Layer], covered: int):
    """(automaton, layers covered): one automaton over the first ``covered`` layers, from
    the cache or built and cached (0.3 s to build for the default gazetteer, 0.5 s to
    write).  The default gazetteer alone is matched by one automaton; a custom file after
    it gets a small one of its own (``CompiledIndex``), so changing it never rebuilds this
    one.  A layer is cached without the keys this automaton holds: should the automaton
    be gone from the cache, such a layer is compiled again for its keys."""
    path = _automaton_path(cache, digests[:covered])
    automaton = read_cached(path) if path.is_file() else None
    if automaton is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used: kept by the eviction, as its layers are
    if automaton is None:
        keyed = [_keyed(contents, layers, number) for number in range(covered)]
        automaton = build_automaton(merge_keyed([keys for keys in keyed if keys]))
        if write_cached(path, automaton):
            _evict(cache)
    for number in range(covered, len(layers)):  # the others keep their keys
        layers[number].keyed = _keyed(contents, layers, number)
    return automaton, covered


def _keyed(contents: Contents, layers: list[Layer], number: int) -> dict:
    layer = layers[number]
    if layer.keyed is None:
        path, data = contents[number]
        compiled, _ = _compile(contents, path, data, layer.entity_offset, layer.record_offset)
        layer.keyed = compiled.keyed
    return layer.keyed


def _compile(contents: Contents, path: Path, data: bytes, entity_offset: int, record_offset: int):
    source, problems = parse_rows(path, data)
    if problems or source is None:
        parse_sources(contents)  # raises with every file's problems, in order
        raise GazetteerDataError(problems)
    return compile_layer(source, source.entities, entity_offset, record_offset)


def _additions(contents: Contents, layers: list[Layer], record_offset: int):
    """What ``alias_of`` lines add: (override rows by entity number, the additions'
    layer or None, their claims); as ``gazetteer.loader._merge_additions`` merges."""
    additions = [addition for layer in layers for addition in layer.source.additions]
    if not additions:
        return {}, None, None
    where: dict[str, int] = {}
    for number, row in enumerate(row for layer in layers for row in layer.rows):
        where.setdefault(row[0], number)
    rows = [row for layer in layers for row in layer.rows]
    merged: dict[int, object] = {}
    before: dict[int, int] = {}
    for addition in additions:
        number = where.get(addition.entity_id)
        entity = merged.get(number) or (
            entity_from_row(rows[number]) if number is not None else None
        )
        if entity is None or (
            not entity.short and any(alias.form is Form.SHORT for alias in addition.aliases)
        ):
            parse_sources(contents)  # raises, naming the line
            continue
        known = {fold_key(alias.text) for alias in entity.aliases}
        new = tuple(alias for alias in addition.aliases if fold_key(alias.text) not in known)
        before.setdefault(number, len(entity.aliases))
        merged[number] = replace(entity, aliases=entity.aliases + new)
    layer, claims = compile_additions(
        ((number, merged[number], before[number]) for number in sorted(merged)), record_offset
    )
    return {number: entity_row(entity) for number, entity in merged.items()}, layer, claims


def is_compiled(contents: Contents, version: str, cache: Path) -> bool:
    """Whether loading these files reads every layer from the cache, checked before."""
    digests = is_checked(cache, version)
    return digests is not None and all(
        (cache / f"index-{digest}.pickle").is_file() for digest in digests
    )


def load_layer(cache_dir: Path, digest: str) -> Layer | None:
    """The cached layer ``digest``, or None when absent or unreadable."""
    path = cache_dir / f"index-{digest}.pickle"
    layer = read_cached(path)
    if not isinstance(layer, Layer):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used: kept by the eviction
    return layer


def load_claims(cache_dir: Path, digest: str):
    """The cached claims of layer ``digest`` (read only to check a new combination)."""
    return read_cached(cache_dir / f"claims-{digest}.pickle")


def store_layer(cache_dir: Path, digest: str, layer: Layer, claims) -> None:
    """Write a layer and its claims; a read-only or missing cache folder is not an error."""
    if write_cached(cache_dir / f"claims-{digest}.pickle", claims) and write_cached(
        cache_dir / f"index-{digest}.pickle", layer
    ):
        _evict(cache_dir)


def is_checked(cache_dir: Path, version: str) -> tuple[str, ...] | None:
    """The layers of a combination that passed the checks across files, or None."""
    try:
        return tuple((cache_dir / f"checked-{version}.txt").read_text("ascii").split())
    except (OSError, UnicodeDecodeError):
        return None


def mark_checked(cache_dir: Path, version: str, digests: Sequence[str]) -> None:
    """Remember that the combination ``version`` (of these layers) passed the checks."""
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write("\n".join(digests))
        os.replace(temporary, cache_dir / f"checked-{version}.txt")
