"""The review page in a real headless Chromium, against the real server process.

One browser for the session, one page per test; elements are found by role, label and
text, as a person finds them.  Debian's Chromium is driven through Playwright (its own
browser download is not possible here): ``apt-get install chromium`` where it is missing,
and these tests skip saying so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from normalizer import apply_changes, clean
from normalizer.cli import render_diff
from tests.conftest import NORMALIZER

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "tests" / "artifacts"  # gitignored: screenshots of the last run
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BODY_LIMIT = 256 * 1024
ASTRAL = "😀 Khalifa Hifter 👍🏽 met 𝔘 Valery Grasimov in Sirt, 😀 said Hifter’s office."
TIMEOUT_MS = 60_000  # a busy 2-core machine; nothing here measures speed


def seed(number: int) -> str:
    path = next(p for p in SEEDS.glob(f"{number:03d}_*.txt") if ".expected" not in p.name)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright, for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="pip install playwright (make install does)"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(start_server, new_port, child_env):
    """``normalizer serve`` on the default gazetteer, one worker, a 256 KiB body limit."""
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "1"]
    argv += ["--max-body-bytes", str(BODY_LIMIT)]
    with start_server(argv, port) as running:
        yield running


@pytest.fixture
def page(browser, server):
    """A fresh page on the review page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server.url + "/")  # the home redirects to the page
    yield page
    context.close()


def paste_and_clean(page, text: str) -> None:
    paste_and_clean_without_waiting(page, text)
    page.get_by_role("status").filter(has_text="change(s) accepted").wait_for()


def marks(page):
    return page.get_by_role("region", name="Marked article").get_by_role("checkbox")


def result_text(page) -> str:
    return page.get_by_label("The article with the accepted changes").input_value()


def diff_words(text: str, result) -> tuple[str, list[str], list[str]]:
    """The words of ``normalizer clean --diff``: summary, change lines, flag lines.

    After its summary the diff has two lines per item: where and what, then why.
    """
    lines = render_diff("-", text, result, color=False).splitlines()
    summary = lines[0].removeprefix("== <stdin>: ")
    items = [line.strip().split("  ", 1)[1] for line in lines[1::2]]
    return summary, items[: len(result.changes)], items[len(result.changes) :]


def test_marks_match_the_change_log_in_the_words_of_the_cli(page):
    text = seed(0)
    expected = clean(text)
    paste_and_clean(page, text)
    summary, change_lines, _ = diff_words(text, expected)
    assert page.get_by_text(summary, exact=True).is_visible()
    shown = marks(page)
    assert shown.count() == len(expected.changes) == len(change_lines)
    for index, line in enumerate(change_lines):
        assert shown.nth(index).get_attribute("aria-label") == line
        assert shown.nth(index).get_attribute("aria-checked") == "true"  # accepted by default
    assert result_text(page) == expected.text


def test_hover_and_focus_show_rule_message_and_confidence(page):
    text = seed(0)
    change = clean(text).changes[0]
    paste_and_clean(page, text)
    first = marks(page).first
    first.hover()
    tip = page.get_by_role("tooltip").filter(has_text=change.message)
    assert tip.is_visible()
    assert change.rule in tip.inner_text() and f"{change.confidence:.2f}" in tip.inner_text()
    page.mouse.move(0, 0)
    first.focus()
    assert tip.is_visible()


def test_rejecting_one_change_gives_apply_changes_of_the_rest(page):
    text = seed(0)
    changes = clean(text).changes
    paste_and_clean(page, text)
    index = next(i for i, c in enumerate(changes) if c.rule == "entity.fuzzy_variant")
    marks(page).nth(index).click()
    assert marks(page).nth(index).get_attribute("aria-checked") == "false"
    kept = [c for i, c in enumerate(changes) if i != index]
    assert result_text(page) == apply_changes(text, kept)
    # The keyboard does the same: focus the next mark, press Space.
    marks(page).nth(index + 1).focus()
    page.keyboard.press("Space")
    kept = [c for i, c in enumerate(changes) if i not in (index, index + 1)]
    assert result_text(page) == apply_changes(text, kept)


def test_the_arrow_keys_step_from_mark_to_mark(page):
    paste_and_clean(page, seed(0))
    where = (
        "() => [...document.querySelectorAll('#marked [tabindex]')].indexOf(document.activeElement)"
    )
    marks(page).nth(3).focus()
    here = page.evaluate(where)
    assert here >= 3  # changes and flags, in reading order
    page.keyboard.press("ArrowRight")
    assert page.evaluate(where) == here + 1
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(where) == here - 1


def test_reject_all_of_one_entity_and_one_rule(page):
    text = seed(0)
    changes = clean(text).changes
    paste_and_clean(page, text)
    entity = next(c.entity for c in changes if c.entity and c.rule == "entity.alias")
    page.get_by_role("button", name=f"Reject all {entity['name']}", exact=True).click()
    kept = [c for c in changes if not c.entity or c.entity["id"] != entity["id"]]
    assert result_text(page) == apply_changes(text, kept)
    page.get_by_role("button", name="Reject all script.mixed_token", exact=True).click()
    kept = [c for c in kept if c.rule != "script.mixed_token"]
    assert result_text(page) == apply_changes(text, kept)
    page.get_by_role("button", name="Accept all changes").click()
    assert result_text(page) == clean(text).text


def test_flags_are_shown_where_they_point(page):
    text = seed(2)
    result = clean(text)
    assert any(flag.rule == "entity.unknown_variants" for flag in result.flags)
    paste_and_clean(page, text)
    _, _, flag_lines = diff_words(text, result)
    listed = page.get_by_role("list", name="Flags")
    items = listed.get_by_role("listitem")
    assert items.count() == len(result.flags)
    for index, (line, flag) in enumerate(zip(flag_lines, result.flags, strict=True)):
        shown = items.nth(index).inner_text()
        assert shown.startswith(line) and flag.message in shown
    unknown = next(f for f in result.flags if f.rule == "entity.unknown_variants")
    mark = page.get_by_role("region", name="Marked article").get_by_label(
        re.compile(re.escape(f"flag {unknown.rule}"))
    )
    assert mark.first.is_visible()
    assert text[unknown.start : unknown.end] in mark.first.inner_text()


def test_astral_characters_and_right_to_left_text(page):
    text = ASTRAL + "\nقال خليفة حفتر إن 😀 Hifter وصل."
    expected = clean(text)
    assert any(c.start > 1 for c in expected.changes)
    paste_and_clean(page, text)
    _, change_lines, _ = diff_words(text, expected)
    shown = marks(page)
    assert [shown.nth(i).get_attribute("aria-label") for i in range(shown.count())] == change_lines
    assert result_text(page) == expected.text
    shown.nth(1).click()
    kept = [c for i, c in enumerate(expected.changes) if i != 1]
    assert result_text(page) == apply_changes(text, kept)


def test_a_dropped_file_is_cleaned(page):
    text = "Khalifa Hifter met Valery Grasimov in Sirt."
    dropped = page.evaluate_handle(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "article.txt", {type: "text/plain"}));
            return data;
        }""",
        text,
    )
    page.get_by_label("Paste or drop an article here").dispatch_event(
        "drop", {"dataTransfer": dropped}
    )
    page.get_by_role("status").filter(has_text="change(s) accepted").wait_for()
    assert page.get_by_label("Paste or drop an article here").input_value() == text
    assert result_text(page) == clean(text).text


def test_a_100_kb_article(page):
    pieces, size = [], 0
    while size < 100_000:
        piece = seed(len(pieces) % 5)
        pieces.append(piece)
        size += len(piece.encode())
    text = "\n\n".join(pieces)
    expected = clean(text)
    paste_and_clean(page, text)
    assert marks(page).count() == len(expected.changes)
    assert result_text(page) == expected.text


def test_options_change_the_request(page):
    text = "Khalifa Hifter met President Erdogan in Ankara."
    page.get_by_label("Diacritics").select_option("ascii")
    page.get_by_role("checkbox", name="punctuation", exact=True).uncheck()
    paste_and_clean(page, text)
    options = {
        "diacritics": "ascii",
        "categories": ["encoding", "boilerplate", "whitespace", "script", "entity", "language"],
    }
    assert result_text(page) == clean(text, options).text


def test_a_400_shows_the_servers_own_detail(page, server):
    page.get_by_label("Minimum confidence").fill("2")
    paste_and_clean_without_waiting(page, "Khalifa Hifter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    problem = post_json(server, {"text": "Khalifa Hifter", "options": {"min_confidence": 2}})
    assert problem["status"] == 400
    assert f"400 {problem['title']}" in alert.inner_text()
    assert problem["detail"] in alert.inner_text()


def test_a_413_shows_the_servers_own_detail(page):
    paste_and_clean_without_waiting(page, "Khalifa Hifter met. " * (BODY_LIMIT // 16))
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "413" in alert.inner_text()
    assert f"limit of {BODY_LIMIT} bytes" in alert.inner_text()


def test_a_batch_output_file_opens_document_by_document(page, tmp_path):
    texts = {"a": seed(0), "b": ASTRAL}
    lines = [
        json.dumps({"id": key, **clean(text).to_dict()}, ensure_ascii=False)
        for key, text in texts.items()
    ]
    output = tmp_path / "out.jsonl"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_label(re.compile("Or open a file")).set_input_files(str(output))
    page.get_by_role("status").filter(has_text="change(s) accepted").wait_for()
    assert page.get_by_label("Paste or drop an article here").input_value() == texts["a"]
    page.get_by_label("Document of the batch file").select_option(label="line 2: b")
    summary, _, _ = diff_words(ASTRAL, clean(ASTRAL))
    page.get_by_text(summary, exact=True).wait_for()
    assert page.get_by_label("Paste or drop an article here").input_value() == ASTRAL
    assert result_text(page) == clean(ASTRAL).text


def test_the_curation_report_of_a_batch_output(page, tmp_path):
    from gazetteer import loader as gazetteer
    from normalizer.curation import gather
    from tests.conftest import SMALL_GAZETTEER
    from tests.test_curation import DOCUMENTS, OPTIONS

    lines = [
        json.dumps({"id": f"doc{n}", **clean(text, OPTIONS).to_dict()}, ensure_ascii=False)
        for n, text in enumerate(DOCUMENTS)
    ]
    output = tmp_path / "day.out.jsonl"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_label(re.compile("Or open a file")).set_input_files(str(output))
    page.get_by_role("status").filter(has_text="change(s) accepted").wait_for()
    page.get_by_role("button", name="Curation report of this batch output").click()
    table = page.get_by_role("table")
    table.wait_for()
    report = gather(lines)
    rows = table.get_by_role("row")
    assert rows.count() == len(report.spellings) + 1  # and the header row
    first = report.spellings[0]
    assert first.spelling == "Al-Zawi"
    assert rows.nth(1).get_by_role("cell").nth(1).inner_text() == "Al-Zawi"
    assert rows.nth(1).get_by_role("cell").nth(2).inner_text() == str(first.count)
    ticked = page.get_by_role("checkbox", name="Add Al-Zawi")
    assert ticked.is_checked()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ticked gazetteer lines").click()
    saved = tmp_path / "lines.jsonl"
    download.value.save_as(saved)
    written = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    expected = [row.gazetteer_line for row in report.spellings if row.gazetteer_line]
    assert written[0]["gazetteer"] == "curation" and written[1:] == expected
    gazetteer.load_sources([SMALL_GAZETTEER, saved])  # a gazetteer file that loads


def test_an_opened_file_keeps_its_line_ends_and_the_download_is_exact(page, tmp_path):
    text = "Khalifa Hifter met.\r\n\r\nValery Grasimov  \r\nin Sirt 😀.\r\n"
    article = tmp_path / "article.txt"
    article.write_bytes(text.encode())
    page.get_by_label(re.compile("Or open a file")).set_input_files(str(article))
    page.get_by_role("status").filter(has_text="change(s) accepted").wait_for()
    changes = clean(text).changes
    assert marks(page).count() == len(changes)
    marks(page).first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the result").click()
    saved = tmp_path / "cleaned.txt"
    download.value.save_as(saved)
    assert saved.read_bytes().decode() == apply_changes(text, changes[1:])


def test_confidence_is_written_as_the_cli_writes_it(page):
    values = [k / 1000 for k in range(1001)]
    shown = page.evaluate("(values) => values.map(formatConfidence)", values)
    assert shown == [f"{value:.2f}" for value in values]


def test_screenshot_of_a_seed(page):
    """Kept as an artifact (tests/artifacts/review.png) to look at; docs/review.png is a copy."""
    paste_and_clean(page, seed(2))
    marks(page).nth(1).click()  # one change rejected, to show both states
    page.mouse.move(0, 0)
    marks(page).nth(2).focus()  # its rule, confidence and message shown
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def paste_and_clean_without_waiting(page, text: str) -> None:
    page.get_by_label("Paste or drop an article here").fill(text)
    page.get_by_role("button", name="Clean", exact=True).click()


def post_json(server, body: dict) -> dict:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        server.url + "/v1/clean",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def test_the_token_guards_the_page_and_a_browser_logs_in(
    browser, start_server, new_port, child_env, small_gazetteer
):
    port = new_port()
    executable = NORMALIZER
    argv = [
        executable,
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--gazetteer",
        small_gazetteer[0],
    ]
    with start_server(argv, port, env={"NORMALIZER_TOKEN": "s3cret"}) as guarded:
        anonymous = browser.new_context()
        response = anonymous.request.get(guarded.url + "/review")
        assert response.status == 401  # and a browser asks for the password:
        assert response.headers["www-authenticate"].startswith("Basic ")
        anonymous.close()
        editor = browser.new_context(http_credentials={"username": "ed", "password": "s3cret"})
        page = editor.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        assert page.goto(guarded.url + "/review").status == 200
        paste_and_clean(page, "Khalifa Hifter met.")
        assert result_text(page) == "Khalifa Haftar met."
        editor.close()
