"""Idempotence on layout debris repeated many times: cleaning the output changes nothing.

The three hostile cases below once needed more passes than the pipeline allows: each
pass removed a few repeats of the first line and let the next few into view, so a second
clean went on removing.  They run here at a size that is quick to clean but well past
that point (about 30 repeats); ``make bench`` runs them at full size and times them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.hostile import hostile_text
from normalizer import apply_changes, clean
from normalizer.pipeline import MAX_PASSES


def check_settled(text: str):
    """Clean ``text``; the log replays, the pipeline settled, and a second clean is a no-op."""
    result = clean(text)
    assert apply_changes(text, result.changes) == result.text
    again = clean(result.text)
    assert again.text == result.text
    assert again.changes == (), [change.to_dict() for change in again.changes[:3]]
    # Work done, not time: the fixed point came before the cap on passes.
    assert result.stats["passes"] < MAX_PASSES
    return result


@pytest.mark.parametrize(
    ("name", "lines_left"),
    [
        # A bullet line is no headline, and 400 bullets are no caption block.
        ("20k caption bullets", 400),
        # Only the first line stays: each repeat was in view once those before it went.
        ("20k repeated headlines", 1),
        ("trailing spaces on 20k lines", 1),
    ],
)
def test_repeated_lines_are_settled_in_one_clean(name, lines_left):
    text = hostile_text(name, 0.02)  # 400 lines
    result = check_settled(text)
    assert len([line for line in result.text.splitlines() if line.strip()]) == lines_left


def test_a_repeated_headline_far_down_is_content():
    """Seven other lines after the headline end the search for its repeats."""
    body = "".join(f"Paragraph {number}.\n\n" for number in range(7))
    text = "Headline\n\nHeadline\n\n" + body + "Headline\n\nThe end."
    result = check_settled(text)
    assert result.text == "Headline\n\n" + body + "Headline\n\nThe end."


def test_repeats_at_the_end_of_the_text_go_with_their_line_breaks():
    result = check_settled("Headline\n\nHeadline\n\nHeadline")
    assert result.text == "Headline"


LINES = st.sampled_from(
    [
        "Headline",
        " Headline ",
        "",
        "  ",
        "  • Reuters",
        "  • A caption",
        "  • © Name",
        "word \u00a0 \t",
        "Officials said the talks went on.",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(LINES, st.integers(1, 40)), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_any_mix_of_repeated_lines_settles(runs, newline, final_newline):
    """Runs of the same line, up to 40 long: the repeats the window reaches step by step."""
    lines = [line for line, count in runs for _ in range(count)]
    text = newline.join(lines) + (newline if final_newline else "")
    check_settled(text)


def test_headline_repeats_inside_caption_blocks_settle():
    """Removing a repeat between two bullet lines would join them into a caption block,
    and removing that block would let more lines into view: twenty such units once
    outran the cap on passes, three units a pass."""
    unit = "  • A caption\nHeadline\n  • Reuters\n\n"
    result = check_settled("Headline\n\n" + unit * 20 + "The end.")
    assert result.text == "Headline\n\nThe end."
    assert {change.rule for change in result.changes} == {"boilerplate.photo_caption"}


def test_stats_say_whether_the_text_settled(monkeypatch):
    """``stats.settled``: true at a fixed point; false when the cap stopped a stage that
    still had work (here a cap of one pass, before the entity rewrite's second pass)."""
    import normalizer.pipeline as pipeline

    text = "Khalifa Hifter met Sergei Lavrov in Sirt."
    assert clean(text).stats["settled"] is True
    monkeypatch.setattr(pipeline, "MAX_PASSES", 1)
    capped = clean(text)
    assert capped.stats["passes"] == 1
    assert capped.stats["settled"] is False
