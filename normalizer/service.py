"""The HTTP service: a thin Flask layer over :func:`normalizer.clean`.

``create_app`` layers the settings (defaults, then ``NORMALIZER_*`` variables, then the
mapping it is given), loads the gazetteer once into ``app.extensions``, and registers
the one ``api`` blueprint and the one error handler (:mod:`normalizer.problems`).
Views parse the request, call the library and answer JSON; nothing else.

Every response carries an ``X-Request-ID`` (the client's, when it is 1-128 characters
of ``A-Za-z0-9._:@/+=-``, else a new one), and every request is logged as one access
line on the ``normalizer.access`` logger once its response is fully sent.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import get_input_stream

import gazetteer as gazetteer_package
from normalizer import metrics
from normalizer.batch import (
    encode_line,
    error_line,
    iter_lines,
    parse_json,
    read_document,
)
from normalizer.bodies import read_body
from normalizer.partition import clean_partition
from normalizer.pipeline import clean
from normalizer.problems import ApiError, handle_error, json_bytes
from normalizer.reload import GazetteerHolder
from normalizer.review import review, token_matches
from normalizer.settings import SETTINGS, load_gazetteer, resolve

EXTENSION = "normalizer"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
JSON = "application/json"
TEXT = "text/plain"
NDJSON = "application/x-ndjson"
#: Endpoints a bearer token never guards: orchestrators probe them without credentials.
OPEN_ENDPOINTS = frozenset({"api.healthz", "api.readyz"})

access_log = logging.getLogger("normalizer.access")
log = logging.getLogger("normalizer.service")
api = Blueprint("api", __name__)


@dataclass(frozen=True)
class ServiceState:
    """What the app holds in ``app.extensions["normalizer"]``, built once."""

    settings: dict[str, Any]
    holder: GazetteerHolder  # the gazetteer in use; swapped on hot reload
    spec: bytes  # the OpenAPI document, served as is

    @property
    def gazetteer(self) -> gazetteer_package.Gazetteer:
        """The gazetteer to clean with now; a 503 while none is loaded yet."""
        gazetteer = self.holder.gazetteer
        if gazetteer is None:
            raise ApiError("not-ready", self.holder.waiting_for(), headers={"Retry-After": "1"})
        return gazetteer

    @property
    def gazetteer_stats(self) -> dict[str, Any]:
        """Counted once per gazetteer (0.1 s for the default one)."""
        self.gazetteer  # noqa: B018 (a 503 while none is loaded)
        return self.holder.stats


def create_app(
    test_config: Mapping[str, Any] | None = None, *, defer_gazetteer: bool = False
) -> Flask:
    """Build the Flask app.

    ``test_config`` maps Flask config keys to values; keys named like the environment
    variables (``NORMALIZER_TOKEN``) override those settings.  A bad setting raises
    ConfigError and an unreadable gazetteer GazetteerError, before anything is served.
    With ``defer_gazetteer`` the app starts without one (``/readyz`` answers 503) and the
    caller loads it into the holder (``normalizer serve``: the master, once it listens).
    """
    config = dict(test_config or {})
    overrides = {s.name: config.pop(s.env_var) for s in SETTINGS if s.env_var in config}
    settings = resolve(os.environ, overrides)
    app = Flask(__name__)
    app.config.update({s.env_var: settings[s.name] for s in SETTINGS})
    app.config["MAX_CONTENT_LENGTH"] = settings["max_body_bytes"]
    app.config.update(config)
    spec = resources.files("normalizer").joinpath("openapi.json").read_bytes()
    gazetteer = None if defer_gazetteer else load_gazetteer(settings["gazetteer"])
    holder = GazetteerHolder(settings["gazetteer"], gazetteer, settings["reload_interval"])
    app.extensions[EXTENSION] = ServiceState(settings, holder, spec)
    configure_logging(settings["log_format"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_error_handler(Exception, handle_error)
    app.register_blueprint(api)
    app.register_blueprint(review)
    return app


def _state() -> ServiceState:
    return current_app.extensions[EXTENSION]


def _json(value: Any, status: int = 200) -> Response:
    return Response(json_bytes(value), status=status, mimetype=JSON)


# -- the endpoints ------------------------------------------------------------------


@api.post("/v1/clean")
def clean_text() -> Response:
    """Clean one text: a JSON ``{"text", "options"}`` body, or the raw text."""
    if _media_type(JSON, TEXT) == JSON:
        text, options = read_document(parse_json(read_body()))
    else:
        text, options = _plain_text(read_body()), None
    result = clean(text, options, gazetteer=_state().gazetteer).to_dict()
    metrics.observe_result(result)
    return _json(result)


@api.post("/v1/clean/batch")
def clean_batch() -> Response:
    """Clean NDJSON lines as they arrive; answer one NDJSON line per input line."""
    _media_type(NDJSON)
    state = _state()
    state.gazetteer  # noqa: B018 (a 503 before the answer starts, while none is loaded)
    limit = state.settings["max_batch_bytes"]
    if request.content_length is not None and request.content_length > limit:
        raise ApiError("batch-too-large", _batch_limit_detail(limit))
    read = _budgeted(_line_reader(get_input_stream(request.environ)), limit)
    g.batch = {"lines": 0, "errors": 0}
    lines = _answer_lines(read, state, g.batch)
    return Response(lines, mimetype=NDJSON)


@api.get("/healthz")
def healthz() -> Response:
    """Alive: the process answers."""
    return _json({"status": "ok"})


@api.get("/readyz")
def readyz() -> Response:
    """Ready: the gazetteer is loaded (503 saying what it waits for, until then)."""
    gazetteer = _state().gazetteer
    return _json(
        {"status": "ready", "gazetteer": {"name": gazetteer.name, "version": gazetteer.version}}
    )


@api.get("/metrics")
def prometheus_metrics() -> Response:
    """Prometheus text format, summed over every worker process."""
    gazetteer = _state().holder.gazetteer
    body, content_type = metrics.render(gazetteer.version if gazetteer is not None else None)
    return Response(body, content_type=content_type)


@api.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this service."""
    return Response(_state().spec, mimetype=JSON)


@api.get("/v1/gazetteer")
def gazetteer_stats() -> Response:
    """Which gazetteer is loaded: name, version, files and counts."""
    return _json(_state().gazetteer_stats)


@api.before_request
@review.before_request
def _check_token() -> None:
    token = _state().settings["token"]
    if not token or request.endpoint in OPEN_ENDPOINTS:
        return
    authorization = request.headers.get("Authorization", "")
    if token_matches(authorization, token):
        return
    given = authorization.partition(" ")[2]
    challenge = 'Bearer realm="normalizer"'
    if request.blueprint == review.name:  # a browser asks for Basic credentials, not Bearer
        challenge = 'Basic realm="normalizer", charset="UTF-8"'
    elif given:
        challenge += ', error="invalid_token"'
    raise ApiError(
        "unauthorized",
        "Send the service's token as 'Authorization: Bearer <token>' (NORMALIZER_TOKEN), "
        "or as the password of HTTP Basic authentication (any user name).",
        headers={"WWW-Authenticate": challenge},
    )


# -- request parsing ------------------------------------------------------------------


def _media_type(*accepted: str) -> str:
    """The request's media type if it is one of ``accepted`` in UTF-8, else a 415."""
    mimetype = request.mimetype
    headers = {"Accept-Post": ", ".join(accepted)}
    if mimetype not in accepted:
        sent = f"Content-Type {request.content_type!r}" if mimetype else "No Content-Type"
        raise ApiError(
            "unsupported-media-type",
            f"{sent} is not accepted on {request.path}; send {' or '.join(accepted)} "
            "(charset=utf-8).",
            headers=headers,
        )
    charset = request.mimetype_params.get("charset", "utf-8")
    if charset.lower() not in ("utf-8", "utf8"):
        raise ApiError(
            "unsupported-media-type",
            f"charset={charset} is not supported; send UTF-8 (charset=utf-8).",
            headers=headers,
        )
    return mimetype


def _plain_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            "invalid-utf8",
            f"The body has byte 0x{data[error.start]:02x} at offset {error.start}, which is "
            "not valid UTF-8; send UTF-8 text.",
        ) from None
    if not text:
        raise ApiError("missing-text", "The body is empty; send the text to clean.")
    return text


class _BatchTooLarge(Exception):
    pass


def _batch_limit_detail(limit: int) -> str:
    return (
        f"A batch body may hold at most {limit} bytes (NORMALIZER_MAX_BATCH_BYTES); "
        "send the rest in another request."
    )


def _line_reader(stream) -> Callable[[int], bytes]:
    """``readline``, which returns at each line end: a client streaming its lines gets
    each answer once about 1 KiB (gunicorn's read unit) or a line end has arrived,
    where ``read(64 KiB)`` would wait for 64 KiB."""
    if isinstance(stream, io.RawIOBase):  # Werkzeug's LimitedStream: readline byte by byte
        stream = io.BufferedReader(stream)
    return stream.readline


def _budgeted(read: Callable[[int], bytes], limit: int) -> Callable[[int], bytes]:
    """``read`` that gives out at most ``limit`` bytes, then raises _BatchTooLarge."""
    remaining = limit

    def read_within(size: int) -> bytes:
        nonlocal remaining
        if remaining < 0:
            raise _BatchTooLarge
        chunk = read(min(size, remaining + 1))
        remaining -= len(chunk)
        if remaining < 0:
            chunk = chunk[: len(chunk) + remaining]
            if not chunk:
                raise _BatchTooLarge
        return chunk

    return read_within


def _answer_lines(read, state: ServiceState, counts: dict) -> Iterator[bytes]:
    """The streamed batch answer; errors become lines, never a broken stream."""
    number = 0
    max_line = state.settings["max_line_bytes"]
    try:
        outputs = clean_partition(iter_lines(read, max_line), gazetteer=state.gazetteer)
        for output in outputs:
            number += 1
            ok = "error" not in output
            counts["lines"] += 1
            counts["errors"] += not ok
            metrics.observe_batch_line(ok)
            if ok:
                metrics.observe_result(output)
            yield encode_line(output)
    except _BatchTooLarge:
        limit = state.settings["max_batch_bytes"]
        problem = ApiError(
            "batch-too-large", _batch_limit_detail(limit) + " Lines from here on were not read."
        )
        counts["errors"] += 1
        yield encode_line(error_line(None, number + 1, problem))
    except ClientDisconnected:
        log.warning("client disconnected during a batch after %d lines", number)
    except Exception as error:  # the body broke off: bad chunked encoding, a lost client
        log.warning("batch body unreadable after %d lines: %r", number, error)
        detail = f"The request body could not be read after line {number}: {error!r}."
        counts["errors"] += 1
        yield encode_line(error_line(None, number + 1, ApiError("bad-request", detail)))


# -- request id, access log, metrics --------------------------------------------------


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()
    _state().holder.maybe_reload()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    fields = {
        "request_id": request_id,
        "method": request.method,
        "path": request.path,
        "endpoint": request.url_rule.rule if request.url_rule else "unmatched",
        "status": response.status_code,
        "remote_addr": request.remote_addr,
        "pid": os.getpid(),  # which worker answered
    }
    if "batch" in g:
        fields["batch"] = g.batch  # filled in while the answer streams
    started = g.get("started", time.perf_counter())
    response.call_on_close(lambda: _log_request(fields, started))
    return response


def _log_request(fields: dict, started: float) -> None:
    seconds = time.perf_counter() - started
    metrics.observe_request(fields["method"], fields["endpoint"], fields["status"], seconds)
    fields = {**fields, "duration_ms": round(seconds * 1000, 1)}
    access_log.info(
        "%s %s %s", fields["method"], fields["path"], fields["status"], extra={"fields": fields}
    )


class _CurrentStderr(logging.StreamHandler):
    """A handler writing to whatever ``sys.stderr`` is now (test runners replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class _JsonFormatter(logging.Formatter):
    """One JSON object per line, its time formatted once a second, not on every line."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if self._second[0] != second:
            self._second = (second, super().formatTime(record, "%Y-%m-%dT%H:%M:%S%z"))
        return self._second[1]

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# Line breaks and other control characters a client can put in a path (%0A) or header:
# written as escapes, so that no request can forge a log line of its own.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


class _TextFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line itself, escaped (a traceback that follows it keeps its lines)."""
        text = super().formatMessage(record)
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{k}={v}" for k, v in fields.items() if k not in ("method", "path"))
        return _escape_controls(f"{text} {extra}" if extra else text)


def configure_logging(log_format: str) -> None:
    """Send the ``normalizer`` loggers to stderr, one line per record (json or text)."""
    logger = logging.getLogger("normalizer")
    for handler in [h for h in logger.handlers if isinstance(h, _CurrentStderr)]:
        logger.removeHandler(handler)
    handler = _CurrentStderr()
    text_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter(text_format))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
