"""``normalizer serve``: the production server, gunicorn running the Flask app.

Why gunicorn: a mature pre-fork WSGI server.  With ``preload_app`` the master builds the
app — settings checked, gazetteer loaded, the engine warmed up — *before* it forks, so
every worker shares that memory copy-on-write instead of loading its own copy, and a
bad setting or gazetteer stops the server before it listens.  On SIGTERM the master
stops accepting connections and lets in-flight requests, a streaming batch included,
finish within ``graceful_timeout`` (our ``timeout`` setting) before it exits with 0.

Why ``gthread`` workers rather than ``sync``: a batch answer streams for as long as its
input lasts, and a sync worker busy with one request cannot send gunicorn its
heartbeat, so it would be killed after ``timeout`` seconds.  A gthread worker's main
loop keeps beating while its threads work, keeps connections alive for clients that
reuse them, and a slow client holds one thread, not a whole process.  Cleaning is
CPU-bound and the GIL serializes it within a process, so parallelism comes from the
workers (one per core by default) and a few threads per worker suffice.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from normalizer.settings import SETTINGS

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client when imported
# Enough words (8 or more) that the language stage runs langdetect, whose profiles load
# lazily: warming up in the master lets the workers share them too.
WARM_UP_TEXT = "Foreign Minister Mevlut Cavusoglu met Khalifa Hifter in Sirt on Monday morning."
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


def gunicorn_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The gunicorn configuration for our settings."""
    host = settings["host"]
    host = f"[{host}]" if ":" in host else host
    options = {
        "bind": [f"{host}:{settings['port']}"],
        "workers": settings["workers"],
        "worker_class": "normalizer.workers.ThreadWorker",  # gthread, errors as problem+json
        "threads": settings["threads"],
        "timeout": settings["timeout"],
        "graceful_timeout": settings["timeout"],
        "preload_app": True,
        "accesslog": None,  # the app writes its own access lines, with request ids
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "normalizer",
        "child_exit": _child_exit,
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
        from normalizer.pipeline import clean
        from normalizer.service import EXTENSION, create_app

        app = create_app({setting.env_var: settings[setting.name] for setting in SETTINGS})
        gazetteer = app.extensions[EXTENSION].gazetteer
        clean(WARM_UP_TEXT, gazetteer=gazetteer)
        # Move everything loaded so far out of the garbage collector's sight: its passes
        # would otherwise write to every object and un-share the workers' pages.  Measured
        # with the default gazetteer (34k entities, 2 workers, 40 articles served): each
        # worker's private memory fell from 152 MB to 11 MB.
        gc.collect()
        gc.freeze()
        log.info(
            "serving on http://%s:%s with %d worker(s) of %d thread(s); gazetteer %s %s",
            settings["host"],
            settings["port"],
            settings["workers"],
            settings["threads"],
            gazetteer.name,
            gazetteer.version,
        )
        NormalizerServer(app, gunicorn_options(settings)).run()
    finally:
        # Workers leave through here too (gunicorn's sys.exit): only the master cleans.
        if own_dir and os.getpid() == master:
            shutil.rmtree(own_dir, ignore_errors=True)
