"""NDJSON batches: one line format for ``POST /v1/clean/batch`` and ``normalizer batch``.

Each input line is one JSON object ``{"id": ..., "text": ..., "options": {...}}``
(``id`` and ``options`` optional).  Each input line gets exactly one output line, in
input order: the result with its ``id`` first, ``{"id": ..., "text", "changes", "flags",
"language", "stats"}``, or ``{"id": ..., "error": {"type", "title", "status", "detail",
"line"}}``.  ``id`` is ``null`` when the line is blank, too long, not UTF-8, not JSON,
or its ``id`` is not a string, a number or null.  A line may end with ``\\n`` or
``\\r\\n``; the last line needs no line end.

Lines are read in chunks and never held beyond ``max_line_bytes`` (plus one chunk), so
memory stays bounded whatever the length of the stream.

>>> from io import BytesIO
>>> stream = BytesIO(b'{"id": 1, "text": "Khalifa Hifter"}\\n\\nnot json\\n')
>>> lines = [handle_line(item, n) for n, item in enumerate(iter_lines(stream.read, 100), 1)]
>>> [(line.get("id"), line.get("text") or line["error"]["type"]) for line, ok in lines]
[(1, 'Khalifa Haftar'), (None, 'urn:normalizer:problem:blank-line'), \
(None, 'urn:normalizer:problem:invalid-json')]
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from normalizer.errors import InputError
from normalizer.pipeline import clean
from normalizer.problems import ApiError, as_api_error, json_bytes

# 64 KiB reads: large enough that a seed article (~5 KB) costs one read, small enough to
# keep a stream's memory at max_line_bytes plus a few chunks.
CHUNK_BYTES = 64 * 1024
DOCUMENT_KEYS = ("text", "options")
LINE_KEYS = ("id", *DOCUMENT_KEYS)
log = logging.getLogger("normalizer.batch")


@dataclass(frozen=True)
class OversizedLine:
    """Stands for a line longer than the limit, which was skipped, not stored."""

    size: int
    limit: int


def iter_lines(
    read: Callable[[int], bytes], max_line_bytes: int
) -> Iterator[bytes | OversizedLine]:
    """The lines of a byte stream (without ``\\n``), reading ``CHUNK_BYTES`` at a time."""
    buffer = bytearray()
    skipped: int | None = None  # bytes of an oversized line seen so far
    while chunk := read(CHUNK_BYTES):
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            piece = chunk[start:] if newline < 0 else chunk[start:newline]
            if skipped is not None:
                skipped += len(piece)
            elif len(buffer) + len(piece) > max_line_bytes:
                skipped = len(buffer) + len(piece)
                buffer.clear()
            else:
                buffer += piece
            if newline < 0:
                break
            yield OversizedLine(skipped, max_line_bytes) if skipped is not None else bytes(buffer)
            buffer.clear()
            skipped, start = None, newline + 1
    if skipped is not None:
        yield OversizedLine(skipped, max_line_bytes)
    elif buffer:
        yield bytes(buffer)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _TooManyDigits(ValueError):
    pass


def _parse_int(digits: str) -> int:
    """``int``, with its digit limit as our error (``int``'s own message names Python)."""
    if len(digits.lstrip("-")) > sys.get_int_max_str_digits():
        raise _TooManyDigits
    return int(digits)


def parse_json(data: bytes, what: str = "The body") -> Any:
    """Decode strict UTF-8 JSON, or raise an :class:`ApiError` that says where it failed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            "invalid-utf8",
            f"{what} has byte 0x{data[error.start]:02x} at offset {error.start}, which is "
            "not valid UTF-8; send UTF-8 text.",
        ) from None
    if text.startswith("\ufeff"):  # json's own message names a Python codec
        raise ApiError("invalid-json", f"{what} starts with a byte-order mark; send it without.")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except RecursionError:
        raise ApiError("invalid-json", f"{what} is nested too deeply.") from None
    except _TooManyDigits:
        limit = sys.get_int_max_str_digits()
        detail = f"{what} has an integer of more than {limit} digits."
        raise ApiError("invalid-json", detail) from None
    except ValueError as error:
        raise ApiError("invalid-json", f"{what} is not valid JSON: {error}.") from None


def read_document(
    document: Any, *, keys: tuple[str, ...] = DOCUMENT_KEYS, shape: str = "invalid-body"
) -> tuple[str, Mapping[str, Any] | None]:
    """Check a ``{"text": ..., "options": {...}}`` object; return its text and options."""
    example = '{"text": "...", "options": {...}}'
    if not isinstance(document, dict):
        raise ApiError(shape, f"Expected a JSON object like {example}, not {_kind(document)}.")
    unknown = sorted(set(document) - set(keys))
    if unknown:
        raise ApiError(
            shape, f"Unknown field(s) {', '.join(map(repr, unknown))}; expected {', '.join(keys)}."
        )
    text = document.get("text")
    if text is None or text == "":
        raise ApiError(
            "missing-text",
            f'"text" is {"empty" if text == "" else "missing"}; '
            "send the text to clean as a non-empty string.",
        )
    if not isinstance(text, str):
        raise ApiError(shape, f'"text" must be a string, not {_kind(text)}.')
    options = document.get("options")
    if options is not None and not isinstance(options, dict):
        raise ApiError("invalid-options", f'"options" must be an object, not {_kind(options)}.')
    return text, options


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _line_id(document: Any) -> Any:
    if not isinstance(document, Mapping):
        return None
    line_id = document.get("id")
    if line_id is None or (
        isinstance(line_id, str | int | float) and not isinstance(line_id, bool)
    ):
        return line_id
    raise ApiError(
        "invalid-line", f'"id" must be a string, a number or null, not {_kind(line_id)}.'
    )


def _parse_line(item: bytes | OversizedLine) -> tuple[Any, Any]:
    """Return (id, document) of one line, or raise an ApiError (the id is then null)."""
    if isinstance(item, OversizedLine):
        raise ApiError(
            "line-too-large",
            f"The line is {item.size} bytes; the limit is {item.limit} bytes "
            "(NORMALIZER_MAX_LINE_BYTES). Split the text or raise the limit.",
        )
    line = item[:-1] if item.endswith(b"\r") else item
    if not line.strip():
        raise ApiError("blank-line", 'A blank line; send one {"id": ..., "text": ...} per line.')
    document = parse_json(line, "The line")
    return _line_id(document), document


def handle_line(
    item: bytes | OversizedLine | Mapping[str, Any],
    number: int | None,
    *,
    gazetteer=None,
    defaults: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Clean one batch line; return its output object and whether it succeeded.

    ``defaults`` are options under the line's own ``options`` (the CLI's option flags).
    ``item`` may also be a line already parsed (a mapping: a DataFrame or Parquet row).
    """
    line_id = None
    try:
        if isinstance(item, Mapping):
            line_id, document = _line_id(item), dict(item)
        else:
            line_id, document = _parse_line(item)
        text, options = read_document(document, keys=LINE_KEYS, shape="invalid-line")
        merged = {**(defaults or {}), **(options or {})}
        result = clean(text, merged, gazetteer=gazetteer)
    except (ApiError, InputError) as error:
        return error_line(line_id, number, error), False
    except Exception as error:  # a bug must cost one line, not the whole batch
        log.exception("unexpected error on batch line %s", number)
        return error_line(line_id, number, error), False
    return {"id": line_id, **result.to_dict()}, True


def error_line(line_id: Any, number: int | None, error: Exception) -> dict[str, Any]:
    """The output line for a failed input line (``number`` counts from 1)."""
    if isinstance(error, ApiError | InputError):
        problem = as_api_error(error)
    else:
        problem = ApiError("internal-error", "An unexpected error occurred; it has been logged.")
    return {"id": line_id, "error": {**problem.to_dict(), "line": number}}


def encode_line(output: dict[str, Any]) -> bytes:
    """One output object as one NDJSON line."""
    return json_bytes(output) + b"\n"
