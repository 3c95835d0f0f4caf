"""Stage ``punctuation``: closing quotes spaced on the wrong side, stray footnote marks,
unbalanced quotes (flagged), and an optional house quote style."""

from __future__ import annotations

import regex

from normalizer.context import Context

# `problems, ”the source said`: a right double quote that opens a word is a closing
# quote whose space went to the wrong side.  Only U+201D is unambiguous enough.
# Found from each ” (a literal is found at memory speed; the class-first pattern
# ``(?<=[\p{L}\p{N}.,;:!?…])[ \t]+”(?=\p{L})`` made the regex try every position).
_BEFORE_SPACE = regex.compile(r"[\p{L}\p{N}.,;:!?…]")
_LETTER = regex.compile(r"\p{L}")


def misplaced_closes(text: str):
    """(start, end) of each run of spaces before a ” that a letter follows, where the
    run itself follows a letter, digit or sentence punctuation: `problems, ”the`.

    >>> list(misplaced_closes("problems, ”the source”"))
    [(9, 11)]
    """
    position = text.find("”")
    while position != -1:
        start = position
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if (
            0 < start < position
            and _BEFORE_SPACE.match(text, start - 1)
            and _LETTER.match(text, position + 1)
        ):
            yield start, position + 1
        position = text.find("”", position + 1)


# `“Islamic State” * was named`: a lone asterisk after a name, the Russian-media mark of
# an organisation banned in Russia.  Not after digits (arithmetic) and not doubled.
_FOOTNOTE = regex.compile(
    r"(?<=[”\"»)]|\b\p{Lu}\p{L}+)[ \t]+\*(?=[ \t]+\p{Ll}|[ \t]*[.,;:]|[ \t]*$)", regex.M
)
_PARAGRAPH = regex.compile(r"[^\n]+")
_STRAIGHT = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "«": '"', "»": '"'}


def _fix_quote_spacing(context: Context) -> None:
    text = context.text
    scanned, balance = 0, 0  # open “ minus ” in the current line, counted up to ``scanned``
    for start, end in misplaced_closes(text):
        line_start = text.rfind("\n", scanned, start)
        if line_start != -1:
            scanned, balance = line_start + 1, 0
        balance += text.count("“", scanned, start) - text.count("”", scanned, start)
        scanned = start
        if balance <= 0:
            continue  # no quote is open: this ” opens one (Swedish, Finnish style)
        context.edit(
            start,
            end,
            "” ",
            "punctuation.quote_spacing",
            "moved the space from before to after a closing quote",
            confidence=0.95,
        )


_FOOTNOTE_BODY = regex.compile(r"^[ \t]*\*[ \t]*\S", regex.M)


def footnote_marks(text: str):
    """Matches of :data:`_FOOTNOTE`, tried only before each "*": the pattern's
    variable-length look-behind made a whole-text scan cost 0.3 ms on 9 KB.

    >>> [m.span() for m in footnote_marks("“Islamic State” * was named. 2 * 3")]
    [(15, 17)]
    """
    stars = []
    position = text.find("*")
    while position != -1:
        stars.append(position)
        position = text.find("*", position + 1)
    if any(_FOOTNOTE_BODY.match(text, text.rfind("\n", 0, star) + 1) for star in stars):
        return  # a line starting with "*" is the footnote the mark points to: keep both
    for star in stars:
        start = star
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        match = _FOOTNOTE.match(text, start) if start < star else None
        if match is not None:
            yield match


def _remove_footnote_marks(context: Context) -> None:
    for match in footnote_marks(context.text):
        context.edit(
            *match.span(),
            "",
            "punctuation.footnote_mark",
            "removed a stray footnote asterisk (the Russian-media mark of a banned organisation)",
            confidence=0.85,
        )


def _flag_unbalanced(context: Context) -> None:
    for paragraph in _PARAGRAPH.finditer(context.text):
        text = paragraph.group()
        if '"' not in text and "“" not in text and "”" not in text:
            continue
        opening, closing = text.count("“"), text.count("”")
        straight = text.count('"')
        if opening != closing:
            position = text.rfind("“") if opening > closing else text.rfind("”")
            context.flag(
                paragraph.start() + position,
                paragraph.start() + position + 1,
                "punctuation.unbalanced_quotes",
                f"{opening} opening and {closing} closing curly quotes in this paragraph",
            )
        if straight % 2:
            position = text.rfind('"')
            context.flag(
                paragraph.start() + position,
                paragraph.start() + position + 1,
                "punctuation.unbalanced_quotes",
                f"an odd number ({straight}) of straight double quotes in this paragraph",
            )


def _apply_quote_style(context: Context) -> None:
    style = context.options.quote_style
    text = context.text
    for position, char in enumerate(text):
        if style == "straight" and char in _STRAIGHT:
            replacement = _STRAIGHT[char]
        elif style == "curly" and char in "\"'":
            before = text[position - 1] if position else " "
            opening = before.isspace() or before in "([{—–-/"
            if char == "'":
                replacement = "‘" if opening else "’"
            else:
                replacement = "“" if opening else "”"
        else:
            continue
        context.edit(
            position,
            position + 1,
            replacement,
            "punctuation.quote_style",
            f"quote style {style!r} (an option)",
        )


def fix_punctuation(context: Context) -> None:
    """Fix quote spacing and footnote marks, flag unbalanced quotes, apply a quote style."""
    if context.options.quote_style != "preserve":
        # A style rewrites quotes one by one; spacing fixes wait for the next pass so
        # that the two never propose overlapping edits.
        before = len(context.edits)
        _apply_quote_style(context)
        if len(context.edits) > before:
            return
    _fix_quote_spacing(context)
    _remove_footnote_marks(context)
    _flag_unbalanced(context)
