"""The pipeline: one ordered tuple of named stages, and :func:`clean`.

Each stage's name is its category, its option name (``categories``) and the prefix of
its rules in the change log.  Stages run in order, pass after pass, until a pass changes
nothing (at most :data:`MAX_PASSES`); flags come from that last, quiet pass, so they
describe the output text and are located in the input.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import gazetteer as gazetteer_package
from normalizer.changes import (
    ChangeLog,
    CleanResult,
    Edit,
    Flag,
    in_utf16_units,
    with_flag_offsets,
)
from normalizer.context import Context, DocumentState
from normalizer.errors import GazetteerError, InputError
from normalizer.options import STAGE_NAMES, CleanOptions
from normalizer.protected import find_protected_in, hold_back
from normalizer.stages.boilerplate import remove_boilerplate
from normalizer.stages.encoding import fix_encoding
from normalizer.stages.entity import canonicalize_names
from normalizer.stages.language import flag_languages
from normalizer.stages.punctuation import fix_punctuation
from normalizer.stages.script import repair_mixed_script
from normalizer.stages.whitespace import normalize_whitespace

# A stage's edit may enable another (an entity rewrite can make a repeated headline
# identical); three passes settle every case we know, the fourth only confirms.
MAX_PASSES = 4
# The largest text one call accepts (code points); the HTTP layer has its own byte limit.
MAX_TEXT_LENGTH = 5_000_000


@dataclass(frozen=True)
class Stage:
    """One named step of the pipeline."""

    name: str
    run: Callable[[Context], None]
    description: str
    #: False for stages that only report: they run once, on the final text.
    edits: bool = True
    #: True when one run is a fixed point of the stage: its own edits never give it
    #: more to do, so only other stages' edits make it run again.  (The property tests
    #: check that cleaning the output changes nothing.)
    self_idempotent: bool = False
    #: For a stage that never looks at which letters a word holds: given the text after
    #: other stages' edits that each wrote letters for letters (:func:`letters_for_letters`:
    #: a name rewritten, nothing else) and the options, whether it may find anything new.
    #: None: any edit may give it work.  False saves re-running it after the entity stage
    #: (``tests/test_fast_paths.py`` checks each answer against a real run).
    after_letter_edits: Callable[[str, CleanOptions], bool] | None = None


STAGES: tuple[Stage, ...] = (
    Stage("encoding", fix_encoding, "mojibake, HTML entities and control characters (ftfy)"),
    Stage("boilerplate", remove_boilerplate, "repeated headlines and photo caption blocks"),
    Stage(
        "whitespace",
        normalize_whitespace,
        "line-end spaces, blank-line runs, invisible spaces",
        # Letters written for letters inside a line change no line end, no blank line,
        # no invisible space, and keep a bidirectional control between word characters.
        after_letter_edits=lambda text, options: False,
    ),
    Stage("script", repair_mixed_script, "look-alike letters, names broken by foreign letters"),
    Stage(
        "punctuation",
        fix_punctuation,
        "quote spacing, footnote marks, quote style",
        # Double quotes, their counts and the letter or space beside each stay.  A
        # footnote mark is judged by the capitals of the word before it, which a rewrite
        # may change; a quote style rewrites the apostrophes a name may bring.
        after_letter_edits=lambda text, options: "*" in text or options.quote_style != "preserve",
    ),
    Stage(
        "entity",
        canonicalize_names,
        "names canonicalized against the gazetteer",
        self_idempotent=True,
    ),
    Stage("language", flag_languages, "document language; other-language paragraphs", False),
)
assert tuple(stage.name for stage in STAGES) == STAGE_NAMES


def _non_overlapping(edits: list[Edit]) -> tuple[list[Edit], bool]:
    """Sort a stage's edits; an edit overlapping an earlier one waits for the next pass.

    Returns the edits to apply and whether any had to wait.
    """
    kept: list[Edit] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position or (kept and edit.start == edit.end == position):
            continue
        kept.append(edit)
        position = edit.end
    return kept, len(kept) < len(edits)


def letters_for_letters(text: str, edits: list[Edit]) -> bool:
    """Whether every edit replaces letters by letters: the text it replaces and its
    replacement each start and end with a letter and hold only letters, combining marks,
    spaces, hyphens and apostrophes between (``Hifter`` -> ``Haftar``, ``Al-Wefaq
    government`` -> ``Government of National Accord``, ``Çavuşo أوlu`` -> ``Çavuşoğlu``).

    >>> letters_for_letters("Hifter met", [Edit(0, 6, "Haftar", "entity.alias", "")])
    True
    >>> letters_for_letters("Hifter met", [Edit(0, 7, "Haftar", "entity.alias", "")])
    False
    """
    return all(
        _letters_only(text[edit.start : edit.end]) and _letters_only(edit.replacement)
        for edit in edits
    )


def _letters_only(piece: str) -> bool:
    if not piece or not piece[0].isalpha() or not piece[-1].isalpha():
        return False
    if piece.isalpha():
        return True
    # A name's words run together (four replaces: 0.3 µs, a translate table 1.3 µs).
    letters = piece.replace(" ", "").replace("-", "").replace("'", "").replace("’", "")
    return letters.isalpha() or all(
        char.isalpha() or unicodedata.category(char).startswith("M") for char in letters
    )


def _run_passes(log: ChangeLog, options: CleanOptions, gazetteer, state) -> tuple[list, int, bool]:
    """Run the stages to a fixed point; return the flags (input offsets), the passes
    made, and whether the text settled (False: :data:`MAX_PASSES` stopped a stage that
    still had work, and cleaning the output again may change it).

    A stage runs again only when the text changed since it last ran — by another
    stage, or by itself when it is not ``self_idempotent`` or had edits wait.  Each
    stage's flags are those of its latest run; report-only stages run last, once.  A
    stage that other stages' letters-for-letters edits cannot give work to
    (``after_letter_edits``) is passed over when those are all that changed since its
    last run: that run found nothing to edit, and its flags stand where they were.
    """
    enabled = [stage for stage in STAGES if stage.name in options.categories]
    dirty = {stage.name: True for stage in enabled}
    # Whether the text changed since the stage last ran other than by letters for letters.
    moved = dict(dirty)
    flags: dict[str, list[Flag]] = {}
    passes = 0
    while passes < MAX_PASSES and any(dirty[stage.name] for stage in enabled if stage.edits):
        passes += 1
        for stage in enabled:
            if not stage.edits or not dirty[stage.name]:
                continue
            if not moved[stage.name] and not stage.after_letter_edits(log.text, options):
                dirty[stage.name] = False
                continue
            moved[stage.name] = False
            if state.protected is None and stage.name != "encoding":
                # Found in the text as written, once its encoding is repaired: mojibake
                # can hide where a link ends ("cafÃ©#tag").
                state.protected = find_protected_in(log)
            context = Context(log.text, options, gazetteer, state)
            stage.run(context)
            allowed, held = hold_back(context.edits, state.protected or (), log.locate)
            context.flags.extend(held)
            flags[stage.name] = [with_flag_offsets(flag, log) for flag in context.flags]
            edits, waited = _non_overlapping(allowed)
            settled = stage.self_idempotent and not context.unsettled
            dirty[stage.name] = waited or (bool(edits) and not settled)
            moved[stage.name] = dirty[stage.name]
            if edits:
                letters = letters_for_letters(log.text, edits)
                log.apply(edits)
                for other in enabled:
                    if other is not stage:
                        dirty[other.name] = True
                        moved[other.name] |= not letters or other.after_letter_edits is None
    settled = not any(dirty[stage.name] for stage in enabled if stage.edits)
    for stage in enabled:
        if not stage.edits:
            context = Context(log.text, options, gazetteer, state)
            stage.run(context)
            flags[stage.name] = [with_flag_offsets(flag, log) for flag in context.flags]
    found = [flag for stage_flags in flags.values() for flag in stage_flags]
    return found, max(passes, 1), settled


def clean(
    text: str,
    options: CleanOptions | Mapping[str, Any] | None = None,
    *,
    gazetteer: gazetteer_package.Gazetteer | None = None,
) -> CleanResult:
    """Clean one text; return the cleaned text, the located change log and the flags.

    ``options`` is a :class:`CleanOptions` or a mapping of option names (unknown names
    raise :class:`~normalizer.errors.OptionsError`); ``gazetteer`` defaults to the
    built-in one.

    >>> result = clean("Khalifa Hifter met Sergei Lavrov in Sirt.")
    >>> result.text
    'Khalifa Haftar met Sergey Lavrov in Sirte.'
    >>> [(c.original, c.replacement, c.rule) for c in result.changes][0]
    ('Hifter', 'Haftar', 'entity.alias')
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(f"text is {len(text)} characters; the limit is {MAX_TEXT_LENGTH}")
    if not isinstance(options, CleanOptions):
        options = CleanOptions.from_mapping(options)
    if gazetteer is None:
        gazetteer = default_gazetteer()
    log = ChangeLog(text)
    state = DocumentState()
    flags, passes, settled = _run_passes(log, options, gazetteer, state)
    changes = tuple(log.changes)
    flags = tuple(sorted(flags, key=lambda flag: (flag.start, flag.end, flag.rule)))
    if options.offsets == "utf16":
        changes, flags = in_utf16_units(text, changes, flags)
    stats = {
        "passes": passes,
        "settled": settled,
        "changes": len(changes),
        "flags": len(flags),
        "changes_by_category": dict(sorted(Counter(c.category for c in changes).items())),
        "input_length": len(text),
        "output_length": len(log.text),
        "gazetteer_version": gazetteer.version,
    }
    return CleanResult(log.text, changes, flags, state.language, stats)


def warm_up(gazetteer: gazetteer_package.Gazetteer | None = None) -> None:
    """Load everything a first call would load lazily (gazetteer, word lists, detector).

    Servers call this before forking workers, so that workers share the memory and the
    first request is as fast as the others.  A text cannot reach every table (the word
    list behind mixed-script readings is built only for debris no name explains), so
    those are built here by name.
    """
    from normalizer.stages.script_readings import english_word_list

    english_word_list()
    clean(
        "Khalifa Hifter met Valery Grasimov and Sergey Naryшkin in Sirt on Monday morning. "
        "Это тест, а это ещё один тест на русском языке.",
        gazetteer=gazetteer,
    )


def default_gazetteer() -> gazetteer_package.Gazetteer:
    """The built-in gazetteer, loaded once per process (errors become GazetteerError)."""
    try:
        return gazetteer_package.load_default()
    except gazetteer_package.GazetteerDataError as error:
        raise GazetteerError(str(error)) from error
