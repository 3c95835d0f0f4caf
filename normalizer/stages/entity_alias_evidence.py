"""Evidence for a mention that is an exact alias: the stage's old context rules, each a
small named function returning one :class:`~normalizer.stages.entity_evidence.Evidence`.

An exact alias starts from the confidence its kind of alias earns (a known spelling
0.95, the canonical name without its proper letters 0.97, …: :data:`KIND_RULES`); the
document's evidence can only hold it back.  Three effects, all read by the one
:func:`~normalizer.stages.entity_evidence.decide`:

* a **weight** (the alias itself);
* a **cap**, the most confidence the evidence allows: the only named reading of a
  shared alias (0.85), an alias that needs support the document does not give (0.7,
  below the default ``min_confidence``: a flag with the suggestion);
* a **guard** (weight :data:`~normalizer.stages.entity_evidence.BLOCK`): nothing is
  written, and the guard's ``flag`` rule, when it has one, reports why.
"""

from __future__ import annotations

import functools

from gazetteer import Alias, Entity, Form, Kind, Mention, Policy
from gazetteer.folding import fold
from gazetteer.index import ARTICLE_TOKENS
from normalizer.stages.entity_evidence import BLOCK, DEMONYMS, Evidence, country_adjective
from normalizer.stages.entity_rules import (
    AMBIGUOUS_ZIPF,
    GLOSS_BEFORE,
    KIND_RULES,
    LITERAL_BEFORE,
    WORD,
    glued_fragment,
    isolated_in_latin,
    name_word_before,
    zipf,
)

#: The most a shared alias earns from being the only one of its readings named.
SHARED_CAP = 0.85
#: The most an alias that needs support earns without it (below ``min_confidence`` 0.8).
UNSUPPORTED_CAP = 0.7
#: Guards decided by the words around a mention, and the window of text they read
#: (before, after): a rewrite there may change them (``_Canonicalizer.unsettled``).
NEIGHBOUR_WINDOWS = {"native_context": (40, 40), "literal_use": (40, 0)}


_KIND_LEVEL = {kind: kind.value for kind in Kind}
_RECOGNIZE_ONLY = Evidence("policy", "recognize", BLOCK, "listed to recognize only")


def no_lead(mention: Mention, names: list[str]) -> Evidence:
    """A guard: a shared alias whose readings the document does not tell apart."""
    return Evidence(
        "lead", "none", BLOCK,
        f"{mention.text!r} may name any of: {', '.join(names)}; not rewritten",
        flag="entity.ambiguous",
    )  # fmt: skip


def recognize_only(mention: Mention, entity: Entity, alias: Alias) -> Evidence | None:
    """A guard: an alias the editors listed to recognize, not to rewrite.  A possible
    calque is worth a look (a flag); other recognised names are not."""
    if alias.policy is not Policy.RECOGNIZE:
        return None
    if alias.kind is not Kind.CALQUE:
        return _RECOGNIZE_ONLY  # most recognised names (GeoNames' alternate names)
    return Evidence(
        "policy", "recognize", BLOCK,
        f"{mention.text!r} may refer to {entity.name}: {alias.note}",
        flag="entity.recognized",
    )  # fmt: skip


def established_first(
    mention: Mention, entity: Entity, alias: Alias, established: bool
) -> Evidence | None:
    """A guard: an alias (an acronym, say) that stands for the entity only once the
    document has named it another way."""
    if alias.policy is not Policy.ESTABLISHED or established:
        return None
    return Evidence(
        "not_established", "not_named_before", BLOCK,
        f"{mention.text!r} may stand for {entity.name}, which the document has not named "
        "before it; not rewritten",
        flag="entity.not_established",
    )  # fmt: skip


def foreign_text(mention: Mention, foreign) -> Evidence | None:
    """A guard: a paragraph or quotation in another language keeps its own spelling."""
    if any(start <= mention.start < end for start, end in foreign):
        return Evidence("language", "foreign", BLOCK, "it stands in another language's text")
    return None


def after_name_word(text: str, mention: Mention, entity: Entity, target: str) -> str | None:
    """``target`` as it may be written where ``mention`` stands: whole, unless it is a
    person's name that puts words before the mention's own and a name word already
    stands there ("Rajab Tayyip Erdogan": the full "Recep Tayyip Erdoğan" written after
    "Rajab" would give him two first names).  Then only the words that continue the
    mention's ("Tayyip Erdoğan"), or None when the mention does not start as they do
    (see :func:`stacked_name`)."""
    if entity.type != "person":
        return target  # "Operation Anger Volcano": the name of a thing, not a given name
    written, wanted = mention.text.split(), target.split()
    extra = len(wanted) - len(written)
    if extra <= 0:
        return target
    before = name_word_before(text, mention.start)
    if before is None or before in DEMONYMS:
        return target
    if fold(wanted[extra]) == fold(written[0]):
        return " ".join(wanted[extra:])
    return None


def stacked_name(text: str, mention: Mention, target: str) -> Evidence:
    """A guard: the entity's name would be written after a name word that is not part of
    it, and the mention's words are not the end of that name."""
    word = name_word_before(text, mention.start)
    return Evidence(
        "spelling", "after_name_word", BLOCK,
        f"{mention.text!r} is a known spelling of {target}, but the name word {word!r} stands "
        "before it: written there, the name would read twice or name someone else; not "
        "rewritten",
        flag="entity.alias",
    )  # fmt: skip


def name_word_kept(text: str, mention: Mention, entity: Entity, target: str) -> Evidence | None:
    """Said in the message when :func:`after_name_word` wrote only part of the name."""
    fitted = after_name_word(text, mention, entity, target)
    if fitted is None or fitted == target:
        return None
    word = name_word_before(text, mention.start)
    return Evidence(
        "spelling", "after_name_word", 0.0,
        f"written from {fitted.split()[0]!r} on, after the name word {word!r} that stands "
        "before it",
    )  # fmt: skip


def nothing_to_change(mention: Mention, replacement: str) -> Evidence | None:
    """A guard: the mention is already written as it would be (the common case)."""
    if replacement == mention.text:
        return Evidence("spelling", "as_written", BLOCK, "it is written as the entity is")
    return None


def native_context(text: str, mention: Mention, alias: Alias) -> Evidence | None:
    """A guard: a native-script alias inside foreign-language text, or given as a gloss
    ("known as Лавров"), is the text's own word."""
    if alias.kind is not Kind.NATIVE:
        return None
    before = text[max(0, mention.start - 40) : mention.start]
    if isolated_in_latin(text, mention.start, mention.end) and not GLOSS_BEFORE.search(before):
        return None
    return Evidence("native_context", "foreign_words", BLOCK, "its neighbours are not English")


def literal_use(text: str, mention: Mention, alias: Alias) -> Evidence | None:
    """A guard: a calque whose words are used in their own sense ("to become Haftar's
    successor")."""
    if alias.kind is not Kind.CALQUE:
        return None
    if LITERAL_BEFORE.search(text[max(0, mention.start - 40) : mention.start]):
        return Evidence("literal_use", "own_sense", BLOCK, "its words mean what they say")
    return None


def glued_native(text: str, mention: Mention, entity: Entity, alias: Alias) -> Evidence | None:
    """A guard: a native-script alias glued to a Latin fragment is debris of a broken
    word (see :func:`~normalizer.stages.entity_rules.glued_fragment`)."""
    if alias.kind is not Kind.NATIVE:
        return None
    fragment = glued_fragment(text, mention.start, entity)
    if not fragment:
        return None
    return Evidence(
        "glued_fragment", "debris", BLOCK,
        f"{mention.text!r} is {entity.name} in its native script, but it is glued to the "
        f"Latin fragment {fragment!r}: the debris of a broken word, not rewritten",
        flag="entity.native_alias",
    )  # fmt: skip


def alias_kind(entity: Entity, alias: Alias) -> Evidence:
    """The alias itself: what kind of listed name it is, and the confidence that earns."""
    _, confidence, text = KIND_RULES[alias.kind]
    text = text.format(name=entity.name)
    if alias.note:
        text += f" ({alias.note})"
    return Evidence("alias", _KIND_LEVEL[alias.kind], confidence, text)


def shared_reading() -> Evidence:
    """A shared alias read as the only one of its entities the document named."""
    return Evidence(
        "shared_alias", "only_named_reading", 0.0,
        "the only one of its readings named earlier in the document", cap=SHARED_CAP,
    )  # fmt: skip


def support(text: str, entity: Entity, named_twice) -> Evidence | None:
    """Whether an alias that could mean something else has support in the document.

    Some aliases could (:func:`needs_support`): a one-word alias that English uses on
    its own ("Surt" the fire giant, Jafra Cosmetics, Bahrain's Al-Wefaq: Zipf >=
    :data:`AMBIGUOUS_ZIPF`), a calque (made of ordinary words), and a surname that
    differs only in diacritics ("Kalin Lucas" is not İbrahim Kalın).  Asked only for
    those, and only when the entity was not named before: support is another mention
    pointing to its country (``named_twice(code)``), or the country's adjective
    ("Syrian").  None when it has support; else a cap.
    """
    if any(named_twice(code) for code in entity.context):
        return None
    if country_adjective(text, entity.context):
        return None  # "the Syrian army": the country named by its adjective
    where = ", ".join(entity.context) or "it"
    return Evidence(
        "support", "none", 0.0,
        f"but nothing else in the document points to {where}", cap=UNSUPPORTED_CAP,
    )  # fmt: skip


@functools.lru_cache(maxsize=16384)
def needs_support(alias: Alias, entity_type: str, short: str | None) -> bool:
    """Whether a rewrite through ``alias`` needs support from the document (see support)."""
    key = fold(" ".join(alias.text.split())).strip()
    tokens = WORD.findall(key)
    core = tokens[1] if len(tokens) == 2 and tokens[0] in ARTICLE_TOKENS else key
    # "Haftar's successor" carries the surname itself: it is its own evidence.
    own_name = set(fold(short).split()) if entity_type == "person" and short else set()
    return (
        alias.policy is Policy.CONTEXT
        or (alias.kind is Kind.CANONICAL and alias.form is Form.SHORT)
        or (" " not in core and zipf(core) >= AMBIGUOUS_ZIPF)
        or (alias.kind is Kind.CALQUE and not own_name & set(tokens))
    )


def message(written: str, kept: list[Evidence], confidence: float) -> str:
    """An exact alias's message: what the alias is, what held it back, the confidence."""
    reasons = "; ".join(item.text for item in kept)
    return f"{written!r} {reasons} (confidence {confidence:.2f})"
