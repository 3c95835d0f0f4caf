"""The curation commands of ``normalizer``: ``report`` and ``gazetteer import``.

Registered by :mod:`normalizer.cli`; the same thin layer: parse, read, call, write.
"""

from __future__ import annotations

import argparse
import json
import sys

from normalizer.errors import GazetteerError, InputError


def add_curation_commands(commands, gazetteer_actions) -> None:
    """Add ``report`` to the commands and ``import`` to the ``gazetteer`` actions."""
    from normalizer.cli import add_setting_flags

    report = commands.add_parser(
        "report", help="unknown spellings across a batch output, as gazetteer suggestions"
    )
    report.add_argument("input", metavar="OUT.jsonl", help="a batch output; '-' is stdin")
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    report.add_argument(
        "-o",
        "--output",
        metavar="ADDITIONS.jsonl",
        help="write the suggested gazetteer lines there (a gazetteer file, validated)",
    )
    report.add_argument(
        "--min-count",
        type=int,
        default=2,
        metavar="N",
        help="write lines only for spellings seen at least N times (default 2)",
    )
    add_setting_flags(report, ("gazetteer",))
    report.set_defaults(run=run_report)

    importer = gazetteer_actions.add_parser(
        "import", help="convert a CSV or Wikidata entity JSON into a gazetteer file"
    )
    importer.add_argument("files", nargs="+", metavar="FILE", help=".csv or .json files")
    importer.add_argument("-o", "--output", required=True, metavar="OUT.jsonl")
    importer.add_argument("--name", default="imported", help="the gazetteer's name (header)")
    importer.add_argument(
        "--type",
        dest="default_type",
        metavar="TYPE",
        help="type for Wikidata items whose 'instance of' (P31) maps to none",
    )
    importer.set_defaults(run=run_import)


def _read_lines(name: str):
    """The lines of a file or stdin, one at a time (a day's batch output can be large)."""
    if name == "-":
        yield from sys.stdin.buffer
        return
    with open(name, "rb") as handle:
        yield from handle


def run_report(args: argparse.Namespace) -> int:
    """``normalizer report``: print the report; with ``-o``, write the gazetteer lines."""
    from normalizer.cli import _gazetteer, _settings
    from normalizer.curation import gather, gazetteer_file
    from normalizer.settings import gazetteer_files

    gazetteer = _gazetteer(args)
    report = gather(_read_lines(args.input), gazetteer=gazetteer)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(render_report(report))
    if args.output:
        chosen = [row for row in report.spellings if row.count >= args.min_count]
        files = gazetteer_files(_settings(args)["gazetteer"])
        written = gazetteer_file(chosen, args.output, check_with=files)
        print(
            f"normalizer report: wrote {written} gazetteer line(s) to {args.output}; review "
            "them, then add the file to NORMALIZER_GAZETTEER (the server reloads it)",
            file=sys.stderr,
        )
    return 0


def render_report(report) -> str:
    """The report for a person: one block per spelling, most frequent first."""
    lines = [
        f"== {len(report.spellings)} unknown spelling(s) in {report.documents} document(s)"
        f" ({report.errors} error line(s) skipped)"
    ]
    for row in report.spellings:
        documents = ", ".join(map(str, row.documents[:5])) + (
            ", …" if len(row.documents) > 5 else ""
        )
        suggestion = row.suggestion["name"] if row.suggestion else "no suggestion"
        variants = f" (also {', '.join(map(repr, row.variants))})" if row.variants else ""
        lines.append(f"{row.spelling!r}{variants} → {suggestion}")
        lines.append(f"    {row.count}× in {len(row.documents)} document(s): {documents}")
        lines.append(f"    {', '.join(row.rules)}: {row.evidence}")
        lines.extend(f"    {example}" for example in row.examples)
        if row.gazetteer_line:
            lines.append(f"    line: {json.dumps(row.gazetteer_line, ensure_ascii=False)}")
    return "\n".join(lines)


def run_import(args: argparse.Namespace) -> int:
    """``normalizer gazetteer import``: convert, report what was skipped and why, write."""
    from gazetteer.importer import import_files

    try:
        result = import_files(args.files, name=args.name, default_type=args.default_type)
    except OSError as error:
        raise InputError(f"cannot read: {error}") from None
    for problem in result.skipped:
        print(f"skipped {problem}", file=sys.stderr)
    if not result.entities:
        raise GazetteerError(f"nothing to import: {result.summary()}")
    try:
        result.write(args.output)
    except ValueError as error:
        raise GazetteerError(str(error)) from None
    print(f"normalizer gazetteer import: {result.summary()}; wrote {args.output}", file=sys.stderr)
    return 0
