"""The service's settings, declared once.

:data:`SETTINGS` is the single declaration: the ``NORMALIZER_*`` environment variables,
the flags of ``normalizer serve``, the Flask config keys and the README table all come
from it.  Every default is written the way a user would type it and goes through the
same parser as a user's value, so a default can never be something a user could not set.

>>> resolve({"NORMALIZER_PORT": "9000"})["port"]
9000
>>> resolve({}, {"max_body_bytes": "2MiB"})["max_body_bytes"]
2097152
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import gazetteer as gazetteer_package
from normalizer.errors import ConfigError, GazetteerError

ENV_PREFIX = "NORMALIZER_"
#: In the ``gazetteer`` setting, this word stands for the built-in gazetteer files.
DEFAULT_GAZETTEER = "default"

_SIZE = re.compile(r"^\s*(\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_paths(value: str) -> tuple[str, ...]:
    """Split a list of gazetteer files on commas or ``os.pathsep``.

    >>> parse_paths("default, /gazetteer/extra.jsonl")
    ('default', '/gazetteer/extra.jsonl')
    """
    parts = tuple(part.strip() for part in re.split(f"[,{re.escape(os.pathsep)}]", value))
    paths = tuple(part for part in parts if part)
    if not paths:
        raise ValueError("expected one or more gazetteer files (or 'default')")
    return paths


def parse_size(value: str) -> int:
    """A byte count, with an optional unit: ``1048576``, ``1MiB``, ``500kB``.

    >>> parse_size("10MiB"), parse_size("1 kB"), parse_size("512")
    (10485760, 1000, 512)
    """
    match = _SIZE.match(value)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError("expected a byte count such as 1048576, 512KiB, 10MiB or 1GB")
    size = int(match.group(1)) * _UNITS[unit]
    if size < 1:
        raise ValueError("must be at least 1 byte")
    return size


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError("expected a whole number") from None
        if number < low or (high is not None and number > high):
            limits = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"must be {limits}")
        return number

    return parse


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, e.g. under ``taskset`` or a
    container's cpuset), else ``os.cpu_count()``."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def parse_workers(value: str) -> int:
    """``auto`` (one worker per available CPU core) or a positive number."""
    if value.strip().lower() == "auto":
        return available_cores()
    return _integer(1, 1024)(value)


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.strip().lower() not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value.strip().lower()

    return parse


def _host(value: str) -> str:
    if not value.strip() or any(char.isspace() for char in value.strip()):
        raise ValueError("expected an address such as 127.0.0.1 or 0.0.0.0")
    return value.strip()


def _token(value: str) -> str:
    # The empty string means "no token": the default, and how to switch it off again.
    if any(char.isspace() for char in value):
        raise ValueError("a bearer token cannot contain spaces")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default as a user would write it, its parser, its help."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str

    @property
    def env_var(self) -> str:
        """The environment variable: ``NORMALIZER_MAX_BODY_BYTES``."""
        return ENV_PREFIX + self.name.upper()

    @property
    def flag(self) -> str:
        """The command-line flag of ``normalizer serve``: ``--max-body-bytes``."""
        return "--" + self.name.replace("_", "-")

    def read(self, value: Any, source: str) -> Any:
        """Parse ``value`` (a string from the environment or a flag); explain failures."""
        if not isinstance(value, str):
            return value  # already typed (a test mapping)
        try:
            return self.parse(value)
        except ValueError as error:
            raise ConfigError(f"{source}={value!r} is not valid: {error}") from None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "gazetteer",
        DEFAULT_GAZETTEER,
        parse_paths,
        "gazetteer files, separated by commas or ':'; 'default' is the built-in one, so "
        "'default,/gazetteer/extra.jsonl' adds a file and '/gazetteer/my.jsonl' replaces it",
    ),
    Setting("host", "127.0.0.1", _host, "address to listen on (0.0.0.0 for every interface)"),
    Setting("port", "8080", _integer(1, 65535), "TCP port to listen on"),
    Setting(
        "workers", "auto", parse_workers, "worker processes; 'auto' is one per available CPU core"
    ),
    Setting(
        "threads",
        "2",
        _integer(1, 256),
        "threads per worker (requests cleaned at once; a connection that is sending its request "
        "or reading its answer takes none)",
    ),
    Setting("max_body_bytes", "10MiB", parse_size, "largest request body of POST /v1/clean (413)"),
    Setting(
        "max_line_bytes",
        "1MiB",
        parse_size,
        "largest line of a batch; a longer line gets an error line",
    ),
    Setting(
        "max_batch_bytes",
        "256MiB",
        parse_size,
        "largest body of POST /v1/clean/batch; reading stops there with a final error line",
    ),
    Setting("log_format", "json", _choice("json", "text"), "access log lines: json or text"),
    Setting(
        "token",
        "",
        _token,
        "bearer token required on every endpoint but /healthz and "
        "/readyz; empty (the default) switches it off. Prefer the environment variable: "
        "command lines are visible to other users",
    ),
    Setting(
        "reload_interval",
        "5",
        _integer(0, 86400),
        "seconds between checks of the gazetteer files; a changed file is loaded and "
        "swapped in without a restart (0 switches hot reload off)",
    ),
    Setting(
        "timeout",
        "30",
        _integer(1, 3600),
        "seconds a silent worker lives before it is "
        "restarted, and the grace period of in-flight requests on SIGTERM",
    ),
)
SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def resolve(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every setting's value: defaults, then ``NORMALIZER_*`` variables, then ``overrides``.

    ``overrides`` maps setting names to values (strings are parsed; command-line flags
    and test mappings come this way).  An unknown name or a bad value is a ConfigError.
    """
    environ = os.environ if environ is None else environ
    values = {setting.name: setting.parse(setting.default) for setting in SETTINGS}
    for setting in SETTINGS:
        if setting.env_var in environ:
            values[setting.name] = setting.read(environ[setting.env_var], setting.env_var)
    for name, value in (overrides or {}).items():
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None:
            raise ConfigError(f"unknown setting {name!r}; known: {', '.join(SETTINGS_BY_NAME)}")
        values[name] = setting.read(value, setting.flag)
    return values


def gazetteer_files(names: tuple[str, ...]) -> tuple[str, ...]:
    """The files a ``gazetteer`` setting names, with ``default`` expanded."""
    files: list[str] = []
    for name in names:
        if name == DEFAULT_GAZETTEER:
            files.extend(str(path) for path in gazetteer_package.default_paths())
        else:
            files.append(name)
    return tuple(files)


def load_gazetteer(
    names: tuple[str, ...], *, use_process_cache: bool = True
) -> gazetteer_package.Gazetteer:
    """Load the gazetteer a ``gazetteer`` setting names; problems raise GazetteerError.

    The built-in gazetteer alone comes from ``load_default()``, cached per process
    (a reload passes ``use_process_cache=False`` to read the files again).
    """
    try:
        if names == (DEFAULT_GAZETTEER,) and use_process_cache:
            return gazetteer_package.load_default()
        return gazetteer_package.load(gazetteer_files(names))
    except gazetteer_package.GazetteerDataError as error:
        raise GazetteerError(str(error)) from error
