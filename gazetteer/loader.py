"""Reading gazetteer source files, with errors that name the file, the line and the problem.

A source file is JSON Lines: a header object on the first non-comment line, then one
entity per line.  Lines starting with ``#`` and blank lines are ignored, so the files
stay easy to edit and to diff by hand.  See ``gazetteer/README.md`` for the format.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from gazetteer.errors import GazetteerDataError, Problem
from gazetteer.folding import fold_key
from gazetteer.schema import ENTITY_TYPES, Alias, Entity, Form, Kind, Policy

FORMAT_VERSION = 1
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")
_HEADER_KEYS = {"gazetteer", "format", "version", "source", "license", "attribution", "note"}
_ENTITY_KEYS = {
    "id",
    "name",
    "type",
    "short",
    "ids",
    "aliases",
    "short_aliases",
    "calques",
    "acronyms",
    "context",
    "source",
    "name_policy",
}
_ALIAS_KEYS = {"text", "form", "policy", "kind", "replacement", "note"}
# A line that adds aliases to an entity of another file (the curation report writes them).
_ADDITION_KEYS = {"alias_of", "aliases", "short_aliases", "calques", "source"}
# (list key, default form, default kind, default policy)
_ALIAS_LISTS = (
    ("aliases", Form.FULL, Kind.VARIANT, Policy.REWRITE),
    ("short_aliases", Form.SHORT, Kind.VARIANT, Policy.REWRITE),
    ("calques", Form.FULL, Kind.CALQUE, Policy.REWRITE),
    ("acronyms", Form.SHORT, Kind.ACRONYM, Policy.ESTABLISHED),
)


@dataclass(frozen=True)
class Addition:
    """Aliases a file adds to an entity defined in another file: ``{"alias_of": ID, ...}``."""

    entity_id: str
    aliases: tuple[Alias, ...]
    origin: str  # "file:line"


@dataclass(frozen=True)
class SourceFile:
    """One loaded source file: its header, its entities and its alias additions."""

    path: str
    header: dict
    entities: tuple[Entity, ...]
    additions: tuple[Addition, ...] = ()


def _loads(line: str):
    """``json.loads``, through orjson (4 times faster) when it reads the line; ``json``
    words the errors, and reads what orjson refuses (NaN, integers over 64 bits)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _is_latin_text(text: str) -> bool:
    if text.isascii() or max(text) < "\u0250":
        return True
    return all(ord(char) < 0x0250 or not char.isalpha() for char in text)


class _Reader:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def read(self, lines: Iterable[str]) -> SourceFile:
        header: dict | None = None
        entities: list[Entity] = []
        additions: list[Addition] = []
        for number, raw in enumerate(lines, start=1):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                record = _loads(stripped)
            except json.JSONDecodeError as error:
                self.problem(number, f"not valid JSON ({error.msg} at column {error.colno})")
                continue
            if not isinstance(record, dict):
                self.problem(number, "each line must be a JSON object")
            elif header is None:
                header = self._header(number, record)
            elif "alias_of" in record:
                addition = self._addition(number, record)
                if addition is not None:
                    additions.append(addition)
            else:
                self._keep(number, record, entities)
        if header is None:
            self.problem(1, 'the file has no header line ({"gazetteer": NAME, "format": 1, ...})')
            header = {}
        return SourceFile(self.path, header, tuple(entities), tuple(additions))

    def _keep(self, number: int, record: dict, entities: list) -> None:
        entity = self._entity(number, record)
        if entity is not None:
            entities.append(entity)

    def _header(self, number: int, record: dict) -> dict:
        if "gazetteer" not in record:
            self.problem(number, 'the first line must be the header, with a "gazetteer" name')
        if record.get("format") != FORMAT_VERSION:
            self.problem(
                number, f"unsupported format {record.get('format')!r}; expected {FORMAT_VERSION}"
            )
        for key in sorted(set(record) - _HEADER_KEYS):
            self.problem(number, f"unknown header field {key!r}")
        return record

    def _entity(self, number: int, record: dict) -> Entity | None:
        before = len(self.problems)
        for key in sorted(set(record) - _ENTITY_KEYS):
            self.problem(
                number, f"unknown field {key!r} (known: {', '.join(sorted(_ENTITY_KEYS))})"
            )
        entity_id = record.get("id")
        if not isinstance(entity_id, str) or not _ID_PATTERN.match(entity_id):
            self.problem(number, f"bad id {entity_id!r}: use lower-case letters, digits, _ . : -")
        name = record.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(number, "empty or missing name")
        entity_type = record.get("type")
        if entity_type not in ENTITY_TYPES:
            self.problem(
                number, f"bad type {entity_type!r} (one of: {', '.join(sorted(ENTITY_TYPES))})"
            )
        short = record.get("short")
        if short is not None and (not isinstance(short, str) or not short.strip()):
            self.problem(number, "short form must be a non-empty string when given")
        aliases = self._aliases(number, record, name, short)
        ids = record.get("ids", {})
        if not isinstance(ids, dict) or not all(isinstance(v, (str, int)) for v in ids.values()):
            self.problem(number, '"ids" must map a source name to an id, e.g. {"wikidata": "Q1"}')
            ids = {}
        context = record.get("context", [])
        if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
            self.problem(number, '"context" must be a list of strings')
            context = []
        if len(self.problems) > before:
            return None
        return Entity(
            id=entity_id,
            name=name.strip(),
            type=entity_type,
            short=short.strip() if short else None,
            aliases=aliases,
            external_ids={key: str(value) for key, value in ids.items()},
            context=tuple(context),
            source=str(record.get("source", "")),
            origin=f"{self.path}:{number}",
        )

    def _addition(self, number: int, record: dict) -> Addition | None:
        before = len(self.problems)
        for key in sorted(set(record) - _ADDITION_KEYS):
            self.problem(
                number, f"unknown field {key!r} (known: {', '.join(sorted(_ADDITION_KEYS))})"
            )
        entity_id = record["alias_of"]
        if not isinstance(entity_id, str) or not _ID_PATTERN.match(entity_id):
            self.problem(number, f"bad alias_of {entity_id!r}: the id of an entity")
        aliases: list[Alias] = []
        for key, form, kind, policy in _ALIAS_LISTS[:3]:
            values = record.get(key, [])
            if not isinstance(values, list):
                self.problem(number, f'"{key}" must be a list')
                continue
            found = (self._alias(number, key, value, form, kind, policy) for value in values)
            aliases.extend(alias for alias in found if alias is not None)
        if not aliases and len(self.problems) == before:
            self.problem(number, "an alias_of line must add at least one alias")
        if len(self.problems) > before:
            return None
        return Addition(entity_id, tuple(aliases), f"{self.path}:{number}")

    def _aliases(self, number: int, record: dict, name, short) -> tuple[Alias, ...]:
        aliases: list[Alias] = []
        try:
            name_policy = _member(Policy, record.get("name_policy", "rewrite"))
        except ValueError:
            self.problem(number, f"bad name_policy {record.get('name_policy')!r}")
            name_policy = Policy.REWRITE
        if isinstance(name, str) and name.strip():
            aliases.append(Alias(name.strip(), Form.FULL, name_policy, Kind.CANONICAL))
        if isinstance(short, str) and short.strip():
            aliases.append(Alias(short.strip(), Form.SHORT, name_policy, Kind.CANONICAL))
        for key, form, kind, policy in _ALIAS_LISTS:
            if key not in record:
                continue
            values = record[key]
            if not isinstance(values, list):
                self.problem(number, f'"{key}" must be a list')
                continue
            # Most entries are plain strings: their alias takes the list's defaults
            # (measured: the enum look-ups of the general path were a third of parsing).
            needs_short = form is _SHORT and not short
            for value in values:
                alias = _plain_alias(value, form, kind, policy)
                if alias is not None:
                    short_missing = needs_short and alias.policy is not _RECOGNIZE
                else:
                    alias = self._alias(number, key, value, form, kind, policy)
                    if alias is None:
                        continue
                    short_missing = (
                        alias.form is _SHORT
                        and not short
                        and alias.replacement is None
                        and alias.policy is not _RECOGNIZE
                    )
                if short_missing:
                    self.problem(number, f"{key} {alias.text!r} needs the entity's short form")
                aliases.append(alias)
        return tuple(aliases)

    def _alias(self, number, key, value, form, kind, policy) -> Alias | None:
        if isinstance(value, str):
            value = {"text": value}
        if not isinstance(value, dict):
            self.problem(number, f"{key}: each entry must be a string or an object")
            return None
        for unknown in sorted(set(value) - _ALIAS_KEYS):
            self.problem(number, f"{key}: unknown alias field {unknown!r}")
        text = value.get("text")
        if not isinstance(text, str) or not text.strip():
            self.problem(number, f"{key}: empty alias")
            return None
        try:
            form = _member(Form, value.get("form", form))
            policy = _member(Policy, value.get("policy", policy))
            kind = _member(Kind, value.get("kind", kind))
        except ValueError as error:
            self.problem(number, f"{key} {text!r}: {error}")
            return None
        if kind is _VARIANT and not _is_latin_text(text):
            kind = _NATIVE
        replacement = value.get("replacement")
        if replacement is not None and (not isinstance(replacement, str) or not replacement):
            self.problem(number, f"{key} {text!r}: replacement must be a non-empty string")
            return None
        return Alias(text.strip(), form, policy, kind, replacement, str(value.get("note", "")))


def _plain_alias(value, form: Form, kind: Kind, policy: Policy) -> Alias | None:
    """The alias of a plain entry, a string or ``{"text", "policy"}`` (nearly every
    entry), with the list's defaults; None for any other entry (the general path)."""
    if type(value) is str:
        text = value
    elif type(value) is dict and value.keys() <= _TEXT_POLICY:
        text = value.get("text")
        if "policy" in value:
            found = value["policy"]
            policy = _MEMBERS[Policy].get(found) if type(found) is str else None
        if type(text) is not str or policy is None:
            return None
    else:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    if kind is _VARIANT and not _is_latin_text(text):
        kind = _NATIVE
    return Alias(stripped, form, policy, kind, None, "")


_TEXT_POLICY = frozenset({"text", "policy"})
_SHORT, _RECOGNIZE, _VARIANT, _NATIVE = Form.SHORT, Policy.RECOGNIZE, Kind.VARIANT, Kind.NATIVE
# Each enum's members by value (a member is equal to its value: the defaults look up too).
_MEMBERS = {
    enum_type: {member.value: member for member in enum_type} for enum_type in (Form, Policy, Kind)
}


def _member(enum_type, value):
    """``enum_type(value)`` through a dict: the enum's own call is slow."""
    try:
        return _MEMBERS[enum_type][value]
    except (KeyError, TypeError):
        return enum_type(value)  # raises the ValueError that the problem quotes


def parse_file(
    path: Path, data: bytes, reader_type: type[_Reader] = _Reader
) -> tuple[SourceFile | None, list[Problem]]:
    """One file's bytes parsed alone: the source (None when not UTF-8) and its problems."""
    reader = reader_type(path.name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(path.name, 0, f"not UTF-8 (byte {error.start})")]
    # Lines split as a file opened in text mode splits them (universal newlines).
    return reader.read(io.StringIO(text, newline=None)), reader.problems


def _read(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(str(path), 0, f"cannot read: {error.strerror}")]
    return parse_file(path, data)


def read_files(paths: Iterable[str | Path]) -> tuple[tuple[Path, bytes], ...]:
    """Each file's bytes, read once: what is hashed is what is compiled.

    Raises :class:`GazetteerDataError` naming every file that cannot be read.
    """
    contents, problems = [], []
    for path in map(Path, paths):
        try:
            contents.append((path, path.read_bytes()))
        except OSError as error:
            problems.append(Problem(str(path), 0, f"cannot read: {error.strerror}"))
    if problems:
        raise GazetteerDataError(problems)
    return tuple(contents)


def read_source(path: str | Path) -> SourceFile:
    """Read one source file, raising :class:`GazetteerDataError` listing every problem."""
    source, problems = _read(Path(path))
    if problems or source is None:
        raise GazetteerDataError(problems)
    return source


def _cross_file_problems(sources: Iterable[SourceFile]) -> Iterator[Problem]:
    """Duplicate ids, and aliases that two entities both claim for rewriting."""
    seen_ids: dict[str, Entity] = {}
    claims: dict[str, tuple[Entity, Alias]] = {}
    for source in sources:
        for entity in source.entities:
            file, _, line = entity.origin.rpartition(":")
            if entity.id in seen_ids:
                first = seen_ids[entity.id].origin
                yield Problem(file, int(line), f"duplicate id {entity.id!r} (first at {first})")
                continue
            seen_ids[entity.id] = entity
            for alias in entity.aliases:
                key = fold_key(alias.text)
                other = claims.get(key)
                if other is None:
                    claims[key] = (entity, alias)
                    continue
                other_entity, other_alias = other
                rewrites = Policy.RECOGNIZE not in (alias.policy, other_alias.policy)
                if other_entity.id != entity.id and rewrites:
                    yield Problem(
                        file,
                        int(line),
                        f"alias {alias.text!r} is claimed by both {other_entity.id!r} "
                        f"({other_entity.origin}) and {entity.id!r}; mark one "
                        '"policy": "recognize" or remove it',
                    )


def parse_sources(contents: Iterable[tuple[Path, bytes]]) -> tuple[SourceFile, ...]:
    """Parse and cross-check files already read (see :func:`read_files`); all problems
    are raised together."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    for path, data in contents:
        source, found = parse_file(path, data)
        problems.extend(found)
        if source is not None:
            sources.append(source)
    sources = _merge_additions(sources, problems)
    problems.extend(_cross_file_problems(sources))
    if problems:
        raise GazetteerDataError(problems)
    return tuple(sources)


def _merge_additions(sources: list[SourceFile], problems: list[Problem]) -> list[SourceFile]:
    """Each ``alias_of`` line's aliases added to its entity, wherever that is defined."""
    if not any(source.additions for source in sources):
        return sources
    entities = [list(source.entities) for source in sources]
    where: dict[str, tuple[int, int]] = {}
    for i, source in enumerate(sources):
        for j, entity in enumerate(source.entities):
            where.setdefault(entity.id, (i, j))
    for addition in (addition for source in sources for addition in source.additions):
        file, _, line = addition.origin.rpartition(":")
        if addition.entity_id not in where:
            message = f"alias_of {addition.entity_id!r} names no entity of the files loaded"
            problems.append(Problem(file, int(line), message))
            continue
        i, j = where[addition.entity_id]
        entity = entities[i][j]
        if not entity.short and any(alias.form is Form.SHORT for alias in addition.aliases):
            message = f"{entity.id!r} has no short form for short_aliases to stand for"
            problems.append(Problem(file, int(line), message))
            continue
        known = {fold_key(alias.text) for alias in entity.aliases}
        new = tuple(alias for alias in addition.aliases if fold_key(alias.text) not in known)
        entities[i][j] = replace(entity, aliases=entity.aliases + new)
    return [replace(source, entities=tuple(entities[i])) for i, source in enumerate(sources)]


def load_sources(paths: Iterable[str | Path]) -> tuple[SourceFile, ...]:
    """Read and cross-check several source files; all problems are raised together."""
    return parse_sources(read_files(paths))
