"""The curation report: unknown spellings gathered across many cleaned documents.

Every day of news brings spellings the gazetteer has never seen.  One document only
flags them; a batch output holds enough of them to decide.  :func:`gather` reads the
lines of a batch output (``normalizer batch`` or ``POST /v1/clean/batch``) and collects

- names flagged ``entity.unknown_variants`` (two spellings of one name the gazetteer does
  not know): the spellings are joined across documents, and the most frequent becomes the
  suggested name of a new entity, the others its aliases;
- spellings rewritten by ``entity.fuzzy_variant`` (a close spelling the gazetteer does not
  list: at most 0.9 confidence), or flagged by it below ``min_confidence``: suggested as
  aliases of the entity they were matched to (``{"alias_of": ID, ...}`` lines);
- names flagged ``entity.ambiguous`` (close to several entities): listed, no suggestion.

Each row says how often and in which documents, the evidence, and example contexts;
:func:`gazetteer_file` writes the suggested lines as a gazetteer source file (header and
lines, the gazetteer's own format) and checks that it loads with the gazetteer in use.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import gazetteer as gazetteer_package
from gazetteer.folding import strip_diacritics
from gazetteer.loader import load_sources
from normalizer.errors import GazetteerError
from normalizer.stages.entity_rules import ARTICLE_NAME

#: Rules whose spans are spellings the gazetteer does not know.
UNKNOWN = "entity.unknown_variants"
FUZZY = "entity.fuzzy_variant"
AMBIGUOUS = "entity.ambiguous"
EXAMPLES = 3  # example contexts kept per spelling
CONTEXT_CHARS = 50  # on each side of an example
# New entities get this type; the curator checks it (the report cannot know).
NEW_ENTITY_TYPE = "person"
_QUOTED = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_PAIR = re.compile(rf"^{_QUOTED} and {_QUOTED} may be two spellings")
_SUGGESTED = re.compile(rf"suggested {_QUOTED}\)$")


@dataclass
class Spelling:
    """One row of the report: a spelling, where it was seen, and what to do with it."""

    spelling: str
    variants: list[str] = field(default_factory=list)
    count: int = 0
    documents: list = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    suggestion: dict | None = None
    evidence: str = ""
    examples: list[str] = field(default_factory=list)
    gazetteer_line: dict | None = None

    def to_dict(self) -> dict:
        """The row as JSON (see ``CuratedSpelling`` in the OpenAPI spec)."""
        return {
            "spelling": self.spelling,
            "variants": list(self.variants),
            "count": self.count,
            "documents": list(self.documents),
            "rules": list(self.rules),
            "suggestion": self.suggestion,
            "evidence": self.evidence,
            "examples": list(self.examples),
            "gazetteer_line": self.gazetteer_line,
        }


@dataclass
class Report:
    """What :func:`gather` found: counts of lines and the rows, most frequent first."""

    documents: int = 0
    lines: int = 0
    errors: int = 0
    spellings: list[Spelling] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as JSON (``CurationReport`` in the OpenAPI spec)."""
        return {
            "documents": self.documents,
            "lines": self.lines,
            "errors": self.errors,
            "spellings": [row.to_dict() for row in self.spellings],
        }


def input_text(record: dict) -> str:
    """The input a batch result was cleaned from: its output with every change undone.

    >>> input_text({"text": "Khalifa Haftar met", "changes": [
    ...     {"start": 8, "end": 14, "original": "Hifter", "replacement": "Haftar"}]})
    'Khalifa Hifter met'
    """
    output, pieces, at, position = record["text"], [], 0, 0
    for change in record["changes"]:
        gap = change["start"] - position
        pieces += [output[at : at + gap], change["original"]]
        replacement = change["replacement"]
        if gap < 0 or output[at + gap : at + gap + len(replacement)] != replacement:
            raise ValueError(f"the log does not undo at {change['start']}: not code points?")
        at += gap + len(replacement)
        position = change["end"]
    pieces.append(output[at:])
    return "".join(pieces)


def _example(text: str, start: int, end: int) -> str:
    """The line around ``text[start:end]``, the span in brackets: "…said [Al-Zoui] and…"."""
    first, last = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    before, after = text[first:start].split("\n")[-1], text[end:last].split("\n")[0]
    opened = "…" if len(before) == start - first and first > 0 else ""
    closed = "…" if len(after) == last - end and last < len(text) else ""
    return f"{opened}{before}[{text[start:end]}]{after}{closed}"


class _Collector:
    """The rows being gathered, keyed by (rule group, spelling, suggested entity)."""

    def __init__(self) -> None:
        self.rows: dict[tuple, Spelling] = {}
        self.seen: dict[tuple, set] = defaultdict(set)
        self.pairs: list[tuple[str, str]] = []
        self.occurrences: dict[str, Counter] = defaultdict(Counter)  # spelling -> documents
        self.order: dict = {}  # document -> its place in the batch

    def add(self, key, spelling, rule, document, example, **details) -> Spelling:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Spelling(spelling, **details)
        row.count += 1
        if document not in self.seen[key]:
            self.seen[key].add(document)
            row.documents.append(document)
        if rule not in row.rules:
            row.rules.append(rule)
        if len(row.examples) < EXAMPLES and example not in row.examples:
            row.examples.append(example)
        return row

    def read(self, record: dict, text: str, document) -> None:
        self.order.setdefault(document, len(self.order))
        # Every "Al-Name" of every document, flagged or not: how often an unknown name
        # is seen is counted over the whole batch (the names the stage pairs up).
        for match in ARTICLE_NAME.finditer(text):
            self.occurrences[match.group()][document] += 1
        for item in (*record.get("changes", ()), *record.get("flags", ())):
            rule, start, end = item["rule"], item["start"], item["end"]
            spelling, example = text[start:end], _example(text, start, end)
            if rule == UNKNOWN:
                self._unknown(item, spelling, text, document, example)
            elif rule == FUZZY and item.get("entity"):
                suggested = item.get("replacement") or _quoted(_SUGGESTED, item["message"])
                entity = item["entity"]
                key = (FUZZY, spelling, entity["id"])
                row = self.add(key, spelling, rule, document, example, suggestion=entity)
                row.evidence = item["message"]
                row.variants = [suggested] if suggested else []
            elif rule == AMBIGUOUS:
                row = self.add((AMBIGUOUS, spelling), spelling, rule, document, example)
                row.evidence = item["message"]

    def _unknown(self, flag: dict, spelling: str, text: str, document, example: str) -> None:
        other = _quoted(_PAIR, flag["message"], group=2) or spelling
        self.pairs.append((spelling, other))
        self.add((UNKNOWN, spelling), spelling, UNKNOWN, document, example)


def _quoted(pattern: re.Pattern, message: str, group: int = 1) -> str | None:
    match = pattern.search(message)
    return ast.literal_eval(match.group(group)) if match else None


def gather(lines: Iterable, *, gazetteer=None) -> Report:
    """The report of a batch output's lines (bytes, str or dicts; error lines are counted).

    ``gazetteer`` (default: the built-in one) is the gazetteer the suggestions are for:
    spellings it already knows get no line, and new ids are chosen not to collide.
    """
    from normalizer.pipeline import default_gazetteer

    gazetteer = gazetteer or default_gazetteer()
    report, collector = Report(), _Collector()
    for number, line in enumerate(lines, 1):
        report.lines += 1
        found = _record(line)
        if found is None:
            report.errors += 1
            continue
        report.documents += 1
        record, text = found
        document = record.get("id")
        collector.read(record, text, f"line {number}" if document is None else document)
    rows = _merge_unknown(collector) + [
        row for key, row in collector.rows.items() if key[0] != UNKNOWN
    ]
    for row in rows:
        row.gazetteer_line = _line_for(row, gazetteer)
    report.spellings = sorted(rows, key=lambda row: (-row.count, row.spelling))
    return report


def _record(line) -> tuple[dict, str] | None:
    """A result line and the input it was cleaned from; None for any other line.

    A result whose log does not undo to an input of its ``stats.input_length`` (offsets
    in UTF-16 units, a damaged line) is not a result this report can read.
    """
    if isinstance(line, (bytes, str)):
        try:
            line = json.loads(line)
        except ValueError:
            return None
    ok = isinstance(line, dict) and isinstance(line.get("text"), str)
    if not ok or not isinstance(line.get("changes"), list):
        return None
    try:
        text = input_text(line)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    length = (line.get("stats") or {}).get("input_length", len(text))
    return (line, text) if length == len(text) else None


def _merge_unknown(collector: _Collector) -> list[Spelling]:
    """Spellings flagged as variants of one another, joined into one row per name."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for one, other in collector.pairs:
        parent[root(one)] = root(other)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in parent:
        groups[root(name)].append(name)
    rows = []
    for names in groups.values():
        totals = {name: sum(collector.occurrences[name].values()) for name in names}
        names.sort(key=lambda name: (-totals[name], name))
        flagged = [collector.rows[(UNKNOWN, n)] for n in names if (UNKNOWN, n) in collector.rows]
        documents = list(dict.fromkeys(d for n in names for d in collector.occurrences[n]))
        documents.sort(key=collector.order.__getitem__)
        spelt = " and ".join(f"{name!r} ({totals[name]}×)" for name in names)
        rows.append(
            Spelling(
                names[0],
                variants=names[1:],
                count=sum(totals.values()),
                documents=documents,
                rules=[UNKNOWN],
                evidence=f"{spelt}: one name the gazetteer does not know, spelt "
                f"{len(names)} ways in {len(documents)} document(s)",
                examples=[e for row in flagged for e in row.examples][:EXAMPLES],
            )
        )
    return rows


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", strip_diacritics(name).lower()).strip("_") or "entity"


def _line_for(row: Spelling, gazetteer) -> dict | None:
    """The gazetteer line that would add ``row``, or None (nothing to add, or known)."""
    known = {candidate.entity.id for candidate in gazetteer.matcher.lookup(row.spelling)}
    if UNKNOWN in row.rules:
        if known or not row.variants:
            return None
        entity_id, number = _slug(row.spelling), 1
        while gazetteer.index.entities.position(entity_id) is not None:
            number += 1
            entity_id = f"{_slug(row.spelling)}_{number}"
        row.suggestion = {"id": entity_id, "name": row.spelling, "type": NEW_ENTITY_TYPE}
        return {
            "id": entity_id,
            "name": row.spelling,
            "type": NEW_ENTITY_TYPE,
            "aliases": list(row.variants),
            "source": f"curation report: {row.evidence}; type {NEW_ENTITY_TYPE} to be checked",
        }
    if FUZZY not in row.rules or row.suggestion is None or row.suggestion["id"] in known:
        return None
    try:
        entity = gazetteer.get(row.suggestion["id"])
    except LookupError:  # the batch was cleaned with another gazetteer
        return None
    suggested = row.variants[0] if row.variants else entity.name
    forms = {entity.name: "aliases", strip_diacritics(entity.name): "aliases"}
    if entity.short:
        forms[entity.short] = forms[strip_diacritics(entity.short)] = "short_aliases"
    key = forms.get(suggested)
    if key is None:
        return None
    return {
        "alias_of": entity.id,
        key: [row.spelling],
        "source": f"curation report: {row.count}× in {len(row.documents)} document(s); "
        f"{row.evidence}",
    }


def gazetteer_file(
    rows: Sequence[Spelling], path: str | Path, *, check_with: Sequence[str | Path] = ()
) -> int:
    """Write the rows' gazetteer lines as a source file; return how many were written.

    The file is read back together with ``check_with`` (the gazetteer files in use), so a
    line that would not load (a duplicate id, an alias two entities claim) raises
    :class:`~normalizer.errors.GazetteerError` naming file, line and problem, and
    nothing is written.
    """
    header = {
        "gazetteer": "curation",
        "format": 1,
        "version": date.today().isoformat().replace("-", "."),
        "source": "normalizer report: suggestions for a curator to review",
    }
    lines = [row.gazetteer_line for row in rows if row.gazetteer_line]
    body = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in [header, *lines])
    path = Path(path)
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / path.name
        trial.write_text(body, encoding="utf-8")
        try:
            load_sources([*check_with, trial])
        except gazetteer_package.GazetteerDataError as error:
            raise GazetteerError(str(error)) from error
    path.write_text(body, encoding="utf-8")
    return len(lines)
