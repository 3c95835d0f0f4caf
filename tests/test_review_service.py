"""The review page's HTTP side: its files, their headers, and the token guarding them."""

from __future__ import annotations

import base64

import pytest

from normalizer.service import create_app
from tests.test_service import assert_problem


def basic(user: str, password: str) -> dict:
    credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


def test_the_home_redirects_to_the_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/review"


@pytest.mark.parametrize(
    ("path", "mimetype", "contains"),
    [
        ("/review", "text/html", b'<script src="/review/review.js" defer>'),
        ("/review/review.js", "text/javascript", b'offsets: "utf16"'),
        ("/review/review.css", "text/css", b"Okabe"),
    ],
)
def test_the_page_and_its_files_come_from_the_package(client, path, mimetype, contains):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == mimetype
    assert contains in response.data
    # Nothing from another origin, no inline script: the page works within this policy.
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_loads_nothing_from_elsewhere(client):
    html = client.get("/review").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "<script>" not in html


@pytest.fixture
def guarded():
    return create_app({"TESTING": True, "NORMALIZER_TOKEN": "s3cret"}).test_client()


@pytest.mark.parametrize("path", ["/", "/review", "/review/review.js", "/review/review.css"])
def test_the_token_guards_the_page_and_a_browser_is_asked_for_it(guarded, path):
    response = guarded.get(path)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Basic realm="normalizer", charset="UTF-8"'
    assert guarded.get(path, headers=basic("editor", "s3cret")).status_code in (200, 302)
    assert guarded.get(path, headers={"Authorization": "Bearer s3cret"}).status_code in (200, 302)


def test_the_token_as_a_basic_password_opens_the_api_too(guarded):
    ok = guarded.post("/v1/clean", json={"text": "Hifter"}, headers=basic("", "s3cret"))
    assert ok.status_code == 200 and ok.get_json()["text"] == "Haftar"


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"editor:wrong").decode(),
        "Basic " + base64.b64encode(b"s3cret").decode(),  # no colon: no password
        "Basic not-base64!",
        "Basic " + base64.b64encode(b"\xff:s3cret").decode(),  # not UTF-8
        "Digest s3cret",
    ],
)
def test_wrong_credentials_are_refused(guarded, authorization):
    headers = {"Authorization": authorization}
    assert_problem(guarded.get("/review", headers=headers), 401, "unauthorized")
    assert_problem(
        guarded.post("/v1/clean", json={"text": "a"}, headers=headers), 401, "unauthorized"
    )
