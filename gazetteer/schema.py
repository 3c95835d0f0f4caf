"""The entity schema: what one gazetteer entry holds, and how an alias may be used.

An entity has one canonical ``name`` (its English Wikipedia article title, native
diacritics kept) and an optional ``short`` form (the surname a person is called by
alone, or an organisation's acronym).  Every other spelling is an :class:`Alias`, and
every alias carries its own :class:`Policy`: whether a match may rewrite text, may only
be recognised (reported as a flag), or may rewrite only once the document has
established the entity through another mention.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

ENTITY_TYPES = frozenset(
    {
        "person",
        "organization",
        "place",
        "country",
        "operation",
        "equipment",
        "event",
        "term",
    }
)


class Policy(str, enum.Enum):
    """What a match of an alias is allowed to do."""

    #: The alias may be rewritten to the entity's canonical form.
    REWRITE = "rewrite"
    #: The alias is recognised (and reported as a flag) but never rewritten.
    RECOGNIZE = "recognize"
    #: The alias may be rewritten only after another mention of the same entity
    #: earlier in the document (short, ambiguous aliases such as acronyms).
    ESTABLISHED = "established"
    #: The alias may be rewritten only when the document also points to the entity's
    #: context (its country) or names it another way (bulk variant spellings).
    CONTEXT = "context"


class Form(str, enum.Enum):
    """Which canonical form an alias stands for."""

    FULL = "full"  # rewritten to the entity's ``name``
    SHORT = "short"  # rewritten to the entity's ``short`` form


class Kind(str, enum.Enum):
    """Where an alias comes from; it shapes the evidence sentence in the change log."""

    CANONICAL = "canonical"  # the entity's own name or short form
    VARIANT = "variant"  # another spelling or transliteration
    NATIVE = "native"  # the name in another script
    CALQUE = "calque"  # the name translated word for word
    ACRONYM = "acronym"  # initials, possibly transliterated (ПНС -> PNS)


@dataclass(frozen=True, slots=True)
class Alias:
    """One way of writing an entity's name, with what a match may do."""

    text: str
    form: Form = Form.FULL
    policy: Policy = Policy.REWRITE
    kind: Kind = Kind.VARIANT
    #: Replacement text when it is not the entity's name or short form (a calque
    #: such as "reconciliation forces" -> "GNA forces").
    replacement: str | None = None
    note: str = ""

    def __reduce__(self):
        # Positional and enum-by-value: several times faster to unpickle than the
        # default for slotted frozen dataclasses (the compiled index holds ~10^5).
        values = (self.form.value, self.policy.value, self.kind.value)
        return (alias_from_values, (self.text, *values, self.replacement, self.note))


@dataclass(frozen=True, slots=True)
class Entity:
    """One gazetteer entry."""

    id: str
    name: str
    type: str
    short: str | None = None
    aliases: tuple[Alias, ...] = ()
    external_ids: dict[str, str] = field(default_factory=dict)
    #: ISO country codes or entity ids the entity belongs to; used as context.
    context: tuple[str, ...] = ()
    source: str = ""
    #: Where the entry was read from ("news.jsonl:12"), for messages.
    origin: str = ""

    def __reduce__(self):
        return (
            Entity,
            (
                self.id, self.name, self.type, self.short, self.aliases,
                self.external_ids, self.context, self.source, self.origin,
            ),
        )  # fmt: skip

    def canonical(self, form: Form) -> str:
        """The canonical text for ``form`` (the short form falls back to the name)."""
        if form is Form.SHORT and self.short:
            return self.short
        return self.name

    def as_ref(self) -> dict[str, str]:
        """The ``entity`` object of the change log."""
        return {"id": self.id, "name": self.name, "type": self.type}


_FORMS = {form.value: form for form in Form}
_POLICIES = {policy.value: policy for policy in Policy}
_KINDS = {kind.value: kind for kind in Kind}


def alias_from_values(text, form, policy, kind, replacement, note) -> Alias:
    """An alias from its fields, enums given by value (how compiled indexes store them)."""
    return Alias(text, _FORMS[form], _POLICIES[policy], _KINDS[kind], replacement, note)


def entity_row(entity: Entity, shared: dict | None = None) -> tuple:
    """The plain tuple a compiled index keeps for ``entity`` (enums by value).

    With ``shared``, values that recur from entity to entity (a source, a type, a
    context, an alias's note) are one object each: pickled once, not 34,000 times."""
    same = (shared if shared is not None else {}).setdefault
    aliases = tuple(
        (a.text, a.form._value_, a.policy._value_, a.kind._value_, a.replacement,
         same(a.note, a.note))
        for a in entity.aliases
    )  # fmt: skip
    return (
        entity.id, entity.name, same(entity.type, entity.type), entity.short, aliases,
        entity.external_ids, same(entity.context, entity.context),
        same(entity.source, entity.source), entity.origin,
    )  # fmt: skip


def entity_from_row(row: tuple) -> Entity:
    """The entity of a row made by :func:`entity_row`."""
    id_, name, type_, short, aliases, external_ids, context, source, origin = row
    return Entity(
        id_, name, type_, short, tuple(alias_from_values(*values) for values in aliases),
        external_ids, context, source, origin,
    )  # fmt: skip
