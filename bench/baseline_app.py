"""The HTTP baseline: a trivial Flask app whose one endpoint runs plain ``ftfy.fix_text``.

Served by gunicorn exactly like the real service, it shows what HTTP plus ftfy costs alone.
"""

from __future__ import annotations

import ftfy
from flask import Flask, Response, request

app = Flask(__name__)


@app.post("/v1/clean")
def clean_text() -> Response:
    """Fix the posted text with ftfy and answer it as JSON."""
    text = request.get_data(as_text=True)
    return app.json.response({"text": ftfy.fix_text(text)})


@app.get("/healthz")
def healthz() -> Response:
    """Alive."""
    return app.json.response({"status": "ok"})
