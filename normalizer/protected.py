"""Text that is not prose, found once per document: no stage may rewrite it.

Links, e-mail addresses, file paths, @handles, #hashtags, inline code, DOIs and
identifiers are addresses: a name "corrected" inside one gives a link that no longer
works.  Titles of books, films and reports are quoted as their authors spelled them; a
native-script spelling the text presents as such ("in Arabic", "(Russian: …)", a gloss in
brackets) is meant to be native; a paragraph or quotation in another script, or in another
Latin-script language (``normalizer.foreign_passages``), is that language's text.
:func:`find_protected` finds all of these in the input text, and the pipeline holds back
every edit that falls inside one (:func:`hold_back`): it becomes a flag, so an editor
still sees it.  No stage needs code of its own for this.  The spans are
found once, in the text as written: after the encoding stage has repaired mojibake, which
can hide where a link ends; the encoding stage itself may repair bytes inside them.

The one kind of edit allowed inside a passage in another script or language is a
look-alike repair *into* its script (a Latin ``a`` inside a Russian word becoming ``а``, a
Cyrillic ``а`` inside a French word becoming ``a``): it mends that language's own text.

>>> [(span.kind, text[span.start : span.end]) for text in [
...     "See https://example.com/Grasimov-talks.html, and #Hifter."]
...  for span in find_protected(text)]
[('link', 'https://example.com/Grasimov-talks.html'), ('hashtag', '#Hifter')]
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick
import regex

from normalizer.changes import Edit, Flag
from normalizer.foreign_passages import find_foreign_passages
from normalizer.script_data import NON_ASCII_RUN, has_non_latin_letter, letter_scripts

_LANGUAGES = (
    r"(?:Russian|Arabic|Persian|Farsi|Ukrainian|Belarusian|Turkish|Hebrew|Greek|Kurdish|"
    r"Dari|Pashto|Urdu|Georgian|Armenian|Amharic|Chinese|Japanese|Korean)"
)
_CLOSE = r"[\p{P}\p{S}]*?"  # trailing punctuation that ends the sentence, not the address
_NON_LATIN = r"[^\P{L}\p{Latin}]"

_TLDS = (
    "com", "org", "net", "gov", "edu", "int", "info", "news", "io", "me", "ru", "ua", "ly",
    "tr", "uk", "de", "fr", "eg", "sy", "iq", "ir", "sa", "ae", "qa", "il", "ps", "by",
)  # fmt: skip
_FILE_TYPES = (
    "png", "jpg", "jpeg", "gif", "svg", "pdf", "csv", "txt", "html", "htm", "doc", "docx",
    "xls", "xlsx", "ppt", "pptx", "json", "xml", "zip", "py", "js", "mp4", "mp3",
)  # fmt: skip
_LANGUAGE_NAMES = _LANGUAGES[3:-1].lower().split("|")

#: (kind, needles, pattern): a pattern runs only on a text holding one of its needles
#: (lower case) — most news holds no link at all, and a substring test costs nothing
#: beside a regex scan.  The span is the group ``body`` when the pattern has one.
PATTERNS: tuple[tuple[str, tuple[str, ...], regex.Pattern], ...] = tuple(
    (kind, needles, regex.compile(pattern, regex.IGNORECASE))
    for kind, needles, pattern in (
        ("code", ("`",), r"`[^`\n]+`"),
        (
            "link",
            ("://",),
            rf"(?P<body>\b(?:https?|ftp)://[^\s<>\"“”«»]+?){_CLOSE}(?=[\s<>\"“”«»]|$)",
        ),
        ("link", ("www.",), rf"(?P<body>\bwww\.[^\s<>\"“”«»]+?){_CLOSE}(?=[\s<>\"“”«»]|$)"),
        ("email", ("@",), r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        ("doi", ("doi:", "10."), rf"(?P<body>\bdoi:\s?\S+?|\b10\.\d{{4,9}}/\S+?){_CLOSE}(?=\s|$)"),
        ("handle", ("@",), r"(?<![\w@.])@\w+"),
        ("hashtag", ("#",), r"(?<![\w&#])#\w*[^\W\d_]\w*"),
        ("path", ("/", "\\"), r"(?<![\w/])(?:~|\.{1,2})?(?:/[\w.\-]+){2,}/?|\b[a-z]:\\[^\s]+"),
        ("identifier", ("_",), r"\b\w+_\w+\b"),
        (
            "gloss",
            _LANGUAGE_NAMES,
            rf"\(\s*(?:in\s+)?{_LANGUAGES}\s*:\s*(?P<body>[^)\n]{{1,200}})\)",
        ),
        (
            "gloss",
            tuple(f"in {name}" for name in _LANGUAGE_NAMES),
            rf"\bin\s+{_LANGUAGES}\b(?:\s+(?:is|as|reads|spelled|written|means))?[\s,:]*"
            rf"(?P<body>{_NON_LATIN}(?:[\p{{M}} \-']*{_NON_LATIN})*)",
        ),
    )
)
# A bare domain ("globallookpress.com/photo") is found from its top-level domain back:
# scanning for "\.(com|org|…)" is fast where a pattern starting with a word is not.
_TOP_LEVEL = regex.compile(rf"\.(?:{'|'.join(_TLDS)})\b", regex.IGNORECASE)
_DOMAIN = regex.compile(
    rf"(?P<body>[\w-]+(?:\.[\w-]+)*\.(?:{'|'.join(_TLDS)})(?:/[^\s<>\"“”«»]*?)?)"
    rf"{_CLOSE}(?=[\s<>\"“”«»]|$)",
    regex.IGNORECASE,
)
_DOMAIN_CHAR = regex.compile(r"[\w.-]")
# A title: a quotation right after "book", "report", "film", "titled" …  Found from the
# title words by ``str.find`` (a pattern starting with them tried every word of the text).
_TITLE_WORDS = (
    "book",
    "novel",
    "film",
    "movie",
    "documentary",
    "report",
    "study",
    "paper",
    "article",
    "essay",
    "memoir",
    "play",
    "song",
    "album",
    "series",
    "show",
    "poem",
    "biography",
    "titled",
)  # fmt: skip  ("entitled" holds "titled")
# A title without quotes, right after "the book", "the report" …: its run of capitalised
# words (small words between them), as publishers capitalise titles.  Found from the
# title words (``str.find``): a pattern starting at every "the" cost half a millisecond.
_BARE_TITLE_WORDS = (
    "book", "novel", "film", "movie", "documentary", "report", "memoir", "biography",
    "album", "song", "poem", "play", "study",
)  # fmt: skip
_DETERMINER_BEFORE = regex.compile(r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Aa]) $")
_BARE_TITLE = regex.compile(
    r"(?:,? (?:titled|entitled|called))? "
    r"(?P<body>\p{Lu}[\w'’-]*(?: (?:(?:of|the|and|for|in|on|a|an|to|at|by|with|from) )*"
    r"\p{Lu}[\w'’-]*)*)"
)
_QUOTED_TITLE = regex.compile(r"s?,?\s{0,3}[“\"‘'«„](?P<body>[^”\"’'»“\n]{1,200})[”\"’'»“]")
_FILE_TYPE = regex.compile(rf"\.(?:{'|'.join(_FILE_TYPES)})\b", regex.IGNORECASE)
_FILE_NAME = regex.compile(rf"[\w\-]+\.(?:{'|'.join(_FILE_TYPES)})\b", regex.IGNORECASE)
_BRACKETED = regex.compile(r"\((?P<body>[^()\n]{1,200})\)|\[(?P<body>[^\[\]\n]{1,200})\]")
_QUOTED = regex.compile(
    r"«(?P<body>[^»\n]{1,400})»|“(?P<body>[^”\n]{1,400})”|„(?P<body>[^“”\n]{1,400})[“”]"
    r"|\"(?P<body>[^\"\n]{1,400})\""
)


def _needle_finder(needles) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


# Every needle above and every title word, found in one pass over the lower-cased text:
# one Aho-Corasick walk (C) instead of ~50 substring scans of it and the Python around
# them (0.78 -> 0.43 ms over the five seeds; 25 µs of every call on a short text).
_NEEDLES = _needle_finder(
    {needle for _, needles, _ in PATTERNS for needle in needles} | set(_TITLE_WORDS)
)
_LINE = regex.compile(r"[^\n]*\S")
_LETTER = regex.compile(r"\p{L}")
_FOREIGN_LETTER = regex.compile(_NON_LATIN)
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
    "language": "a passage in another language",
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
    present = needles_in(text.lower())
    for kind, needles, pattern in PATTERNS:
        if present.isdisjoint(needles):
            continue
        for match in pattern.finditer(text):
            start, end = match.span("body") if "body" in pattern.groupindex else match.span()
            if end > start:
                spans.append(Span(start, end, kind))
    title_words = [word for word in _TITLE_WORDS if word in present]
    if title_words:
        spans += _titles(text, title_words)
    if "." in text:
        spans += _anchored(text, _TOP_LEVEL, _DOMAIN, "link")
        spans += _anchored(text, _FILE_TYPE, _FILE_NAME, "file name")
    if has_non_latin_letter(text):
        spans += _foreign_spans(text)
    spans += [Span(start, end, "language") for start, end in find_foreign_passages(text)]
    spans.sort(key=lambda span: (span.start, -span.end))
    # A span inside another is the same text seen twice ("example.com/a.html" inside a
    # link); only a foreign passage keeps what it holds (a gloss or a link there is
    # stricter).
    kept: list[Span] = []
    for span in spans:
        outer = kept[-1] if kept else None
        if outer and span.end <= outer.end and outer.kind not in _PASSAGES:
            continue
        kept.append(span)
    return tuple(kept)


def needles_in(lower: str) -> set[str]:
    """Which of the patterns' needles and the title words the lower-cased text holds:
    exactly those ``needle in lower`` is true for.

    >>> sorted(needles_in("see www.example.com, the book in russian"))
    ['book', 'in russian', 'russian', 'www.']
    """
    return {needle for _, needle in _NEEDLES.iter(lower)} if lower else set()


def _titles(text: str, words: list[str]) -> list[Span]:
    """Quoted titles after a title word, and bare ones after "the book" and the like.

    ``words``: the title words the lower-cased text holds (any "Book" is a "book" there).
    """
    spans = []
    for word in words:
        for written in (word, word.capitalize()):
            at = text.find(written)
            while at != -1:
                end = at + len(written)
                if at == 0 or not text[at - 1].isalpha() or word == "titled":
                    spans += _title_after(text, at, end, word)
                at = text.find(written, end)
    return spans


def _title_after(text: str, at: int, end: int, word: str) -> list[Span]:
    quoted = _QUOTED_TITLE.match(text, end)
    if quoted is not None:
        return [Span(*quoted.span("body"), "title")]
    if word in _BARE_TITLE_WORDS and _DETERMINER_BEFORE.search(text, max(0, at - 7), at):
        bare = _BARE_TITLE.match(text, end)
        if bare is not None:
            return [Span(*bare.span("body"), "title")]
    return []


def _anchored(text: str, anchor: regex.Pattern, pattern: regex.Pattern, kind: str):
    """Spans of ``pattern`` found from an ``anchor`` inside them back to their start."""
    spans, done = [], 0
    for hit in anchor.finditer(text):
        start = hit.start()
        while start > done and _DOMAIN_CHAR.match(text[start - 1]):
            start -= 1
        match = pattern.match(text, start)
        body = "body" if "body" in pattern.groupindex else 0
        if match is not None and match.end(body) > done:
            spans.append(Span(*match.span(body), kind))
            done = match.end()
    return spans


def find_protected_in(log) -> tuple[Span, ...]:
    """The protected spans of a change log's current text, located in its input."""
    return tuple(
        Span(*log.locate(span.start, span.end), span.kind) for span in find_protected(log.text)
    )


def _mostly_foreign(text: str) -> bool:
    """Whether most letters of ``text`` are of a script other than Latin."""
    counts = letter_scripts(text)
    latin = counts.get("Latin", 0)
    return sum(counts.values()) > 2 * latin


def _foreign_spans(text: str) -> list[Span]:
    """Lines, quotations and bracketed glosses mostly in another script."""
    spans = []
    for line_start, line_end in _lines_with_foreign_letters(text):
        for pattern, kind in ((_LINE, "foreign"), (_QUOTED, "foreign"), (_BRACKETED, "gloss")):
            for match in pattern.finditer(text, line_start, line_end):
                body = match.group("body") if "body" in pattern.groupindex else match.group()
                if not _FOREIGN_LETTER.search(body) or not _mostly_foreign(body):
                    continue
                start, end = match.span("body") if "body" in pattern.groupindex else match.span()
                spans.append(Span(start, end, kind))
    return spans


def _lines_with_foreign_letters(text: str):
    """(start, end) of each line holding a letter of a script other than Latin."""
    done = -1
    for run in NON_ASCII_RUN.finditer(text):
        if run.end() <= done:
            continue
        letter = _FOREIGN_LETTER.search(text, max(run.start(), done), run.end())
        if letter is None:
            continue
        start = text.rfind("\n", 0, letter.start()) + 1
        end = text.find("\n", letter.start())
        done = len(text) if end == -1 else end
        yield start, done


#: The kinds that are text in another language, and the script each one's own look-alike
#: repairs write in (None: any script but Latin).
_PASSAGES = {"foreign": None, "language": "Latin"}


def _allowed(span: Span, edit: Edit, start: int, end: int) -> bool:
    """Whether ``edit`` (input range ``[start, end)``) may touch ``span`` after all.

    Removing a whole span with what surrounds it (a caption block with its credit
    domain) rewrites nothing inside it; and a look-alike repair into a foreign passage's
    own script mends that language's text.
    """
    if start <= span.start and span.end <= end and edit.replacement == "":
        return True
    if span.kind not in _PASSAGES or edit.rule != "script.lookalike":
        return False
    if _PASSAGES[span.kind] == "Latin":
        return not has_non_latin_letter(edit.replacement)
    return not has_latin_letter(edit.replacement)


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
