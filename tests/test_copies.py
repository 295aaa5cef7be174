"""A copy's plan for any release: every request one Telegram takes, every file sent once.

The captions and texts are measured by the fake's own limits (TDLib's HTML parser, UTF-16), not
by the rule the plan itself uses.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.html_entities import utf16_len
from fakes.limits import CAPTION_LIMIT, TEXT_LIMIT, format_text
from pressbot.core.media import Attachment, MediaKind
from pressbot.core.models import Item, ItemKind
from pressbot.delivery.copies import CAPTION, TEXT, plan_copy
from pressbot.texts.i18n import translator
from pressbot.texts.markup import escape, plain_text_to_html

WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KINDS = st.sampled_from(list(MediaKind))
WORDS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=1500)


def item(title: str, body: str, kinds: list[MediaKind]) -> Item:
    media = tuple(Attachment(kind, file_id=f"{kind.value}-{i}") for i, kind in enumerate(kinds))
    return Item(
        id=12,
        uid="u",
        kind=ItemKind.PRESS_RELEASE,
        title=title.strip() or "A title",
        body_html=plain_text_to_html(body) or escape("Text."),
        published_at=WHEN,
        source="",
        created_at=WHEN,
        updated_at=WHEN,
        media=media,
    )


def visible(html: str) -> int:
    return utf16_len(format_text(html, "HTML", None).text)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=300),
    body=WORDS,
    kinds=st.lists(KINDS, max_size=20).filter(
        lambda k: (
            sum(x is not MediaKind.DOCUMENT for x in k) <= 10
            and sum(x is MediaKind.DOCUMENT for x in k) <= 10
        )
    ),
    language=st.sampled_from(["en", "ru"]),
)
def test_every_plan_is_requests_telegram_takes(
    title: str, body: str, kinds: list[MediaKind], language: str
) -> None:
    release = item(title, body, kinds)
    plan = plan_copy(release, translator(language), {"allow_paid_broadcast": True})
    sent: list[int] = []
    for step in plan.media_steps:
        if step.method == "sendMediaGroup":
            media = step.params["media"]
            assert 2 <= len(media) <= 10
            documents = [m["type"] == "document" for m in media]
            assert all(documents) or not any(documents)  # documents never mixed with photos
        else:
            assert "caption" not in step.params  # the words come after, in their own message
        sent.extend(step.positions)
    sent.extend(plan.words.positions)
    # Every file once: photos and videos first, then documents, each in the order given.
    visual = [p for p, kind in enumerate(kinds) if kind is not MediaKind.DOCUMENT]
    documents = [p for p, kind in enumerate(kinds) if kind is MediaKind.DOCUMENT]
    assert sent == visual + documents
    if plan.holder == CAPTION:
        assert visible(plan.words.params["caption"]) <= CAPTION_LIMIT
    else:
        assert plan.holder == TEXT and 1 <= visible(plan.words.params["text"]) <= TEXT_LIMIT
    # A correction fits where a copy's words are, a caption or a text message.
    assert visible(json.loads(plan.edit_caption.body_for(1))["caption"]) <= CAPTION_LIMIT
    assert visible(json.loads(plan.edit_text.body_for(1))["text"]) <= TEXT_LIMIT
    assert len(plan.edit_media) == len(kinds)
