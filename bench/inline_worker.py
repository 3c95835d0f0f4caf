"""A serving design measured against the one ``normalizer serve`` runs (README, "Serving
design, and why"; ``bench/serving.py``): the worker's event loop reads each request
whole, as :class:`normalizer.workers.ThreadWorker` does, and then also cleans a small one
in its own thread, as a sync worker would, with no hand-off to a thread and no contention
for the GIL; only larger or chunked bodies (a streaming batch) go to a thread.  Its
answers are sent by the loop, as ThreadWorker's are.
"""

from __future__ import annotations

from concurrent import futures

from normalizer.sending import Outbox
from normalizer.workers import ThreadWorker

# Requests read whole up to this size are answered by the event loop's own thread
# (:class:`InlineWorker`); a news article is 5-50 KB and cleans in 3-30 ms.  A larger
# one goes to a thread, so that the loop goes on beating (gunicorn's heartbeat) and
# serving its other connections while it is cleaned.
INLINE_BODY_BYTES = 128 * 1024


class InlineWorker(ThreadWorker):
    """gthread with its event loop reading requests whole and also answering the small
    ones itself; threads only for larger or chunked bodies."""

    def dispatch(self, conn, size: int | None) -> None:
        """Answer a small request read whole here and now; hand the rest to a thread."""
        if size is None or size > INLINE_BODY_BYTES + self.head_limit:
            super().dispatch(conn, size)
            return
        self.outboxes[conn] = Outbox(conn.sock)
        done = futures.Future()
        done.set_result(self.handle(conn))
        self.finish_request(conn, done)
