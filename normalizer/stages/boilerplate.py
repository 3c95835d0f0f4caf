"""Stage ``boilerplate``: repeated headlines and photo caption/credit blocks.

Both are removed as whole lines.  When the removed lines sat between two blank lines,
one of the blank lines goes too, so the paragraph spacing around them stays as it was.
"""

from __future__ import annotations

import regex

from normalizer.context import Context

# A headline repeat is looked for among the first lines only: scrapers prepend the
# title (once or twice) before the body; further down a repeated line is content.
HEADLINE_WINDOW = 8
MAX_HEADLINE_LENGTH = 200
_BULLET = regex.compile(r"^[ \t]*[•·▪◦‣][ \t]+\S")
# A caption block needs a credit: a copyright sign, or a known picture source.
_CREDIT = regex.compile(
    r"©|\(c\)|\bphoto\b|\b(?:reuters|afp|ap|epa|getty(?: images)?|tass|ria novosti|xinhua|"
    r"anadolu(?: agency)?|sputnik|globallookpress\.com|global look press|shutterstock|"
    r"dpa|efe|ansa|wikimedia|unsplash)\b",
    regex.IGNORECASE,
)


def _is_credit(line: str) -> bool:
    """A credit line is short and is the credit itself: "Reuters", "© Name", a domain."""
    return len(line.split()) <= 5 and bool(_CREDIT.search(line))


def _is_sentence(line: str) -> bool:
    """Full sentences ("Reuters reported that ...") make a list, not a caption block."""
    return len(line.split()) > 12 or line.rstrip().endswith((".", "!", "?", ":"))


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end including the newline, text without it) for each line."""
    lines = []
    offset = 0
    for line in text.split("\n"):
        end = min(offset + len(line) + 1, len(text))
        lines.append((offset, end, line))
        offset += len(line) + 1
    return lines


def _blank(line: str) -> bool:
    return not line.strip()


def _removal(text: str, lines, first: int, last: int) -> tuple[int, int]:
    """The span removing lines ``first..last``, and one blank line after them if they
    sat between blank lines; at the very end, the line breaks before them too."""
    start, end = lines[first][0], lines[last][1]
    before_blank = first == 0 or _blank(lines[first - 1][2])
    if before_blank and last + 1 < len(lines) and _blank(lines[last + 1][2]):
        end = lines[last + 1][1]
    if end == len(text) and not text.endswith("\n"):
        while start > 0 and text[start - 1] in "\r\n":
            start -= 1
    return start, end


def _repeated_headlines(lines) -> list[tuple[int, int, str]]:
    """Repeats of the first line (the headline) among the next few lines."""
    content = [(number, line.strip()) for number, (_, _, line) in enumerate(lines) if line.strip()]
    if not content or len(content[0][1]) > MAX_HEADLINE_LENGTH:
        return []
    headline = content[0][1]
    return [
        (number, number, f"removed a repeat of the headline {headline!r}")
        for number, stripped in content[1:HEADLINE_WINDOW]
        if stripped == headline
    ]


def _caption_blocks(lines) -> list[tuple[int, int, str]]:
    found, number = [], 0
    while number < len(lines):
        if not _BULLET.match(lines[number][2]):
            number += 1
            continue
        last = number
        while last + 1 < len(lines) and _BULLET.match(lines[last + 1][2]):
            last += 1
        block = [lines[i][2].strip(" \t•·▪◦‣") for i in range(number, last + 1)]
        credits = [line for line in block[1:] if _is_credit(line)]
        if 2 <= len(block) <= 4 and credits and not any(_is_sentence(line) for line in block):
            credit = credits[0]
            found.append((number, last, f"removed a photo caption block (credit: {credit})"))
        number = last + 1
    return found


def remove_boilerplate(context: Context) -> None:
    """Remove repeated headlines near the top and bulleted photo caption/credit blocks."""
    if "\n" not in context.text:
        return
    lines = _lines(context.text)
    blocks = sorted(_repeated_headlines(lines) + _caption_blocks(lines))
    last_end = 0
    for first, last, message in blocks:
        start, end = _removal(context.text, lines, first, last)
        if start < last_end:
            continue
        rule = (
            "boilerplate.photo_caption" if "caption" in message else "boilerplate.repeated_headline"
        )
        context.edit(start, end, "", rule, message, confidence=0.95)
        last_end = end
