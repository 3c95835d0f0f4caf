"""Request bodies, read whole and within the limit, whatever their framing.

A body comes with a ``Content-Length`` or in ``Transfer-Encoding: chunked`` pieces.  Both
are read the same way here: at most ``NORMALIZER_MAX_BODY_BYTES`` plus one byte, and that
one byte more is the proof that the body is too large (413).  A body is never cut at the
limit and cleaned as if it were whole (Werkzeug's own limit on a chunked stream stops
reading at the limit and returns what it has: a text cut mid-word, answered 200).

Whatever breaks while reading (a bad chunk size, a missing chunk terminator, a client
that goes away before the end) is the request's framing, not our failure: a 400.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wsgi import get_input_stream

from normalizer.problems import ApiError

READ_SIZE = 64 * 1024
# The rest of a refused body is not read: the connection closes after the answer, instead
# of the server reading (and throwing away) a body that may never end.
CLOSE = {"Connection": "close"}


def body_limit_detail(limit: int) -> str:
    """What a 413 says: the limit and the setting that sets it."""
    return f"The body is larger than the limit of {limit} bytes (NORMALIZER_MAX_BODY_BYTES)."


def read_body() -> bytes:
    """The request's whole body; 413 when it is over the limit, 400 when unreadable."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise ApiError("body-too-large", body_limit_detail(limit), headers=CLOSE)
    # The server's own stream when it ends the body itself (gunicorn: chunked or not),
    # else one limited to Content-Length (empty without one).
    stream = get_input_stream(request.environ)
    chunks, size = [], 0
    while size <= limit:
        try:
            chunk = stream.read(min(READ_SIZE, limit + 1 - size))
        except Exception as error:  # the server's parser: bad chunked framing, a lost client
            raise ApiError(
                "bad-request",
                f"The request body could not be read to its end ({error}); send it with a "
                "correct Content-Length or well-formed chunked encoding.",
                headers=CLOSE,
            ) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise ApiError("body-too-large", body_limit_detail(limit), headers=CLOSE)
    declared = request.content_length
    if declared is not None and size != declared:  # gunicorn ends such a body quietly
        raise ApiError(
            "bad-request",
            f"The body ended after {size} of the {declared} bytes its Content-Length "
            "announced; send the whole body.",
            headers=CLOSE,
        )
    return b"".join(chunks)
