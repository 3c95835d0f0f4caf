"""Text that is not prose, found once per document: no stage may rewrite it.

Links, e-mail addresses, file paths, @handles, #hashtags, inline code, DOIs and
identifiers are addresses: a name "corrected" inside one gives a link that no longer
works.  Titles of books, films and reports are quoted as their authors spelled them; a
native-script spelling the text presents as such ("in Arabic", "(Russian: …)", a gloss in
brackets) is meant to be native; a paragraph or quotation in another script is that
language's text.  :func:`find_protected` finds all of these in the input text, and the
pipeline holds back every edit that falls inside one (:func:`hold_back`): it becomes a
flag, so an editor still sees it.  No stage needs code of its own for this.  The spans are
found once, in the text as written: after the encoding stage has repaired mojibake, which
can hide where a link ends; the encoding stage itself may repair bytes inside them.

The one kind of edit allowed inside a passage in another script is a look-alike repair
*into* that script (a Latin ``a`` inside a Russian word becoming ``а``): it mends that
language's own text.

>>> [(span.kind, text[span.start : span.end]) for text in [
...     "See https://example.com/Grasimov-talks.html, and #Hifter."]
...  for span in find_protected(text)]
[('link', 'https://example.com/Grasimov-talks.html'), ('hashtag', '#Hifter')]
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from normalizer.changes import Edit, Flag

_LANGUAGES = (
    r"(?:Russian|Arabic|Persian|Farsi|Ukrainian|Belarusian|Turkish|Hebrew|Greek|Kurdish|"
    r"Dari|Pashto|Urdu|Georgian|Armenian|Amharic|Chinese|Japanese|Korean)"
)
_CLOSE = r"[\p{P}\p{S}]*?"  # trailing punctuation that ends the sentence, not the address
_NON_LATIN = r"[^\P{L}\p{Latin}]"

#: (kind, pattern); the span is the group ``body`` when the pattern has one.
PATTERNS: tuple[tuple[str, regex.Pattern], ...] = tuple(
    (kind, regex.compile(pattern, regex.IGNORECASE))
    for kind, pattern in (
        ("code", r"`[^`\n]+`"),
        ("link", rf"(?P<body>\b(?:https?|ftp)://[^\s<>\"“”«»]+?){_CLOSE}(?=[\s<>\"“”«»]|$)"),
        ("link", rf"(?P<body>\bwww\.[^\s<>\"“”«»]+?){_CLOSE}(?=[\s<>\"“”«»]|$)"),
        ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        (
            "link",
            rf"(?P<body>\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|info|news|io|me|"
            rf"ru|ua|ly|tr|uk|de|fr|eg|sy|iq|ir|sa|ae|qa|il|ps|by)(?:/[^\s<>\"“”«»]*?)?)"
            rf"{_CLOSE}(?=[\s<>\"“”«»]|$)",
        ),
        ("doi", rf"(?P<body>\bdoi:\s?\S+?|\b10\.\d{{4,9}}/\S+?){_CLOSE}(?=\s|$)"),
        ("handle", r"(?<![\w@.])@\w+"),
        ("hashtag", r"(?<![\w&#])#\w*[^\W\d_]\w*"),
        ("path", r"(?<![\w/])(?:~|\.{1,2})?(?:/[\w.\-]+){2,}/?|\b[a-z]:\\[^\s]+"),
        (
            "file name",
            r"\b[\w\-]+\.(?:png|jpe?g|gif|svg|pdf|csv|txt|html?|docx?|xlsx?|pptx?|json|xml|"
            r"zip|py|js|mp4|mp3)\b",
        ),
        ("identifier", r"\b\w+_\w+\b"),
        (
            "title",
            r"\b(?:book|novel|film|movie|documentary|report|study|paper|article|essay|memoir|"
            r"play|song|album|series|show|poem|biography|titled|entitled)s?,?\s*"
            r"[“\"‘'«„](?P<body>[^”\"’'»“\n]{1,200})[”\"’'»“]",
        ),
        ("gloss", rf"\(\s*(?:in\s+)?{_LANGUAGES}\s*:\s*(?P<body>[^)\n]{{1,200}})\)"),
        (
            "gloss",
            rf"\bin\s+{_LANGUAGES}\b(?:\s+(?:is|as|reads|spelled|written|means))?[\s,:]*"
            rf"(?P<body>{_NON_LATIN}(?:[\p{{M}} \-']*{_NON_LATIN})*)",
        ),
    )
)
_BRACKETED = regex.compile(r"\((?P<body>[^()\n]{1,200})\)|\[(?P<body>[^\[\]\n]{1,200})\]")
_QUOTED = regex.compile(
    r"«(?P<body>[^»\n]{1,400})»|“(?P<body>[^”\n]{1,400})”|„(?P<body>[^“”\n]{1,400})[“”]"
    r"|\"(?P<body>[^\"\n]{1,400})\""
)
_LINE = regex.compile(r"[^\n]*\S")
_LETTER = regex.compile(r"\p{L}")
_LATIN_LETTER = regex.compile(r"\p{Latin}")


def has_latin_letter(text: str) -> bool:
    """Whether ``text`` holds a Latin letter."""
    return _LATIN_LETTER.search(text) is not None


KIND_LABELS = {
    "code": "inline code",
    "link": "a link",
    "email": "an e-mail address",
    "doi": "a DOI",
    "handle": "an @handle",
    "hashtag": "a hashtag",
    "path": "a file path",
    "file name": "a file name",
    "identifier": "an identifier",
    "title": "a quoted title",
    "gloss": "a native-script spelling given as such",
    "foreign": "a passage in another script",
}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the input that is not English prose to be rewritten."""

    start: int
    end: int
    kind: str


def find_protected(text: str) -> tuple[Span, ...]:
    """Every protected span of ``text``, sorted by start (spans may nest)."""
    spans: list[Span] = []
    for kind, pattern in PATTERNS:
        if kind in ("email", "handle") and "@" not in text:
            continue
        for match in pattern.finditer(text):
            start, end = match.span("body") if "body" in pattern.groupindex else match.span()
            if end > start:
                spans.append(Span(start, end, kind))
    if not text.isascii():
        spans += _foreign_spans(text)
    spans.sort(key=lambda span: (span.start, -span.end))
    # A span inside another is the same text seen twice ("example.com/a.html" inside a
    # link); only a foreign passage keeps what it holds (a gloss there is stricter).
    kept: list[Span] = []
    for span in spans:
        outer = kept[-1] if kept else None
        if outer and span.end <= outer.end and outer.kind != "foreign":
            continue
        kept.append(span)
    return tuple(kept)


def find_protected_in(log) -> tuple[Span, ...]:
    """The protected spans of a change log's current text, located in its input."""
    return tuple(
        Span(*log.locate(span.start, span.end), span.kind) for span in find_protected(log.text)
    )


def _mostly_foreign(text: str) -> bool:
    """Whether most letters of ``text`` are of a script other than Latin."""
    letters = _LETTER.findall(text)
    foreign = sum(1 for letter in letters if not has_latin_letter(letter))
    return foreign > 0 and foreign * 2 > len(letters)


def _foreign_spans(text: str) -> list[Span]:
    """Lines, quotations and bracketed glosses mostly in another script."""
    spans = []
    for pattern, kind in ((_LINE, "foreign"), (_QUOTED, "foreign"), (_BRACKETED, "gloss")):
        for match in pattern.finditer(text):
            body = match.group("body") if "body" in pattern.groupindex else match.group()
            if body.isascii() or not _mostly_foreign(body):
                continue
            start, end = match.span("body") if "body" in pattern.groupindex else match.span()
            spans.append(Span(start, end, kind))
    return spans


def _allowed(span: Span, edit: Edit, start: int, end: int) -> bool:
    """Whether ``edit`` (input range ``[start, end)``) may touch ``span`` after all.

    Removing a whole span with what surrounds it (a caption block with its credit
    domain) rewrites nothing inside it; and a look-alike repair into a foreign passage's
    own script mends that language's text.
    """
    if start <= span.start and span.end <= end and edit.replacement == "":
        return True
    return (
        span.kind == "foreign"
        and edit.rule == "script.lookalike"
        and not has_latin_letter(edit.replacement)
    )


def blocking(spans: Sequence[Span], starts: Sequence[int], start: int, end: int, edit: Edit):
    """The protected span the input range ``[start, end)`` of ``edit`` touches, or None."""
    for index in range(bisect.bisect_right(starts, max(start, end - 1)) - 1, -1, -1):
        span = spans[index]
        if end > start:
            inside = span.start < end and start < span.end
        else:
            inside = span.start < start < span.end
        if inside and not _allowed(span, edit, start, end):
            return span
    return None


def hold_back(edits: list[Edit], spans: Sequence[Span], locate) -> tuple[list[Edit], list[Flag]]:
    """Split a stage's edits into those outside protected spans and flags for the others.

    ``locate`` maps a span of the current text to the input (``ChangeLog.locate``);
    the flags are in current coordinates, like the stage's own.
    """
    if not spans or not edits:
        return edits, []
    starts = [span.start for span in spans]
    kept, flags = [], []
    for edit in edits:
        start, end = locate(edit.start, edit.end)
        span = blocking(spans, starts, start, end, edit)
        if span is None:
            kept.append(edit)
            continue
        note = f"{edit.message} (not applied: inside {KIND_LABELS[span.kind]})"
        flags.append(Flag(edit.start, edit.end, edit.category, edit.rule, note, edit.entity))
    return kept, flags
