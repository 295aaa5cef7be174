"""Website HTML -> Telegram-safe HTML."""

from __future__ import annotations

from fakes.html_entities import parse
from fakes.website import FIXTURES
from pressbot.ingest.sanitizing import safe_link, sanitize_html
from pressbot.texts.markup import html_to_plain
from pressbot.texts.reader import render_opening
from pressbot.texts.splitting import split_html


def test_allowed_tags_stay_and_synonyms_become_telegrams_names() -> None:
    markup = (
        "<p><strong>Bold</strong>, <em>italic</em>, <ins>u</ins>, <del>gone</del>,"
        " <code>x</code></p>"
    )
    assert (
        sanitize_html(markup)
        == "<b>Bold</b>, <i>italic</i>, <u>u</u>, <s>gone</s>, <code>x</code>"
    )


def test_paragraphs_lines_and_lists_are_kept_as_text_breaks() -> None:
    markup = "<p>One\n  line</p><div>Two<br>lines</div><ul><li>first</li><li>second</li></ul>"
    assert sanitize_html(markup) == "One line\n\nTwo\nlines\n\n• first\n• second"


def test_scripts_and_styles_go_with_their_content() -> None:
    markup = (
        "<style>p {}</style><p>Kept<script>alert('x')</script> text</p><noscript>no</noscript>"
    )
    assert sanitize_html(markup) == "Kept text"


def test_other_tags_become_text_and_text_is_escaped() -> None:
    markup = '<p><span class="x">a</span> <font>b</font> &lt;i&gt; &amp; 1 < 2</p>'
    assert sanitize_html(markup) == "a b &lt;i&gt; &amp; 1 &lt; 2"


def test_links_are_absolute_and_only_http_or_mailto() -> None:
    markup = '<a href="/visas?a=1&b=2">visas</a> <a href="javascript:alert(1)">bad</a>'
    assert sanitize_html(markup, "https://embassy.example/press/") == (
        '<a href="https://embassy.example/visas?a=1&amp;b=2">visas</a> bad'
    )
    assert safe_link("mailto:info@embassy.example") == "mailto:info@embassy.example"
    assert safe_link("data:text/html,x") == ""


def test_broken_nesting_gives_balanced_paragraphs() -> None:
    result = sanitize_html("<p>Start <b>bold <i>both</p><p>still bold?</b> plain")
    for paragraph in result.split("\n\n"):
        parse(paragraph, "html")  # Telegram's parser: raises on unbalanced or unknown tags
    assert html_to_plain(result) == "Start bold both\n\nstill bold? plain"


def test_a_paragraph_inside_bold_is_closed_and_reopened() -> None:
    result = sanitize_html("<b>one<p>two</p>three</b>")
    assert result == "<b>one</b>\n\n<b>two</b>\n\n<b>three</b>"
    assert render_opening(result) == "<b>one</b>"


def test_quotes_and_preformatted_text() -> None:
    result = sanitize_html("<blockquote>q<p>q2</p></blockquote><pre>  a\n    b</pre>")
    assert result == "<blockquote>q\nq2</blockquote>\n\n<pre>  a\n    b</pre>"


def test_the_script_fixture_is_safe_for_telegram() -> None:
    result = sanitize_html((FIXTURES / "scripts.html").read_text(encoding="utf-8"))
    assert "alert" not in result and "injected" not in result and "color" not in result
    assert "Enable JavaScript" not in result
    for message in split_html(result):
        parse(message, "html")


def test_thousands_of_unclosed_paragraphs_are_paragraphs() -> None:
    # html.parser nests each unclosed <p> in the one before: far deeper than Python's stack.
    result = sanitize_html("<p>x " * 5000)
    assert result == "\n\n".join(["x"] * 5000)
