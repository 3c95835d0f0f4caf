"""Stage ``script``: letters of another script inside or beside Latin words.

Three repairs, from most to least certain:

* look-alike letters (Cyrillic ``а``, Greek ``ο``) inside a word whose other letters are
  Latin become Latin — and Latin look-alikes inside a Cyrillic word become Cyrillic;
* a Latin name broken by foreign letters (``Çavuşo أوlu``) is rebuilt when a gazetteer
  name starts and ends with the surviving Latin fragments; otherwise it is flagged;
* other foreign-script fragments inside Latin-script lines are flagged as untranslated.
"""

from __future__ import annotations

import regex

from gazetteer.folding import fold_key
from normalizer.confusables import from_latin, latin_twin, to_latin
from normalizer.context import Context
from normalizer.script_data import (
    NON_ASCII_RUN,
    NON_LATIN_LETTER,
    SCRIPTS,
    WORD,
    letter_scripts,
    script_of,
)
from normalizer.stages.script_neighbours import (
    NATIVE_STEPS,
    around,
    by_neighbour,
    dangling,
    listing,
    native_note,
    native_support,
)
from normalizer.stages.script_readings import (
    NATIVE_LANGUAGES,
    choose,
    known,
    known_native,
    readings,
    variant_readings,
)
from normalizer.transliteration import pattern, reading, unspelled

_DEBRIS = r"\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Armenian}\p{Georgian}\p{Han}\p{Hangul}"
# Latin fragment, foreign letters glued to at least one side, Latin fragment.
_BROKEN = regex.compile(
    rf"(?P<pre>\p{{Latin}}[\p{{Latin}}\p{{M}}]*)"
    rf"(?P<gap1>[ \t]?)(?P<foreign>[{_DEBRIS}][{_DEBRIS}\p{{M}}]*)(?P<gap2>[ \t]?)"
    rf"(?P<suf>\p{{Latin}}[\p{{Latin}}\p{{M}}]*)?"
)
_DEBRIS_RUN = regex.compile(rf"[{_DEBRIS}][{_DEBRIS}\p{{M}}]*")
_DEBRIS_SCRIPT = regex.compile(rf"[{_DEBRIS}]")
_LATIN_PREFIX = regex.compile(r"[\p{Latin}\p{M}]*")
_FOREIGN_RUN = regex.compile(
    r"[^\P{L}\p{Latin}][\p{L}\p{M}]*(?:[\s\p{P}]{1,3}[^\P{L}\p{Latin}][\p{L}\p{M}]*)*"
)
_MARK = regex.compile(r"\p{M}")
_LINE_AT = regex.compile(r"[^\n]*")
# MT debris is one to three letters of the source word; a longer run is a word of its own.
_MAX_DEBRIS_LETTERS = 4
_MORE_FOREIGN = regex.compile(rf"[ \t]*[{_DEBRIS}]")
# Extra letters allowed between fragments beyond the foreign ones (MT drops or doubles).
_GAP_SLACK = 2


def _repair_mixed_word(context: Context, start: int, word: str) -> bool:
    """Repair a word of Latin letters and Cyrillic, Greek or other look-alike letters.

    The Latin readings are the look-alike one (UTS #39 confusables) and, for Cyrillic
    and Greek, the transliteration of the foreign letters; the native reading turns the
    Latin letters into look-alikes of the other script.  A reading is used only when it is
    a known word or name, and only when it is the one such reading.  Returns whether the
    word was dealt with here (repaired, flagged or deliberately kept).
    """
    counts = letter_scripts(word)
    if len(counts) != 2 or "Latin" not in counts:
        return False
    other = next(name for name in counts if name != "Latin")
    if _DEBRIS_SCRIPT.match(_first_of(word, other)):
        return False  # Arabic letters and the like: the broken-name repair's part
    if _is_symbol(word, counts, other):
        return True
    gazetteer = context.gazetteer
    latin = _latin_readings(word, other, gazetteer, around(context.text, start, start + len(word)))
    foreign = "".join(char for char in word if script_of(char) == other)
    costs = {
        id(hit): cost - NATIVE_STEPS * native_support(hit, foreign) for hit, _, _, cost in latin
    }
    best = choose([hit for hit, _, _, _ in latin], cost=lambda hit: costs[id(hit)])
    native = from_latin(word, other) if other in NATIVE_LANGUAGES else None
    native_known = native is not None and known_native(native, other, gazetteer)
    # The line decides which way a word with readings both ways goes: a Latin reading in
    # an English line, a native one in a Russian or Greek line (Hanoi, not Наной).
    latin_first = _latin_context(context.text, start, len(word))
    end = start + len(word)
    if len(best) == 1 and (latin_first or not native_known):
        found, rule, how, _ = next(item for item in latin if item[0] is best[0])
        message = f"{how}: {found.token} is {found.evidence}{native_note(found, foreign)}"
        entity = found.entity.as_ref() if found.entity is not None else None
        context.edit(start, end, found.token, rule, message, confidence=found.confidence,
                     entity=entity)  # fmt: skip
    elif native_known and (not best or not latin_first):
        message = f"Latin look-alike letters inside a {other} word replaced by {other} ones"
        context.edit(start, end, native, "script.lookalike", message, confidence=0.95)
    else:
        found = listing(best)
        what = f"it reads as several known words ({found})" if best else "no known word fits"
        context.flag(
            start, end, "script.mixed_token",
            f"{other} letters {foreign!r} inside a Latin word (read {reading(foreign, other)!r});"
            f" {what}",
        )  # fmt: skip
    return True


def _first_of(word: str, script: str) -> str:
    return next(char for char in word if char.isalpha() and script_of(char) == script)


def _is_symbol(word: str, counts: dict[str, int], other: str) -> bool:
    """Units and scientific notation: ``μg``, ``kΩ``, ``TNFα``, ``IFNγ``.

    A Greek small letter after capitals is a symbol; so is a short word with a Greek
    letter that looks like no Latin one (``μ``, ``Ω``: a unit's prefix or sign).
    """
    if other != "Greek":
        return False
    latin = [char for char in word if char.isalpha() and script_of(char) == "Latin"]
    foreign = [char for char in word if char.isalpha() and script_of(char) == other]
    if all(map(str.isupper, latin)) and all(map(str.islower, foreign)):
        return True
    return len(word) <= _SYMBOL_LENGTH and any(latin_twin(char) is None for char in foreign)


_SYMBOL_LENGTH = 3  # kΩ, μm, mΩ, μmol is four


def _latin_readings(word: str, other: str, gazetteer, beside: tuple[str, str] = ("", "")) -> list:
    """(reading, rule, how, cost) for each known Latin reading of ``word``, one per token.

    The look-alike reading costs nothing: it is the letter as it looks.  Spellings no
    list holds are read through the variant matcher only when no listed one fits.
    """
    found: dict[str, tuple] = {}
    lookalike = to_latin(word)
    if lookalike is not None and (hit := known(lookalike, gazetteer)) is not None:
        letters = "".join(sorted({char for char in word if script_of(char) == other}))
        how = f"{other} look-alike letters {letters!r} (Unicode confusables) replaced"
        found[fold_key(hit.token)] = (hit, "script.lookalike", how, 0)
    prefix = _LATIN_PREFIX.match(word).group()
    rest = _rest_pattern(word[len(prefix) :], other)
    if rest is not None:
        foreign = "".join(char for char in word if script_of(char) == other)
        how = f"{other} letters {foreign!r} read as {reading(foreign, other)!r}"
        hits = readings(prefix, rest, gazetteer)
        if not hits and not found:
            before, after = beside
            hits = variant_readings(
                prefix, word[len(prefix) :], other, "", gazetteer, before=before, after=after
            )
        for hit in hits:
            cost = unspelled(word[len(prefix) :], other, hit.token[len(prefix) :].lower())
            found.setdefault(fold_key(hit.token), (hit, "script.mixed_token", how, cost or 0))
    return list(found.values())


def _rest_pattern(rest: str, other: str) -> str | None:
    """A pattern of the Latin spellings of ``rest`` (Latin letters stand for themselves)."""
    parts = []
    for char in rest:
        if script_of(char) == other:
            piece = pattern(char, other)
            if piece is None:
                return None
            parts.append(f"(?:{piece})")
        else:
            parts.append(regex.escape(char.lower()))
    return "".join(parts)


def _latin_context(text: str, start: int, length: int) -> bool:
    """True when the words around a half-and-half word are Latin (it is an English word)."""
    around = text[max(0, start - 40) : start] + " " + text[start + length : start + length + 40]
    counts = letter_scripts(around)
    return counts.get("Latin", 0) > sum(counts.values()) / 2


def _mixed_words(text: str, runs: list[tuple[int, int]]):
    """(start, word) of each word (a run of letters and marks) holding a non-Latin letter."""
    done = 0
    for run_start, run_end in runs:
        position = max(run_start, done)
        while (letter := NON_LATIN_LETTER.search(text, position, run_end)) is not None:
            start = letter.start()
            while start > done and (text[start - 1].isalpha() or _MARK.match(text[start - 1])):
                start -= 1
            word = WORD.match(text, start)
            yield start, word.group()
            done = position = word.end()


def _debris_runs(text: str, runs: list[tuple[int, int]]):
    for run_start, run_end in runs:
        yield from _DEBRIS_RUN.finditer(text, run_start, run_end)


def _repair_broken_names(context: Context, runs: list[tuple[int, int]]) -> set[int]:
    """Rebuild names broken by foreign letters; return the starts of handled runs."""
    handled: set[int] = set()
    text = context.text
    matcher = context.gazetteer.matcher
    for debris in _debris_runs(text, runs):
        # Only runs glued to Latin letters (or one space from them) are looked at closely.
        window_start = max(0, debris.start() - 64)
        match = _BROKEN.match(
            text,
            window_start + _last_word_start(text, window_start, debris.start()),
            debris.end() + 64,
        )
        if match is None or match.start("foreign") != debris.start():
            continue
        pre, foreign, suf = match.group("pre"), match.group("foreign"), match.group("suf") or ""
        if _read_debris(context, match):
            handled.add(match.start("foreign"))
            continue
        glued = not match.group("gap1") or (suf and not match.group("gap2"))
        if not glued:
            continue
        handled.add(match.start("foreign"))
        script = script_of(foreign[0])
        found = matcher.complete(pre, suf, max_gap=len(foreign) + _GAP_SLACK) if suf else []
        start, end = match.start(), match.end() if suf else match.end("foreign")
        evidence = ""
        if len(found) > 1:
            found, evidence = by_neighbour(text, start, end, found)
        if len(found) == 1:
            token, entity = found[0]
            context.edit(
                start,
                end,
                token,
                "script.mixed_token",
                f"Latin fragments {pre!r} and {suf!r} of {token} around {script} letters "
                f"{foreign!r}{evidence}",
                confidence=0.95,
                entity=entity.as_ref(),
            )
        else:
            context.flag(
                start,
                end,
                "script.mixed_token",
                f"{script} letters {foreign!r} inside a Latin word; no single known name fits",
            )
    return handled


def _read_debris(context: Context, match: regex.Match) -> bool:
    """Repair a word whose foreign letters spell its missing Latin ones (``Sin ور``).

    The Latin fragment before, the letters the foreign ones may stand for, and the
    fragment after (when one follows; with a space between, the word without it is tried
    too) must make one known word or name.  Returns whether the run was dealt with.
    """
    text, foreign = context.text, match.group("foreign")
    script = script_of(foreign[0])
    middle = pattern(foreign, script)
    letters = sum(1 for char in foreign if char.isalpha())
    if middle is None or letters > _MAX_DEBRIS_LETTERS or _MORE_FOREIGN.match(text, match.end()):
        return False  # a word or phrase of that language, not debris
    pre = match.group("pre")
    suf = match.group("suf") or ""
    attempts = [(suf, match.end())] if suf else []
    if not suf or match.group("gap2"):
        attempts.append(("", match.end("foreign")))
    for tail, tail_end in attempts:
        found = _debris_readings(context, match, middle, tail, tail_end)

        def spelled(hit, tail=tail):
            return hit.token[len(pre) : len(hit.token) - len(tail)]

        found = choose(
            found,
            cost=lambda hit: (
                unspelled(foreign, script, spelled(hit).lower())
                - NATIVE_STEPS * native_support(hit, foreign)
            ),
        )
        if found:
            end = tail_end
            break
    else:
        return False
    start, read = match.start(), reading(foreign, script)
    if len(found) > 1:
        tokens = listing(found)
        message = f"{script} letters {foreign!r} (read {read!r}) inside a Latin word; "
        context.flag(start, end, "script.mixed_token", message + f"several words fit: {tokens}")
        return True
    hit = found[0]
    message = (
        f"{script} letters {foreign!r} ({read!r}) stand for {spelled(hit)!r} between "
        f"{pre!r} and {tail!r}: {hit.token} is {hit.evidence}{native_note(hit, foreign)}"
    )
    entity = hit.entity.as_ref() if hit.entity is not None else None
    context.edit(start, end, hit.token, "script.mixed_token", message,
                 confidence=hit.confidence, entity=entity)  # fmt: skip
    return True


def _debris_readings(context: Context, match: regex.Match, middle: str, tail: str, end: int):
    """The listed readings of a debris run; when none fits (or is left after
    :func:`dangling`), its readings through the variant matcher."""
    pre, foreign = match.group("pre"), match.group("foreign")
    found = readings(pre, middle + regex.escape(tail.lower()), context.gazetteer)
    alone = bool(match.group("gap1")) and not tail
    if alone:
        found = dangling(context.text, match, found, context.gazetteer)
    if not found:
        before, after = around(context.text, match.start(), end)
        script = script_of(foreign[0])
        found = variant_readings(
            pre, foreign, script, tail, context.gazetteer, before=before, after=after
        )
        if alone:
            found = dangling(context.text, match, found, context.gazetteer)
    return found


def _last_word_start(text: str, window_start: int, position: int) -> int:
    """Offset (from ``window_start``) of the Latin word just before ``position``."""
    index = position
    if index > window_start and text[index - 1] in " \t":
        index -= 1
    while index > window_start and (text[index - 1].isalpha() or _MARK.match(text[index - 1])):
        index -= 1
    return index - window_start


def _lines_with(text: str, runs: list[tuple[int, int]]):
    """The lines (as matches) holding a non-Latin letter, each once, in order."""
    done = -1
    for run_start, run_end in runs:
        if run_start < done or not NON_LATIN_LETTER.search(text, run_start, run_end):
            continue
        line_start = text.rfind("\n", 0, run_start) + 1
        line = _LINE_AT.match(text, line_start)
        done = line.end()
        yield line


def _flag_untranslated(context: Context, handled: set[int], runs: list[tuple[int, int]]) -> None:
    for line in _lines_with(context.text, runs):
        counts = letter_scripts(line.group())
        latin, total = counts.get("Latin", 0), sum(counts.values())
        if total == 0 or latin == total or latin * 2 < total:
            continue  # all Latin, or a foreign-language line (the language stage's part)
        for run in _FOREIGN_RUN.finditer(line.group()):
            start = line.start() + run.start()
            if start in handled or not any(c.isalpha() for c in run.group()):
                continue
            script = script_of(run.group()[0])
            if script == "Greek" and sum(map(str.isalpha, run.group())) <= 2:
                continue  # a symbol (μ, Ω, β-blockers), not text
            label = SCRIPTS.get(script, SCRIPTS["Latin"]).label
            read = reading(run.group(), script)
            says = f"; it reads {read!r}" if read else ""
            context.flag(
                start,
                start + len(run.group()),
                "script.untranslated",
                f"untranslated {label} text {run.group()!r} in an English line{says}",
            )


def repair_mixed_script(context: Context) -> None:
    """Repair look-alike letters and broken names; flag untranslated fragments."""
    text = context.text
    if text.isascii():
        return
    runs = [match.span() for match in NON_ASCII_RUN.finditer(text)]
    if not any(NON_LATIN_LETTER.search(text, start, end) for start, end in runs):
        return  # only Latin letters: nothing of another script to repair or flag
    in_words: set[int] = set()
    for start, word in _mixed_words(text, runs):
        if _repair_mixed_word(context, start, word):
            in_words.update(range(start, start + len(word)))
    handled = _repair_broken_names(context, runs) | in_words
    _flag_untranslated(context, handled, runs)
