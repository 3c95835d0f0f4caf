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


def _removal(lines, first: int, last: int) -> tuple[int, int]:
    """The span removing lines ``first..last``, and one blank line after them if they
    sat between blank lines."""
    start, end = lines[first][0], lines[last][1]
    before_blank = first == 0 or _blank(lines[first - 1][2])
    if before_blank and last + 1 < len(lines) and _blank(lines[last + 1][2]):
        end = lines[last + 1][1]
    return start, end


def _headline(lines, skipped: frozenset[int] = frozenset()) -> tuple[int, str] | None:
    """The first line with text outside ``skipped`` (its number, stripped), unless it is
    a bullet line or too long: then there is no headline to look for."""
    for number, (_, _, line) in enumerate(lines):
        if number in skipped or not line.strip():
            continue
        if _BULLET.match(line) or len(line.strip()) > MAX_HEADLINE_LENGTH:
            return None
        return number, line.strip()
    return None


def _numbers(blocks) -> frozenset[int]:
    return frozenset(n for first, last, _ in blocks for n in range(first, last + 1))


def _headline_and_captions(lines):
    """The headline and the caption blocks, judged with each other in view.

    A text may open with a caption block: the headline is then the first line after it,
    provided that line stays outside every block once it is known; otherwise the next
    run, on the text without the block, finds it.
    """
    headline = _headline(lines)
    if headline is not None:
        return headline, _caption_blocks(lines, headline[1])
    captions = _caption_blocks(lines, None)
    below = _headline(lines, _numbers(captions))
    if below is not None:
        joined = _caption_blocks(lines, below[1])
        if _headline(lines, _numbers(joined)) == below:
            return below, joined
    return None, captions


def _repeated_headlines(lines, headline, removed: frozenset[int]) -> list[tuple[int, int, str]]:
    """Repeats of the headline among the next few lines that stay.

    A removed repeat lets the next line into view, so this takes the window at its
    fixed point: a repeat goes when fewer than ``HEADLINE_WINDOW - 1`` other lines that
    stay come between it and the headline.  The search stops after that many, so the
    work is bounded however often the headline repeats, and a second run finds nothing.
    Lines in ``removed`` (caption blocks) are going anyway and take no place in view.
    """
    first, text = headline
    found, others = [], 0
    for number in range(first + 1, len(lines)):
        stripped = lines[number][2].strip()
        if not stripped or number in removed:
            continue
        if stripped != text:
            others += 1
            if others >= HEADLINE_WINDOW - 1:
                break
            continue
        found.append((number, number, f"removed a repeat of the headline {text!r}"))
    return found


def _caption_blocks(lines, headline: str | None) -> list[tuple[int, int, str]]:
    """Runs of bullet lines with a credit.  A repeat of the headline between two bullet
    lines belongs to their run: removing the repeat would join them, and a second clean
    would judge the joined run, so it is judged joined from the start."""

    def in_run(number: int) -> bool:
        line = lines[number][2]
        return bool(_BULLET.match(line)) or (headline is not None and line.strip() == headline)

    found, number = [], 0
    while number < len(lines):
        if not _BULLET.match(lines[number][2]):
            number += 1
            continue
        last, end = number, number
        while end + 1 < len(lines) and in_run(end + 1):
            end += 1
            if _BULLET.match(lines[end][2]):
                last = end
        bullets = [lines[i][2] for i in range(number, last + 1) if _BULLET.match(lines[i][2])]
        block = [line.strip(" \t•·▪◦‣") for line in bullets]
        credits = [line for line in block[1:] if _is_credit(line)]
        if 2 <= len(block) <= 4 and credits and not any(_is_sentence(line) for line in block):
            credit = credits[0]
            found.append((number, last, f"removed a photo caption block (credit: {credit})"))
        number = last + 1
    return found


def _at_the_very_end(text: str, spans: list[list]) -> None:
    """Without a final line break, removals that reach the end of the text take the line
    breaks before them too, across earlier removals they touch."""
    if not spans or spans[-1][1] != len(text) or text.endswith("\n"):
        return
    index = len(spans) - 1
    while True:
        floor = spans[index - 1][1] if index else 0
        start = spans[index][0]
        while start > floor and text[start - 1] in "\r\n":
            start -= 1
        spans[index][0] = start
        if not index or start != floor:
            return
        index -= 1


def remove_boilerplate(context: Context) -> None:
    """Remove repeated headlines near the top and bulleted photo caption/credit blocks."""
    if "\n" not in context.text:
        return
    lines = _lines(context.text)
    headline, captions = _headline_and_captions(lines)
    in_captions = _numbers(captions)
    repeats = [] if headline is None else _repeated_headlines(lines, headline, in_captions)
    spans: list[list] = []
    for first, last, message in sorted(repeats + captions):
        start, end = _removal(lines, first, last)
        if spans and start < spans[-1][1]:
            continue
        spans.append([start, end, message])
    _at_the_very_end(context.text, spans)
    for start, end, message in spans:
        rule = (
            "boilerplate.photo_caption" if "caption" in message else "boilerplate.repeated_headline"
        )
        context.edit(start, end, "", rule, message, confidence=0.95)
