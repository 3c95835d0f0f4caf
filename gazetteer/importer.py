"""Importing entity lists people already have: a CSV, or Wikidata entity JSON.

:func:`import_files` turns them into entity lines of the gazetteer's own format (see
``gazetteer/README.md``), each checked by the loader's own rules.  A row that cannot be
imported is skipped with a :class:`~gazetteer.errors.Problem` (file, line, what is
wrong), never silently; :meth:`ImportResult.summary` counts what was skipped and why.

- **CSV**: a header with ``id``, ``name`` and ``type`` (required), ``aliases`` and
  ``country`` (optional); several aliases or countries are separated by ``|``;
  ``country`` is ISO 3166 alpha-2 (``LY``).
- **Wikidata**: the JSON dumps (an array with one entity per line) and
  ``Special:EntityData/Q….json`` (``{"entities": {"Q…": {...}}}``).  The English label
  is the canonical name; the labels and aliases in every language become aliases, in
  their own scripts.  The type comes from "instance of" (P31), the country code of a
  country from P297.

Aliases two imported entities share are kept as ``recognize`` (flagged, never
rewritten), as the loader requires; a one-word alias of a person is kept the same way,
since a rewrite would turn every mention of a surname into the full name.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gazetteer.errors import GazetteerDataError, Problem
from gazetteer.folding import fold_key, strip_diacritics
from gazetteer.loader import FORMAT_VERSION, _Reader, load_sources

CSV_REQUIRED = ("id", "name", "type")
CSV_COLUMNS = (*CSV_REQUIRED, "aliases", "country")
SEPARATOR = "|"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ITEM = re.compile(r"^Q[1-9][0-9]*$")
# "instance of" (P31) classes and the gazetteer type they mean; the first one found wins.
TYPE_BY_CLASS = {
    "Q5": "person",
    "Q6256": "country",
    "Q3624078": "country",
    "Q515": "place",
    "Q1549591": "place",
    "Q486972": "place",
    "Q5119": "place",
    "Q15284": "place",
    "Q43229": "organization",
    "Q7278": "organization",
    "Q4830453": "organization",
    "Q7210356": "organization",
    "Q17149090": "organization",
    "Q645883": "operation",
    "Q198": "event",
    "Q178561": "event",
    "Q1656682": "event",
}


@dataclass
class ImportResult:
    """Entity lines ready to write, and every row skipped, with why."""

    name: str
    entities: list[dict] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    shared_aliases: int = 0

    def skip(self, file: str, line: int, reason: str, detail: str = "") -> None:
        """Record that the row at ``file:line`` was not imported, and why."""
        message = detail if detail.startswith(reason) else f"{reason}: {detail}".rstrip(": ")
        self.skipped.append(Problem(file, line, message))
        self.reasons[reason] += 1

    def summary(self) -> str:
        """ "3 entities imported; 2 rows skipped (1 bad type, 1 no English label)"."""
        text = f"{len(self.entities)} entities imported"
        if self.shared_aliases:
            text += f" ({self.shared_aliases} shared aliases kept as recognize-only)"
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.reasons.most_common())
        return text + f"; {len(self.skipped)} rows skipped" + (f" ({reasons})" if reasons else "")

    def lines(self) -> list[dict]:
        """The header, then one entity per line."""
        header = {
            "gazetteer": self.name,
            "format": FORMAT_VERSION,
            "version": date.today().isoformat().replace("-", "."),
            "source": "normalizer gazetteer import",
        }
        return [header, *self.entities]

    def write(self, path: str | Path) -> None:
        """Write the gazetteer file, after checking that the loader accepts it."""
        body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in self.lines())
        path = Path(path)
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / path.name
            trial.write_text(body, encoding="utf-8")
            load_sources([trial])  # raises GazetteerDataError naming file and line
        path.write_text(body, encoding="utf-8")


def import_files(
    paths: Iterable[str | Path], *, name: str = "imported", default_type: str | None = None
) -> ImportResult:
    """Read CSV (``.csv``) and Wikidata JSON (anything else) files into one result."""
    result = ImportResult(name)
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _wikidata_rows(path)
        for line, record in rows:
            if isinstance(record, str):  # "reason: detail"
                result.skip(path.name, line, *record.split(": ", 1))
                continue
            if default_type and record.get("type") is None:
                record["type"] = default_type
            _accept(result, seen, path.name, line, record)
    result.shared_aliases = _share_aliases(result.entities)
    return result


def _accept(result: ImportResult, seen: dict, file: str, line: int, record: dict) -> None:
    """Add ``record`` if the loader's own checks pass, else skip it with their words."""
    if record.get("type") is None:
        result.skip(file, line, "type not known", record.pop("_why_no_type", ""))
        return
    record.pop("_why_no_type", None)
    reader = _Reader(file)
    reader._entity(line, record)
    if reader.problems:
        for problem in reader.problems:
            result.skip(file, line, _reason(problem.message), problem.message)
        return
    if record["id"] in seen:
        result.skip(file, line, "duplicate id", f"{record['id']!r} (first at {seen[record['id']]})")
        return
    seen[record["id"]] = f"{file}:{line}"
    result.entities.append(record)


def _reason(message: str) -> str:
    """A problem's kind, for the counts: "bad type", "bad id", "empty or missing name"."""
    return re.split(r" ['\"(]|: ", message, maxsplit=1)[0]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(SEPARATOR) if part.strip()]


def _csv_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [column for column in CSV_REQUIRED if column not in columns]
        unknown = [column for column in columns if column not in CSV_COLUMNS]
        if missing or unknown:
            wrong = f"missing {missing}" if missing else f"unknown {unknown}"
            message = f"header has {wrong} columns; expected {', '.join(CSV_COLUMNS)}"
            raise GazetteerDataError([Problem(path.name, 1, message)])
        for row in reader:
            line = reader.line_num
            if None in row or None in row.values():
                fields = len(row) - (None in row) + len(row.get(None) or ())
                yield line, f"wrong number of fields: {fields}, the header has {len(columns)}"
                continue
            countries = _split(row.get("country"))
            bad = [code for code in countries if not _COUNTRY.match(code)]
            if bad:
                yield line, f"bad country: {bad[0]!r} is not an ISO 3166 alpha-2 code such as LY"
                continue
            name = row["name"].strip()
            record = {"id": row["id"].strip(), "name": name, "type": row["type"].strip()}
            aliases = [a for a in dict.fromkeys(_split(row.get("aliases"))) if a != name]
            record.update(aliases=aliases, context=countries, source=f"{path.name}:{line}")
            yield line, {key: value for key, value in record.items() if value != []}


def _wikidata_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):  # a dump: one entity per line inside an array
        for number, raw in enumerate(text.splitlines(), 1):
            raw = raw.strip().rstrip(",")
            if raw in ("", "[", "]"):
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as error:
                yield number, f"not valid JSON: {error.msg} at column {error.colno}"
                continue
            yield number, _from_wikidata(item)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise GazetteerDataError([Problem(path.name, error.lineno, error.msg)]) from None
    items = data.get("entities", {}) if isinstance(data, dict) else None
    if not isinstance(items, dict):
        message = 'expected a dump (a JSON array) or {"entities": {...}} (Special:EntityData)'
        raise GazetteerDataError([Problem(path.name, 1, message)])
    for key, item in items.items():
        at = text.find(json.dumps(key))
        yield text.count("\n", 0, max(at, 0)) + 1, _from_wikidata(item)


def _claim_values(item: dict, prop: str) -> list:
    values = []
    for claim in item.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        values.append(value.get("id") if isinstance(value, dict) else value)
    return [value for value in values if value]


def _from_wikidata(item) -> dict | str:
    """One Wikidata entity as a gazetteer record, or the reason it cannot be one."""
    if not isinstance(item, dict) or not _ITEM.match(str(item.get("id", ""))):
        shown = item.get("id") if isinstance(item, dict) else item
        return f"not a Wikidata item: id {shown!r}"
    qid, labels = item["id"], item.get("labels", {})
    name = labels.get("en", {}).get("value", "").strip()
    if not name:
        return f"no English label: {qid}"
    texts = [label.get("value", "") for label in labels.values()]
    groups = item.get("aliases", {}).values()
    texts += [alias.get("value", "") for group in groups for alias in group]
    aliases = [t for t in dict.fromkeys(t.strip() for t in texts) if t and t != name]
    classes = _claim_values(item, "P31")
    kind = next((TYPE_BY_CLASS[c] for c in classes if c in TYPE_BY_CLASS), None)
    slug = re.sub(r"[^a-z0-9]+", "_", strip_diacritics(name).lower()).strip("_")
    record = {"id": slug or qid.lower(), "name": name, "type": kind, "ids": {"wikidata": qid}}
    if kind is None:
        shown = ", ".join(classes) or "none"
        record["_why_no_type"] = f"{qid}: instance of (P31) {shown}; give --type"
    if kind == "person":  # no short form: which name a person goes by is for a curator
        aliases = [a if " " in a else {"text": a, "policy": "recognize"} for a in aliases]
    codes = [code for code in _claim_values(item, "P297") if _COUNTRY.match(str(code))]
    record.update(aliases=aliases, context=codes, source=f"wikidata.org/wiki/{qid}")
    return {key: value for key, value in record.items() if value != []}


def _share_aliases(entities: list[dict]) -> int:
    """Aliases several entities claim become ``recognize``; return how many there were."""
    claims: dict[str, set[int]] = defaultdict(set)
    for number, entity in enumerate(entities):
        for text in _texts(entity):
            claims[fold_key(text)].add(number)
    shared = {key for key, owners in claims.items() if len(owners) > 1}
    count = 0
    for entity in entities:
        if shared & {fold_key(entity["name"]), fold_key(entity.get("short") or "\0")}:
            entity["name_policy"] = "recognize"
            count += 1
        aliases = []
        for alias in entity.get("aliases", []):
            text = alias if isinstance(alias, str) else alias["text"]
            if fold_key(text) in shared and (isinstance(alias, str) or "policy" not in alias):
                alias = {"text": text, "policy": "recognize"}
                count += 1
            aliases.append(alias)
        if aliases:
            entity["aliases"] = aliases
    return count


def _texts(entity: dict) -> Iterator[str]:
    yield entity["name"]
    if entity.get("short"):
        yield entity["short"]
    for alias in entity.get("aliases", []):
        yield alias if isinstance(alias, str) else alias["text"]
