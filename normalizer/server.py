"""``normalizer serve``: the production server, gunicorn running the Flask app.

Why gunicorn: a mature pre-fork WSGI server.  The master builds the app (settings
checked: a bad one stops the server before it listens) and opens the port at once; then
a thread of the master loads the gazetteer, warms the engine up and freezes that heap,
and the master forks its workers again (gunicorn's SIGHUP reload) so that each shares the
one copy copy-on-write.  Until the gazetteer is in, workers answer ``/healthz`` 200 and
``/readyz`` (and the cleaning endpoints) 503, saying what they wait for.  The same thread
then polls the files every ``reload_interval`` seconds: a changed file is compiled once,
in the master, and the workers are forked again from it (old workers finish their
requests first), so a reload costs one compile, not one per worker, and memory stays
shared.  On SIGTERM the master stops accepting connections and lets in-flight requests,
a streaming batch included, finish within ``graceful_timeout`` (our ``timeout``
setting) before it exits with 0.

Why our own worker (:class:`normalizer.workers.ThreadWorker`, built on gunicorn's
``gthread``): its event loop reads each request whole before a thread sees it, and sends
each answer as the client takes it, so a slow or idle client costs a socket, not a
thread; the threads only clean.  A batch answer streams for as long as its input lasts,
and a ``sync`` worker busy with one request cannot send gunicorn its heartbeat (it would
be killed after ``timeout`` seconds); the gthread loop keeps beating.  Cleaning is
CPU-bound and the GIL serializes it within a process, so parallelism comes from the
workers (one per core by default) and a few threads per worker suffice.  The designs
measured against it: "Serving design, and why" in the README.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from typing import Any

from gunicorn.app.base import BaseApplication

from normalizer.settings import SETTINGS

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client when imported
WORKER_CLASS = "normalizer.workers.ThreadWorker"  # the design, and why: in the README
log = logging.getLogger("normalizer.server")


class NormalizerServer(BaseApplication):
    """A gunicorn application serving an app built in this (the master) process."""

    def __init__(self, app, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options; options this gunicorn version lacks are skipped."""
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        """The WSGI app (already built: ``preload_app``)."""
        return self.application


def _child_exit(server, worker) -> None:
    from normalizer import metrics

    metrics.mark_process_dead(worker.pid)


def _share(gazetteer) -> None:
    """Warm the engine up on ``gazetteer`` and freeze the heap, before workers fork.

    Frozen objects are out of the collector's sight: its passes would otherwise write to
    every object and un-share the workers' pages.  Measured with the default gazetteer
    (34k entities, 2 workers, 40 articles served): each worker's private memory fell from
    152 MB to 11 MB.  Unfrozen first, so that a replaced gazetteer's cycles are collected.
    """
    from normalizer.pipeline import warm_up
    from normalizer.reload import release_memory

    warm_up(gazetteer)
    release_memory()
    gc.freeze()


def keep_gazetteer(holder) -> None:
    """The master's thread: load the gazetteer, then poll its files; fork the workers
    again from the master after each change (a new gazetteer, or a new error)."""
    while True:
        started = time.perf_counter()
        if holder.poll():
            if holder.gazetteer is not None:
                _share(holder.gazetteer)
                log.info(
                    "gazetteer %s %s in use after %.1f s; workers forked again",
                    holder.gazetteer.name,
                    holder.gazetteer.version,
                    time.perf_counter() - started,
                )
            os.kill(os.getpid(), signal.SIGHUP)
        if holder.interval <= 0 and holder.gazetteer is not None:
            return
        time.sleep(holder.interval if holder.interval > 0 else 1.0)


def _when_ready(arbiter) -> None:
    holder = arbiter.app.application.extensions["normalizer"].holder
    threading.Thread(target=keep_gazetteer, args=(holder,), name="gazetteer", daemon=True).start()


def gunicorn_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The gunicorn configuration for our settings."""
    host = settings["host"]
    host = f"[{host}]" if ":" in host else host
    options = {
        "bind": [f"{host}:{settings['port']}"],
        "workers": settings["workers"],
        "worker_class": WORKER_CLASS,
        "threads": settings["threads"],
        "timeout": settings["timeout"],
        "graceful_timeout": settings["timeout"],
        "preload_app": True,
        "accesslog": None,  # the app writes its own access lines, with request ids
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "normalizer",
        "child_exit": _child_exit,
        "when_ready": _when_ready,
        # gunicorn >= 25 opens a control socket in $HOME by default; two servers on one
        # machine would fight over it, and a read-only container has no place for it.
        "control_socket_disable": True,
    }
    if os.path.isdir("/dev/shm"):
        # The heartbeat file: on a disk-backed /tmp (containers) a slow fsync can stall
        # a worker's heartbeat; gunicorn's docs advise memory-backed /dev/shm.
        options["worker_tmp_dir"] = "/dev/shm"
    return options


def serve(settings: dict[str, Any]) -> None:
    """Build the app, then run gunicorn until SIGTERM (gunicorn exits the process)."""
    own_dir = None
    if not os.environ.get(MULTIPROC_ENV):
        own_dir = tempfile.mkdtemp(prefix="normalizer-metrics-")
        os.environ[MULTIPROC_ENV] = own_dir
    master = os.getpid()
    try:
        # Imported only now, so prometheus_client sees PROMETHEUS_MULTIPROC_DIR.
        from normalizer.service import EXTENSION, create_app

        app = create_app(
            {setting.env_var: settings[setting.name] for setting in SETTINGS},
            defer_gazetteer=True,
        )
        app.extensions[EXTENSION].holder.managed = True
        log.info(
            "serving on http://%s:%s with %d worker(s) of %d thread(s); loading the gazetteer",
            settings["host"],
            settings["port"],
            settings["workers"],
            settings["threads"],
        )
        NormalizerServer(app, gunicorn_options(settings)).run()
    finally:
        # Workers leave through here too (gunicorn's sys.exit): only the master cleans.
        if own_dir and os.getpid() == master:
            shutil.rmtree(own_dir, ignore_errors=True)
