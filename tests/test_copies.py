"""A copy's plan for any release: every request one Telegram takes, every file sent once.

The captions and texts are measured by the fake's own limits (TDLib's HTML parser, UTF-16), not
by the rule the plan itself uses.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.html_entities import utf16_len
from fakes.limits import CAPTION_LIMIT, TEXT_LIMIT, format_text
from pressbot.core.media import Attachment, MediaKind
from pressbot.core.models import BroadcastAction, Item, ItemKind
from pressbot.delivery.copies import CAPTION, TEXT, Step, plan_copy
from pressbot.delivery.outcomes import Decision, Verdict
from pressbot.delivery.unusable import UPLOAD_TRIES, culprits, unusable
from pressbot.storage.deliveries import DueDelivery
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


def test_which_files_a_release_goes_without() -> None:
    upload = Step("sendPhoto", {}, (0,), {"photo": "/srv/visit.png"})
    album = Step(
        "sendMediaGroup",
        {
            "media": [
                {"type": "photo", "media": "AgAC-known"},
                {"type": "photo", "media": "https://www.example.org/gone.jpg"},
                {"type": "photo", "media": "https://www.example.org/also.jpg"},
            ]
        },
        (0, 1, 2),
    )
    refused = Decision(Verdict.FAILED, error="Bad Request: failed to get HTTP URL content")
    timed_out = Decision(Verdict.RETRY, error="timed out after 60.0 s")
    first_try = DueDelivery(1, 1, 12, BroadcastAction.SEND, 2001, None, None, attempts=0)
    third_try = replace(first_try, attempts=UPLOAD_TRIES - 1)
    assert unusable(refused, album, first_try)
    assert not unusable(timed_out, upload, first_try)  # a time-out is tried again …
    assert unusable(timed_out, upload, third_try)  # … twice more, then the file is dropped
    assert not unusable(timed_out, album, third_try)  # nothing of it is uploaded: Telegram's
    assert not unusable(
        Decision(Verdict.FAILED, error="Bad Request: chat not found"), album, first_try
    )
    # Telegram names the album's member that failed; else every file not on Telegram yet.
    named = 'Bad Request: failed to send message #3 with the error message "Failed to get …"'
    assert culprits(album, named) == [2]
    assert culprits(album, refused.error or "") == [1, 2]
    assert culprits(upload, "could not read the file to upload") == [0]
