"""Telegram HTML: the one escaping path, and the plain text a reader sees of it.

Every text a user sees that came from an item, a contact or a user passes through `escape`
(or through `plain_text_to_html` at import time) before it is sent with parse_mode HTML;
titles and a user's own words are shortened here before they are, so that no message passes
Telegram's limits because of them.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")
# The labels of a question and its answer, in the items' two languages.
_QA_LABELS = r"Question|Answer|Q\.|A\.|Вопрос|Ответ|В\.|О\."
# The end of a sentence, maybe inside quotes or brackets; not an initial ("Иванов С. В.: …").
_CLOSING = "”’\"')»\\]"
_SENTENCE_END = (
    rf"(?<=[?!…])|(?<=[?!…][{_CLOSING}])"
    rf"|(?<=[^A-ZА-ЯЁ.\s]\.)|(?<=[^A-ZА-ЯЁ.\s]\.[{_CLOSING}])"
)
# "… evidence? Answer: There is …" starts a new paragraph at the answer.
_INLINE_QA_LABEL = re.compile(rf"(?:{_SENTENCE_END})[ \t]+(?=(?:{_QA_LABELS}):\s)")
# A word of a speaker's label: a capital, Latin or Cyrillic, then letters, initials, hyphens.
_LABEL_WORD = r"[A-ZА-ЯЁ][\w’'.-]*"
# A paragraph opening with a speaker's label: "Question:", "Q.:", "Sergey Lavrov:", "Вопрос:",
# "О.:", "С.В.Лавров:", "Мария Захарова:"; up to three words, each capitalised, so that a
# sentence with a colon ("Министр подчеркнул: …") is not one.
_SPEAKER_LABEL = re.compile(rf"^({_LABEL_WORD}(?: {_LABEL_WORD}){{0,2}}):(?=\s)")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


#: How much of a title a list line, an inline result, a release or a shared item shows (the
#: /post limit; items files and website feeds have none), in characters.
TITLE_LIMIT = 300
#: How much of what a user typed a reply repeats, in characters.
ECHO_LIMIT = 100


def escape(text: str) -> str:
    """Escape user or item text for parse_mode HTML."""
    return html.escape(text, quote=True)


def shown_title(title: str) -> str:
    """A title as every message shows it: shortened to TITLE_LIMIT, then escaped."""
    return escape(shorten(title, TITLE_LIMIT))


def shorten(text: str, limit: int) -> str:
    """Plain `text` cut to at most `limit` characters, at a word's end, "…" marking the cut.

    The one shortening of titles and of a user's words wherever a message repeats them, so
    that no message passes Telegram's limits because of them. Escape the result, not before.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return f"{cut.rstrip()}…"


def plain_text_to_html(text: str) -> str:
    """Turn a plain-text body into Telegram HTML, keeping its Question/Answer structure."""
    paragraphs = []
    for paragraph in PARAGRAPH_BREAK.split(text.strip()):
        paragraphs.extend(_INLINE_QA_LABEL.sub("\n\n", paragraph.strip()).split("\n\n"))
    rendered = []
    for paragraph in paragraphs:
        label = _SPEAKER_LABEL.match(paragraph)
        if label:
            rest = paragraph[label.end() :]
            rendered.append(f"<b>{escape(label.group(1))}:</b>{escape(rest)}")
        else:
            rendered.append(escape(paragraph))
    return "\n\n".join(rendered)


def html_to_plain(markup: str) -> str:
    """Return the text a reader sees of Telegram HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))
