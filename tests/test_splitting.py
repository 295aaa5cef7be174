import html
import re

import pytest

from fakes.html_entities import parse
from pressbot.texts.splitting import TELEGRAM_TEXT_LIMIT, split_html, utf16_length


def visible(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def assert_valid_messages(messages: list[str], limit: int = TELEGRAM_TEXT_LIMIT) -> None:
    for message in messages:
        parsed = parse(message, "HTML")  # Telegram's own parser; raises on broken entities
        assert 0 < utf16_length(parsed.text) <= limit
        assert parsed.text.strip()


def test_short_text_is_one_message_unchanged() -> None:
    assert split_html("<b>Title</b>\n\nBody &amp; more") == ["<b>Title</b>\n\nBody &amp; more"]


def test_paragraphs_are_preferred_over_sentences() -> None:
    first = "First paragraph. " * 40
    second = "Second paragraph. " * 40
    messages = split_html(f"{first.strip()}\n\n{second.strip()}", limit=1000)
    assert messages == [first.strip(), second.strip()]


def test_long_paragraph_is_cut_after_a_sentence() -> None:
    text = " ".join(f"Sentence number {n} ends here." for n in range(200))
    messages = split_html(text, limit=500)
    assert_valid_messages(messages, limit=500)
    assert all(message.endswith("ends here.") for message in messages)
    assert " ".join(messages) == text


def test_tags_open_at_a_cut_are_closed_and_reopened() -> None:
    inner = " ".join(f"Quoted sentence {n}." for n in range(300))
    markup = (
        f'<blockquote>Intro <a href="https://example.org/x?a=1&amp;b=2">{inner}</a></blockquote>'
    )
    messages = split_html(markup, limit=1000)
    assert len(messages) > 1
    assert_valid_messages(messages, limit=1000)
    for message in messages[1:]:
        assert message.startswith('<blockquote><a href="https://example.org/x?a=1&amp;b=2">')
    for message in messages:
        assert message.endswith("</a></blockquote>")
    assert " ".join(visible(m) for m in messages) == visible(markup)


def test_length_counts_text_after_entity_parsing_in_utf16() -> None:
    # 4096 "&amp;" are 4096 characters for Telegram, though 20480 as markup.
    assert split_html("&amp;" * 4096) == ["&amp;" * 4096]
    # An emoji outside the BMP counts two: 2049 of them need two messages.
    messages = split_html("😀" * 2049)
    assert [utf16_length(m) for m in messages] == [4096, 2]


def test_a_word_longer_than_a_message_is_cut_hard() -> None:
    messages = split_html("x" * 10000)
    assert [len(m) for m in messages] == [4096, 4096, 1808]


def test_entities_are_never_cut_in_half() -> None:
    text = "a&lt;b " * 3000
    messages = split_html(text, limit=100)
    assert_valid_messages(messages, limit=100)
    assert "".join(visible(m) + " " for m in messages).split() == visible(text).split()


@pytest.mark.parametrize("limit", [50, 333, 4096])
def test_nothing_is_lost_or_reordered(limit: int) -> None:
    words = [
        f"<b>w{n}</b>" if n % 7 == 0 else f"w{n}." if n % 5 == 0 else f"w{n}" for n in range(3000)
    ]
    markup = " ".join(words)
    messages = split_html(markup, limit=limit)
    assert_valid_messages(messages, limit=limit)
    assert " ".join(visible(m) for m in messages).split() == visible(markup).split()


def test_whitespace_only_input_gives_no_messages() -> None:
    assert split_html("  \n\n ") == []
