"""The ``normalizer`` command: serve, clean, batch, gazetteer.

A thin layer over the library: parse the arguments, read, call, write.  Exit codes:
0 success, 1 failure (unreadable input or output, bad gazetteer data, a lookup that
finds nothing), 2 usage (bad arguments, options or settings).

``normalizer batch`` exits 0 even when some lines failed: each failed line has its
error line in the output, in its place, and a summary goes to stderr.  It exits 1 only
when the input cannot be read or the output cannot be written.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import io
import json
import os
import re
import sys
from typing import Any

from normalizer import __version__
from normalizer.cli_curation import add_curation_commands
from normalizer.errors import ConfigError, GazetteerError, InputError, OptionsError
from normalizer.options import DIACRITICS, OFFSET_UNITS, QUOTE_STYLES, STAGE_NAMES, CleanOptions
from normalizer.settings import SETTINGS, SETTINGS_BY_NAME, available_cores, resolve

OPTION_CHOICES = {
    "categories": STAGE_NAMES,
    "quote_style": QUOTE_STYLES,
    "diacritics": DIACRITICS,
    "offsets": OFFSET_UNITS,
}
ANSI = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2", "bold": "1"}


# -- arguments ------------------------------------------------------------------------


def _option_help() -> dict[str, str]:
    """Each option's ``#:`` comment in :class:`CleanOptions`, its one documentation."""
    try:
        source = inspect.getsource(CleanOptions)
    except (OSError, TypeError):
        return {}
    helps, comment = {}, []
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#:"):
            comment.append(line[2:].strip())
        elif match := re.match(r"(\w+)\s*:", line):
            helps[match.group(1)] = " ".join(comment).replace("``", "")
            comment = []
    return helps


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per :class:`CleanOptions` field, typed from its default."""
    group = parser.add_argument_group('cleaning options (the HTTP API\'s "options")')
    helps = _option_help()
    for field in dataclasses.fields(CleanOptions):
        choices = OPTION_CHOICES.get(field.name)
        help_text = helps.get(field.name, "")
        kwargs: dict[str, Any] = {"dest": f"option_{field.name}", "default": None}
        if isinstance(field.default, tuple):
            kwargs.update(type=_comma_list, metavar="NAME,...")
            help_text += f" Comma-separated, from: {', '.join(choices or ())}."
        else:
            metavar = "NUMBER" if isinstance(field.default, float) else "VALUE"
            kwargs.update(
                type=type(field.default), choices=choices, metavar=None if choices else metavar
            )
            help_text += f" Default: {field.default}."
        flag = "--" + field.name.replace("_", "-")
        group.add_argument(flag, help=help_text.replace("%", "%%").strip(), **kwargs)


def add_setting_flags(parser: argparse.ArgumentParser, names: tuple[str, ...]) -> None:
    """Flags for settings, generated from their declaration in normalizer.settings."""
    for name in names:
        setting = SETTINGS_BY_NAME[name]
        parser.add_argument(
            setting.flag,
            dest=f"setting_{name}",
            metavar=name.upper(),
            help=f"{setting.help} (env {setting.env_var}; default {setting.default!r})".replace(
                "%", "%%"
            ),
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``normalizer`` command."""
    parser = argparse.ArgumentParser(
        prog="normalizer", description="Clean machine-translated news text."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the HTTP API (gunicorn)")
    add_setting_flags(serve, tuple(setting.name for setting in SETTINGS))
    serve.set_defaults(run=run_serve)

    clean = commands.add_parser("clean", help="clean files or stdin, write to stdout")
    clean.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' is stdin")
    view = clean.add_mutually_exclusive_group()
    view.add_argument("--json", action="store_true", help="print each full result as one line")
    view.add_argument("--diff", action="store_true", help="show each change and flag, and why")
    clean.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    add_setting_flags(clean, ("gazetteer",))
    add_option_flags(clean)
    clean.set_defaults(run=run_clean)

    batch = commands.add_parser("batch", help="clean NDJSON lines (or Parquet rows) in parallel")
    batch.add_argument(
        "input", metavar="IN.jsonl", help="input lines; '-' is stdin; *.parquet is Parquet"
    )
    batch.add_argument(
        "-o", "--output", default="-", metavar="OUT.jsonl", help="default stdout; or *.parquet"
    )
    batch.add_argument("-j", "--jobs", type=int, default=available_cores(), help="processes")
    add_setting_flags(batch, ("gazetteer", "max_line_bytes"))
    add_option_flags(batch)
    batch.set_defaults(run=run_batch)
    add_curation_commands(commands, _add_gazetteer_commands(commands))
    return parser


def _add_gazetteer_commands(commands):
    gazetteer = commands.add_parser("gazetteer", help="check and query gazetteer files")
    actions = gazetteer.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = actions.add_parser("validate", help="check files; print file:line: problem")
    validate.add_argument("files", nargs="*", metavar="FILE", help="default: the configured ones")
    validate.set_defaults(run=run_validate)
    stats = actions.add_parser("stats", help="counts of the configured gazetteer")
    lookup = actions.add_parser("lookup", help="what a name resolves to")
    lookup.add_argument("name", metavar="NAME")
    for action, run in ((stats, run_stats), (lookup, run_lookup)):
        action.add_argument("--json", action="store_true", help="print JSON")
        add_setting_flags(action, ("gazetteer",))
        action.set_defaults(run=run)
    return actions


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    given = {
        name: getattr(args, f"setting_{name}")
        for name in SETTINGS_BY_NAME
        if getattr(args, f"setting_{name}", None) is not None
    }
    return resolve(os.environ, given)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    given = {
        field.name: getattr(args, f"option_{field.name}")
        for field in dataclasses.fields(CleanOptions)
        if getattr(args, f"option_{field.name}", None) is not None
    }
    CleanOptions.from_mapping(given)  # reject bad values now, as a usage error
    return given


def _gazetteer(args: argparse.Namespace):
    from normalizer.settings import load_gazetteer

    return load_gazetteer(_settings(args)["gazetteer"])


# -- commands -------------------------------------------------------------------------


def run_serve(args: argparse.Namespace) -> int:
    """``normalizer serve``: gunicorn on the configured host and port."""
    from normalizer.server import serve

    serve(_settings(args))
    return 0


def run_clean(args: argparse.Namespace) -> int:
    """``normalizer clean``: each file (or stdin) cleaned to stdout."""
    from normalizer.pipeline import clean

    options = _options(args)
    if args.diff:  # the diff counts lines and columns in code points
        options["offsets"] = "code_points"
    gazetteer = _gazetteer(args)
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    out = sys.stdout
    for name in args.files or ["-"]:
        text = _read_text(name)
        result = clean(text, options, gazetteer=gazetteer)
        if args.json:
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        elif args.diff:
            out.write(render_diff(name, text, result, color))
        else:
            out.write(result.text)
    out.flush()
    return 0


def _read_text(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        with open(name, "rb") as handle:
            data = handle.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: byte 0x{data[error.start]:02x} at offset {error.start} is not valid UTF-8"
        ) from None


def _paint(text: str, color: str, enabled: bool) -> str:
    return f"\x1b[{ANSI[color]}m{text}\x1b[0m" if enabled else text


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"


def render_diff(name: str, text: str, result, color: bool) -> str:
    """The human view of one result: each change and flag, where, what, why."""
    shown = "<stdin>" if name == "-" else name
    lines = [
        _paint(
            f"== {shown}: {len(result.changes)} change(s), {len(result.flags)} flag(s), "
            f"language {result.language}",
            "bold",
            color,
        )
    ]
    for change in result.changes:
        before = _paint(json.dumps(change.original, ensure_ascii=False), "red", color)
        after = _paint(json.dumps(change.replacement, ensure_ascii=False), "green", color)
        rule = _paint(change.rule, "cyan", color)
        where = _where(text, change.start)
        lines.append(f"{where:>8}  {before} → {after}  {rule} {change.confidence:.2f}")
        lines.append(" " * 10 + _paint(change.message, "dim", color))
    for flag in result.flags:
        span = json.dumps(text[flag.start : flag.end][:60], ensure_ascii=False)
        label = _paint(f"flag {flag.rule}", "yellow", color)
        lines.append(f"{_where(text, flag.start):>8}  {label}  {span}")
        lines.append(" " * 10 + _paint(flag.message, "dim", color))
    return "\n".join(lines) + "\n"


def run_batch(args: argparse.Namespace) -> int:
    """``normalizer batch``: one output record per record, in order (normalizer.cli_batch)."""
    from normalizer.cli_batch import run

    return run(args, _options(args), _settings(args), _gazetteer(args))


def run_validate(args: argparse.Namespace) -> int:
    """``normalizer gazetteer validate``: print every problem as file:line: message."""
    import gazetteer as gazetteer_package
    from normalizer.settings import gazetteer_files

    files = tuple(args.files) or gazetteer_files(_settings(args)["gazetteer"])
    try:
        loaded = gazetteer_package.load(files)
    except gazetteer_package.GazetteerDataError as error:
        for problem in error.problems:
            print(problem)
        print(f"{len(error.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(loaded.entities)} entities in {', '.join(files)}")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """``normalizer gazetteer stats``: name, version, files and counts."""
    stats = _gazetteer(args).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    for key, value in stats.items():
        if key == "files":
            for item in value:
                print(
                    f"file: {item['file']} ({item['gazetteer']} {item['version']}, "
                    f"{item['entities']} entities, {item['license']})"
                )
        else:
            shown = (
                ", ".join(f"{k} {v}" for k, v in value.items())
                if isinstance(value, dict)
                else value
            )
            print(f"{key}: {shown}")
    return 0


def run_lookup(args: argparse.Namespace) -> int:
    """``normalizer gazetteer lookup NAME``: every reading of NAME; exit 1 if none."""
    candidates = _gazetteer(args).matcher.lookup(args.name)
    readings = [
        {
            **candidate.entity.as_ref(),
            "alias": candidate.alias.text,
            "kind": candidate.alias.kind.value,
            "policy": candidate.alias.policy.value,
            "form": candidate.alias.form.value,
            "writes": candidate.entity.canonical(candidate.alias.form),
        }
        for candidate in candidates
    ]
    if args.json:
        print(json.dumps(readings, ensure_ascii=False, indent=2))
    for reading in [] if args.json else readings:
        print(
            f"{reading['id']}: {reading['name']} ({reading['type']}) via alias "
            f"{reading['alias']!r}: kind {reading['kind']}, policy {reading['policy']}, "
            f"form {reading['form']} -> {reading['writes']!r}"
        )
    if not readings:
        print(f"no entity is named {args.name!r}", file=sys.stderr)
        return 1
    return 0


# -- entry point ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the ``normalizer`` command; return its exit code."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # input is read as UTF-8: output matches
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, OptionsError) as error:
        print(f"normalizer {args.command}: error: {error}", file=sys.stderr)
        return 2
    except (GazetteerError, InputError) as error:
        print(f"normalizer {args.command}: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (| head): not worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:
        print(f"normalizer {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
