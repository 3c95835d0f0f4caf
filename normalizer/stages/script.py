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
from normalizer.context import Context
from normalizer.script_data import (
    LATIN_TO_CYRILLIC,
    NON_ASCII_RUN,
    NON_LATIN_LETTER,
    SCRIPTS,
    WORD,
    letter_scripts,
    script_of,
)

_DEBRIS = r"\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Armenian}\p{Georgian}\p{Han}\p{Hangul}"
# Latin fragment, foreign letters glued to at least one side, Latin fragment.
_BROKEN = regex.compile(
    rf"(?P<pre>\p{{Latin}}[\p{{Latin}}\p{{M}}]*)"
    rf"(?P<gap1>[ \t]?)(?P<foreign>[{_DEBRIS}][{_DEBRIS}\p{{M}}]*)(?P<gap2>[ \t]?)"
    rf"(?P<suf>\p{{Latin}}[\p{{Latin}}\p{{M}}]*)?"
)
_DEBRIS_RUN = regex.compile(rf"[{_DEBRIS}][{_DEBRIS}\p{{M}}]*")
_FOREIGN_RUN = regex.compile(
    r"[^\P{L}\p{Latin}][\p{L}\p{M}]*(?:[\s\p{P}]{1,3}[^\P{L}\p{Latin}][\p{L}\p{M}]*)*"
)
_MARK = regex.compile(r"\p{M}")
_LINE_AT = regex.compile(r"[^\n]*")
_NEIGHBOUR_BEFORE = regex.compile(r"(\p{L}+)[ \t]+$")
_NEIGHBOUR_AFTER = regex.compile(r"[ \t]+(\p{L}+)")
# Extra letters allowed between fragments beyond the foreign ones (MT drops or doubles).
_GAP_SLACK = 2


def _repair_lookalikes(context: Context, start: int, word: str) -> None:
    counts = letter_scripts(word)
    if len(counts) != 2 or "Latin" not in counts:
        return
    other = next(name for name in counts if name != "Latin")
    table = SCRIPTS[other].to_latin if other in SCRIPTS else {}
    latin_side = counts["Latin"] > counts[other] or (
        counts["Latin"] == counts[other] and _latin_context(context.text, start, len(word))
    )
    if latin_side and all(
        char in table for char in word if char.isalpha() and script_of(char) == other
    ):
        fixed = "".join(table.get(char, char) for char in word)
        letters = "".join(sorted({c for c in word if c in table}))
        context.edit(
            start,
            start + len(word),
            fixed,
            "script.lookalike",
            f"{other} look-alike letters {letters!r} inside a Latin word replaced by Latin ones",
            confidence=0.95,
        )
    elif (
        other == "Cyrillic"
        and counts[other] > counts["Latin"]
        and all(
            char in LATIN_TO_CYRILLIC
            for char in word
            if char.isalpha() and script_of(char) == "Latin"
        )
    ):
        fixed = "".join(LATIN_TO_CYRILLIC.get(char, char) for char in word)
        context.edit(
            start,
            start + len(word),
            fixed,
            "script.lookalike",
            "Latin look-alike letters inside a Cyrillic word replaced by Cyrillic ones",
            confidence=0.95,
        )


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
        glued = not match.group("gap1") or (suf and not match.group("gap2"))
        if not glued:
            continue
        handled.add(match.start("foreign"))
        script = script_of(foreign[0])
        found = matcher.complete(pre, suf, max_gap=len(foreign) + _GAP_SLACK) if suf else []
        start, end = match.start(), match.end() if suf else match.end("foreign")
        evidence = ""
        if len(found) > 1:
            found, evidence = _by_neighbour(text, start, end, found)
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


def _by_neighbour(text: str, start: int, end: int, found: list) -> tuple[list, str]:
    """Keep the completions whose entity's name also holds the word before or after."""
    before = _NEIGHBOUR_BEFORE.search(text, max(0, start - 40), start)
    after = _NEIGHBOUR_AFTER.match(text, end, end + 40)
    words = [m.group(1) for m in (before, after) if m]
    kept = [
        (token, entity)
        for token, entity in found
        if any(fold_key(word) in fold_key(entity.name).split(" ") for word in words)
    ]
    if len(kept) == 1:
        return kept, f", and the neighbouring word matches the name {kept[0][1].name}"
    return found, ""


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
            if script in ("Cyrillic", "Greek") and all(
                char in SCRIPTS[script].to_latin for char in run.group() if char.isalpha()
            ):
                continue  # look-alike letters: handled (or deliberately kept) above
            context.flag(
                start,
                start + len(run.group()),
                "script.untranslated",
                f"untranslated {SCRIPTS.get(script, SCRIPTS['Latin']).label} text "
                "in an English line",
            )


def repair_mixed_script(context: Context) -> None:
    """Repair look-alike letters and broken names; flag untranslated fragments."""
    text = context.text
    if text.isascii():
        return
    runs = [match.span() for match in NON_ASCII_RUN.finditer(text)]
    if not any(NON_LATIN_LETTER.search(text, start, end) for start, end in runs):
        return  # only Latin letters: nothing of another script to repair or flag
    for start, word in _mixed_words(text, runs):
        _repair_lookalikes(context, start, word)
    handled = _repair_broken_names(context, runs)
    _flag_untranslated(context, handled, runs)
