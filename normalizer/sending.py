"""Answers sent by a worker's event loop, as fast as each client takes them.

A thread that writes an answer straight to the client's socket blocks when the client
does not read it (or reads it one byte a second), for up to the ``timeout`` setting: a few
such clients hold every thread, and the service stops as surely as with clients that send
slowly.  So the answer to a request read whole goes to an :class:`Outbox` instead, and
the worker's event loop sends it without blocking, beside every other connection; a
client that does not read costs a buffer (its answer), not a thread.  A streamed answer
(a batch whose body a thread reads as it arrives) is still written by its thread.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from concurrent import futures
from functools import partial

CLOSE_LINGER = 2.0  # seconds a closed connection is drained (gunicorn's close_graceful)


def receive(sock) -> bytes | None:
    """What a non-blocking ``sock`` has to read: None when nothing yet, ``b""`` at the end
    of the stream or on a socket error (the connection is done either way)."""
    try:
        return sock.recv(65536)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""


class Outbox:
    """Stands for a client's socket while its request is answered: what the response
    writes is kept here, for the event loop to send."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.data = bytearray()

    def sendall(self, data) -> None:
        """Keep ``data`` to send."""
        self.data += data

    def send(self, data) -> int:
        """Keep ``data`` to send (all of it)."""
        self.data += data
        return len(data)

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        """Keep a file's bytes to send (the review page's static files: small)."""
        file.seek(offset)
        chunk = file.read(count) if count else file.read()
        self.data += chunk
        return len(chunk)

    def __getattr__(self, name: str):
        return getattr(self.sock, name)


class SendsAnswers:
    """Mixin for gunicorn's gthread worker: a connection with an outbox (put in
    ``outboxes`` before its request is handled) has its answer sent by the loop."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outboxes: dict = {}  # connection -> Outbox, while its request is handled
        self.sending: dict = {}  # connection -> (bytes left, deadline, keep alive?)

    def handle_request(self, req, conn):
        """Serve one request; with an outbox, the response writes to it."""
        outbox = self.outboxes.get(conn)
        if outbox is None:
            return super().handle_request(req, conn)
        conn.sock = outbox
        try:
            return super().handle_request(req, conn)
        finally:
            conn.sock = outbox.sock

    def finish_request(self, conn, fs) -> None:
        """(The loop's thread.)  The request was handled: send what its outbox holds."""
        outbox = self.outboxes.pop(conn, None)
        if outbox is None:
            super().finish_request(conn, fs)
            return
        try:
            keep = bool(fs.result()) if not fs.cancelled() else False
        except BaseException:
            keep = False
        deadline = time.monotonic() + self.cfg.timeout
        self._send(conn, memoryview(bytes(outbox.data)), keep, deadline)

    def _send(self, conn, data: memoryview, keep: bool | None, deadline: float) -> None:
        try:
            conn.sock.setblocking(False)
            while data:
                data = data[conn.sock.send(data) :]
        except (BlockingIOError, InterruptedError):
            self.sending[conn] = (data, deadline, keep)
            self.poller.register(conn.sock, selectors.EVENT_WRITE, partial(self._on_writable, conn))
            return
        except OSError:
            keep = None  # the client is gone
        self._sent(conn, keep)

    def _on_writable(self, conn, client) -> None:
        data, deadline, keep = self.sending.pop(conn)
        self.poller.unregister(client)
        self._send(conn, data, keep, deadline)

    def _sent(self, conn, keep: bool | None) -> None:
        """The answer is out: keep the connection alive, or close it."""
        if keep:
            done = futures.Future()
            done.set_result(True)
            super().finish_request(conn, done)
        elif keep is None:
            self._drop(conn)
        else:  # gunicorn's close_graceful, without blocking the loop
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_WR)
            self.sending[conn] = (memoryview(b""), time.monotonic() + CLOSE_LINGER, False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_closing, conn))

    def _on_closing(self, conn, client) -> None:
        more = receive(conn.sock)
        if more is None:
            return
        if not more:
            self.sending.pop(conn, None)
            self._drop(conn)

    def murder_pending(self) -> None:
        """Also close connections whose answer was not taken in time."""
        super().murder_pending()
        now = time.monotonic()
        for conn, (_, deadline, _) in list(self.sending.items()):
            if now > deadline:
                del self.sending[conn]
                self._drop(conn)
