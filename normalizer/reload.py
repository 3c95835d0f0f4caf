"""Hot reload: a changed gazetteer file is picked up without a restart.

Under ``normalizer serve`` the holder is *managed*: the gunicorn master polls the files,
compiles a changed gazetteer once, and forks the workers again from itself, so that every
worker shares the one new index (see :mod:`normalizer.server`); workers never reload on
their own.  The master also loads the first gazetteer only once the port is open: until
then the holder is empty, and ``/readyz`` answers 503 saying what it waits for.

In a single process (the Flask app on its own, tests), the holder reloads itself.
Each such process holds its gazetteer in a :class:`GazetteerHolder`.  Requests ask it
:meth:`~GazetteerHolder.maybe_reload` (a clock comparison, nearly free); every
``reload_interval`` seconds that becomes a ``stat`` of the files, and when one changed,
a background thread loads the new gazetteer (the compiled-index cache makes that quick
for every worker but the first) and swaps it in with one reference assignment, so a
request sees either the old gazetteer or the new one, never a mix.  A broken file is
logged and counted (``normalizer_gazetteer_reloads{outcome="failed"}``), shown in
``GET /v1/gazetteer`` as ``reload_error``, and the old gazetteer keeps serving.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
import sys
import tempfile
import threading
import time
from typing import Any

import gazetteer as gazetteer_package
from normalizer import metrics
from normalizer.errors import GazetteerError
from normalizer.settings import gazetteer_files, load_gazetteer

log = logging.getLogger("normalizer.reload")


def signature(names: tuple[str, ...]) -> tuple:
    """What identifies the files' current contents cheaply: path, size, mtime."""
    found = []
    for path in gazetteer_files(names):
        try:
            info = os.stat(path)
        except OSError:
            found.append((path, None, None))
        else:
            found.append((path, info.st_size, info.st_mtime_ns))
    return tuple(found)


class GazetteerHolder:
    """The gazetteer in use, its stats, and the polling that replaces them."""

    def __init__(self, names: tuple[str, ...], gazetteer, interval: float) -> None:
        self.names = names
        self.interval = interval
        self.managed = False  # True under `normalizer serve`: the master polls and re-forks
        self._current = (gazetteer, gazetteer.stats()) if gazetteer is not None else (None, {})
        self._signature = signature(names) if gazetteer is not None else None
        self._next_check = time.monotonic() + interval
        self._reloading = threading.Lock()
        self._waiting_since = time.time()
        self.last_error: str | None = None

    @property
    def gazetteer(self):
        """The gazetteer to clean with now (None until the first one is loaded)."""
        return self._current[0]

    def waiting_for(self) -> str:
        """What an empty holder waits for, in words (the detail of a 503)."""
        names = ",".join(self.names)
        if self.last_error:
            return (
                f"The gazetteer ({names}) could not be loaded: {self.last_error} "
                "It is loaded as soon as its files are fixed."
            )
        seconds = time.time() - self._waiting_since
        return f"Waiting for the gazetteer ({names}): loading for {seconds:.0f} s."

    def poll(self) -> bool:
        """Load the files if they changed (or nothing is loaded yet): the master's way.

        The files are first compiled in a child process (validated, and the index cached
        on disk); only when that succeeds does this process drop its gazetteer and load
        the new one, from the cache.  Loading beside the old one instead left the
        allocator's arenas fragmented: 6-7 MB more resident memory per reload, inherited
        by every worker forked afterwards.  True when what the workers should see
        changed: a new gazetteer, or a new error.
        """
        with self._reloading:
            current = signature(self.names)
            if current == self._signature:
                return False
            started = time.perf_counter()
            error = None if self._compiled_already() else compile_apart(self.names)
            if error is not None:
                self._failed(current, error, first=self._signature is None)
                return True
            if self.gazetteer is not None:
                self._current = (None, {})  # the workers keep theirs until forked again
                release_memory()
            self._load(current, started)
            return True

    def _compiled_already(self) -> bool:
        """Files whose layers are all in the cache, checked together before, need no
        compiling child: they are valid, and the child would only read the cache once
        more (0.5-1 s).  (A reload back to an earlier version, a start on a warm cache.)"""
        return gazetteer_package.is_compiled(gazetteer_files(self.names))

    @property
    def stats(self) -> dict[str, Any]:
        """What ``GET /v1/gazetteer`` shows."""
        stats = dict(self._current[1])
        stats["reload_interval_s"] = self.interval
        if self.last_error:
            stats["reload_error"] = self.last_error
        return stats

    def maybe_reload(self) -> None:
        """Start a reload in the background when the interval passed and a file changed."""
        if self.managed or self.interval <= 0 or time.monotonic() < self._next_check:
            return
        if not self._reloading.acquire(blocking=False):
            return
        self._next_check = time.monotonic() + self.interval
        current = signature(self.names)
        if current == self._signature:
            self._reloading.release()
            return
        thread = threading.Thread(target=self._reload, args=(current,), daemon=True)
        thread.start()

    def reload_now(self) -> bool:
        """Reload synchronously if a file changed; True when a new gazetteer is in use."""
        with self._reloading:
            current = signature(self.names)
            if current == self._signature:
                return False
            return self._load(current)

    def _reload(self, current: tuple) -> None:
        try:
            self._load(current)
        finally:
            self._reloading.release()

    def _load(self, current: tuple, started: float | None = None) -> bool:
        started = started or time.perf_counter()
        first = self.gazetteer is None and self._signature is None  # not counted as a reload
        try:
            gazetteer = load_gazetteer(self.names, use_process_cache=False)
        except GazetteerError as error:
            self._failed(current, str(error), first)
            return False
        self._current = (gazetteer, gazetteer.stats())  # one assignment: an atomic swap
        self._signature = current
        self.last_error = None
        if not first:
            metrics.observe_reload(True)
        log.info(
            "gazetteer %s: version %s in %.2f s",
            "loaded" if first else "reloaded",
            gazetteer.version,
            time.perf_counter() - started,
        )
        return True

    def _failed(self, current: tuple, error: str, first: bool = False) -> None:
        self._signature = current  # retry only when the files change again
        self.last_error = error
        if not first:
            metrics.observe_reload(False)
        keeps = "the old one keeps serving" if self.gazetteer is not None else "none is served"
        log.error("gazetteer load failed; %s: %s", keeps, error)


def compile_apart(names: tuple[str, ...]) -> str | None:
    """Compile the gazetteer ``names`` in a fresh Python process (``python -m gazetteer``,
    which writes the compiled layers to the cache); the error it met, or None.

    A fresh interpreter, not a fork: the master asks from a thread of its own, and a child
    forked while another thread holds a lock (the logging handler's, an import's) waits
    for it forever (seen once in a full test run: the reload never came).  The child
    reports through a temporary file, not a pipe: a worker the master forks meanwhile
    would inherit the pipe's writing end, and its end would never come.
    """
    with tempfile.TemporaryFile() as report:
        # The gazetteer package alone: it imports in 0.1 s, the normalizer in 0.4 s.
        status = _spawn_and_wait(
            [sys.executable, "-m", "gazetteer", *gazetteer_files(names)], report.fileno()
        )
        report.seek(0)
        message = report.read().decode("utf-8", "replace").strip()
    # A status of 0 is also what a child reaped by gunicorn's master looks like: one that
    # died unheard is caught by the load that follows, which reads the cache.
    if status == 0:
        return None
    if status == 1 and message:
        return message  # the gazetteer's own problems, as the loader words them
    return f"the compiling process ended with status {status}: {message[-500:]}"


def _spawn_and_wait(argv: list[str], report: int) -> int:
    """Run ``argv`` with its output to the file ``report``; its exit status.

    ``os.posix_spawn``, not ``subprocess``: Popen waits on a pipe of its own until the
    child has started, and a worker that gunicorn's master forks in that moment inherits
    the pipe's writing end, so the wait lasted as long as that worker lived (a start on
    a broken file sometimes never reported the problem; one run in three here).  The
    master's reaper may collect the child before this wait does: then 0.
    """
    pid = os.posix_spawn(
        argv[0],
        argv,
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, report, 1),
            (os.POSIX_SPAWN_DUP2, report, 2),
        ],
    )
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return 0
    return os.waitstatus_to_exitcode(status)


def release_memory() -> None:
    """Collect what was freed and give the C allocator's free pages back to the system
    (glibc's ``malloc_trim``; measured: 354 MB resident after loading the default
    gazetteer, 212 MB after the trim)."""
    gc.unfreeze()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
