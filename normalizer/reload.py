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

import logging
import os
import threading
import time
from typing import Any

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
        """Load the files if they changed (or nothing is loaded yet).

        True when what the workers should see changed: a new gazetteer, or a new error.
        """
        with self._reloading:
            current = signature(self.names)
            if current == self._signature:
                return False
            self._load(current)
            return True

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

    def _load(self, current: tuple) -> bool:
        started = time.perf_counter()
        first = self.gazetteer is None  # the first load is no reload: not counted as one
        try:
            gazetteer = load_gazetteer(self.names, use_process_cache=False)
        except GazetteerError as error:
            self._signature = current  # retry only when the files change again
            self.last_error = str(error)
            if not first:
                metrics.observe_reload(False)
            keeps = "nothing is served until it loads" if first else "the old one keeps serving"
            log.error("gazetteer load failed; %s: %s", keeps, error)
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
