"""Plain entity lines read straight into the rows a compiled layer keeps.

Nearly every line of a gazetteer file is *plain*: known fields of the right types, and
aliases that are strings or ``{"text", "policy"}``.  Such a line becomes its row (see
:func:`gazetteer.schema.entity_row`) without an :class:`~gazetteer.schema.Entity` and its
aliases being made first (measured: a fifth of compiling the GeoNames file).  Any other
line goes the loader's general way, which words its problems; a plain line has none.
"""

from __future__ import annotations

from pathlib import Path

from gazetteer.errors import Problem
from gazetteer.loader import (
    _ALIAS_LISTS,
    _ENTITY_KEYS,
    _ID_PATTERN,
    _MEMBERS,
    SourceFile,
    _is_latin_text,
    _Reader,
    parse_file,
)
from gazetteer.schema import ENTITY_TYPES, Form, Kind, Policy, entity_row

_POLICIES = {value: member._value_ for value, member in _MEMBERS[Policy].items()}
_LISTS = tuple(
    (key, form._value_, kind._value_, policy._value_, form is Form.SHORT)
    for key, form, kind, policy in _ALIAS_LISTS
)
_FULL, _SHORT = Form.FULL._value_, Form.SHORT._value_
_CANONICAL, _VARIANT, _NATIVE = Kind.CANONICAL._value_, Kind.VARIANT._value_, Kind.NATIVE._value_
_RECOGNIZE = Policy.RECOGNIZE._value_
_TEXT_POLICY = frozenset({"text", "policy"})


class _RowReader(_Reader):
    """The loader's reader, keeping rows instead of entities."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.shared: dict = {}  # recurring values, one object each (see entity_row)

    def _keep(self, number: int, record: dict, entities: list) -> None:
        row = _plain_row(record, f"{self.path}:{number}", self.shared)
        if row is None:
            entity = self._entity(number, record)
            if entity is not None:
                entities.append(entity_row(entity, self.shared))
        else:
            entities.append(row)


def parse_rows(path: Path, data: bytes) -> tuple[SourceFile | None, list[Problem]]:
    """:func:`gazetteer.loader.parse_file`, with rows in ``entities``."""
    return parse_file(path, data, _RowReader)


def _plain_row(record: dict, origin: str, shared: dict) -> tuple | None:
    """The row of a plain entity line; None for any other (the general way)."""
    if not _ENTITY_KEYS.issuperset(record):
        return None
    entity_id, name = record.get("id"), record.get("name")
    entity_type, short = record.get("type"), record.get("short")
    if type(entity_id) is not str or not _ID_PATTERN.match(entity_id):
        return None
    if type(name) is not str or not name.strip() or type(entity_type) is not str:
        return None
    if entity_type not in ENTITY_TYPES or (short is not None and _blank(short)):
        return None
    name_policy = record.get("name_policy", "rewrite")
    name_policy = _POLICIES.get(name_policy) if type(name_policy) is str else None
    ids, context = record.get("ids", {}), record.get("context", [])
    if name_policy is None or type(ids) is not dict or type(context) is not list:
        return None
    if not all(isinstance(v, (str, int)) for v in ids.values()):
        return None
    if not all(isinstance(c, str) for c in context):
        return None
    aliases = [(name.strip(), _FULL, name_policy, _CANONICAL, None, "")]
    if short is not None:
        aliases.append((short.strip(), _SHORT, name_policy, _CANONICAL, None, ""))
    if not _plain_aliases(record, short is not None, aliases):
        return None
    same = shared.setdefault
    return (
        entity_id, name.strip(), same(entity_type, entity_type),
        short.strip() if short is not None else None, tuple(aliases),
        {key: str(value) for key, value in ids.items()}, same(tuple(context), tuple(context)),
        same(str(record.get("source", "")), str(record.get("source", ""))), origin,
    )  # fmt: skip


def _blank(value) -> bool:
    return type(value) is not str or not value.strip()


def _plain_aliases(record: dict, has_short: bool, aliases: list) -> bool:
    """Append the alias rows of every list; False when an entry is not plain."""
    for key, form, kind, policy, short_form in _LISTS:
        if key not in record:
            continue
        values = record[key]
        if type(values) is not list:
            return False
        for value in values:
            alias_policy = policy
            if type(value) is dict and value.keys() <= _TEXT_POLICY:
                text = value.get("text")
                if "policy" in value:
                    alias_policy = (
                        _POLICIES.get(value["policy"]) if type(value["policy"]) is str else None
                    )
                    if alias_policy is None:
                        return False
            else:
                text = value
            if type(text) is not str or not text.strip():
                return False
            if short_form and not has_short and alias_policy != _RECOGNIZE:
                return False  # a problem: the general way words it
            alias_kind = _NATIVE if kind == _VARIANT and not _is_latin_text(text) else kind
            aliases.append((text.strip(), form, alias_policy, alias_kind, None, ""))
    return True
