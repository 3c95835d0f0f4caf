"""Entity data for name normalization: schema, loading, the compiled index, matching.

This package never imports ``normalizer``: it is usable on its own.

>>> gazetteer = load_default()
>>> [c.entity.name for c in gazetteer.matcher.lookup("Hifter")]
['Khalifa Haftar']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gazetteer import assemble
from gazetteer.errors import GazetteerDataError, Problem
from gazetteer.index import CompiledIndex, default_cache_dir, source_digest
from gazetteer.loader import SourceFile, read_files
from gazetteer.matcher import Candidate, Matcher, Mention
from gazetteer.schema import Alias, Entity, Form, Kind, Policy

__all__ = [
    "Alias",
    "Candidate",
    "Entity",
    "Form",
    "Gazetteer",
    "GazetteerDataError",
    "Kind",
    "Matcher",
    "Mention",
    "Policy",
    "Problem",
    "default_paths",
    "is_compiled",
    "load",
    "load_default",
]


@dataclass(frozen=True)
class Gazetteer:
    """Loaded entities, their compiled index, and a matcher over it."""

    sources: tuple[SourceFile, ...]
    index: CompiledIndex
    version: str  # digest of the source files: changes whenever the data does
    paths: tuple[str, ...]

    @functools.cached_property
    def matcher(self) -> Matcher:
        """The matcher over this gazetteer's index."""
        return Matcher(self.index)

    @property
    def entities(self) -> Sequence[Entity]:
        """Every entity, in file order (built from the compiled index on first use)."""
        return self.index.entities

    def get(self, entity_id: str) -> Entity:
        """The entity with ``entity_id``; ``LookupError`` names the unknown id."""
        position = self.index.entities.position(entity_id)
        if position is not None:
            return self.index.entities[position]  # builds this entity only
        raise LookupError(f"no entity with id {entity_id!r} in gazetteer {self.name!r}")

    @property
    def name(self) -> str:
        """The names of the source gazetteers, joined with '+'."""
        return "+".join(str(source.header.get("gazetteer", "?")) for source in self.sources)

    def stats(self) -> dict:
        """Counts for ``/v1/gazetteer`` and ``normalizer gazetteer stats``."""
        types, policies = self.index.entities.counts()
        return {
            "name": self.name,
            "version": self.version,
            "files": [
                {
                    "file": Path(path).name,
                    "gazetteer": source.header.get("gazetteer"),
                    "version": source.header.get("version"),
                    "license": source.header.get("license"),
                    "entities": len(source.entities),
                }
                for path, source in zip(self.paths, self.sources)
            ],
            "entities": len(self.entities),
            "aliases": len(self.index),
            "types": dict(sorted(types.items())),
            "policies": dict(sorted(policies.items())),
        }


def default_paths() -> tuple[Path, ...]:
    """The gazetteer files shipped in ``gazetteer/data`` (every ``*.jsonl``), sorted."""
    folder = Path(str(resources.files("gazetteer") / "data"))
    return tuple(sorted(folder.glob("*.jsonl")))


def load(paths: Iterable[str | Path], *, cache_dir: str | Path | None = None) -> Gazetteer:
    """Load and validate gazetteer files, using (or writing) the compiled index cache.

    Raises :class:`GazetteerDataError` naming file, line and problem.
    """
    paths = tuple(Path(path) for path in paths)
    if not paths:
        raise GazetteerDataError([Problem("(none)", 0, "no gazetteer files given")])
    missing = [path for path in paths if not path.is_file()]
    if missing:
        raise GazetteerDataError([Problem(str(path), 0, "no such file") for path in missing])
    # Read once: the digest names the very bytes compiled below.  Hashing one read and
    # compiling a second one cached an old (or broken) file under a new digest when a
    # curator saved the file in between, and served it from then on.
    contents = read_files(paths)
    digest = source_digest(contents)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    # Each file is a layer compiled (validated) once and cached under its own bytes; a
    # combination is checked across files once, then remembered (gazetteer.assemble).
    sources, index = assemble.compile_files(contents, digest, cache)
    return Gazetteer(sources, index, digest, tuple(str(path) for path in paths))


def is_compiled(paths: Iterable[str | Path], *, cache_dir: str | Path | None = None) -> bool:
    """Whether the compiled index of these files, as they are now, is in the cache (so
    that :func:`load` reads it instead of compiling); False for unreadable files."""
    try:
        contents = read_files(paths)
    except GazetteerDataError:
        return False
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return assemble.is_compiled(contents, source_digest(contents), cache)


@functools.lru_cache(maxsize=1)
def load_default() -> Gazetteer:
    """The built-in gazetteer, loaded once per process."""
    return load(default_paths())
