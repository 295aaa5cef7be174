"""What a Bot API answer means for a delivery: sent, blocked, retry later, or failed.

Pure: the answer, the delivery and the time in, a decision out; and the decision as the row
the outbox records (`outcome_of`). The engine acts on it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pressbot.core.models import BroadcastAction, DeliveryStatus
from pressbot.delivery.pacing import backoff_delay
from pressbot.delivery.sender import ApiAnswer
from pressbot.storage.deliveries import DeliveryOutcome, DueDelivery

#: Telegram lets a bot delete its messages for everyone for 48 hours; keep a margin.
DELETE_WINDOW_SECONDS = 48 * 3600 - 600


class Verdict(enum.Enum):
    """The kinds of decision."""

    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    RETRY = "retry"  # a network error, a time-out or a 5xx: try again after a backoff, until the
    # delivery's deadline: Telegram answering nothing says nothing about the chat
    FLOOD = "flood"  # 429: everybody waits retry_after, then the same message again
    MIGRATED = "migrated"  # the group became a supergroup: move the subscriber, retry there
    EDIT_INSTEAD = "edit_instead"  # too old to delete: say it was withdrawn instead
    HELD = "held"  # the chat's quiet hours: the same message when they end
    REBUILD = "rebuild"  # the release changed under the copy (it goes without a file
    # Telegram could not fetch): the copy again at once, rebuilt


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict with what the engine needs to act on it."""

    verdict: Verdict
    message_id: int | None = None
    error: str | None = None
    wait: float = 0.0
    new_chat_id: int | None = None
    message_ids: tuple[int, ...] = ()  # every message the call made (an album makes several)
    file_ids: tuple[str | None, ...] = ()  # Telegram's id of each message's file, in order
    media_message_ids: tuple[int, ...] | None = None  # a copy's media messages, once known
    copy_shape: str | None = None  # how the copy was built (delivery/copies.py)
    replaced_copy: bool = False  # an edit sent a new copy in place of the old one


def _message_ids(result: Any) -> tuple[int, ...]:
    messages = result if isinstance(result, list) else [result]
    return tuple(m["message_id"] for m in messages if isinstance(m, dict) and "message_id" in m)


def _file_id(message: Any) -> str | None:
    """The id of the file a sent message carries: a photo's largest size, a document's."""
    if not isinstance(message, dict):
        return None
    photo = message.get("photo")
    if isinstance(photo, list) and photo and isinstance(photo[-1], dict):
        return photo[-1].get("file_id")
    for kind in ("video", "document", "animation"):
        found = message.get(kind)
        if isinstance(found, dict):
            return found.get("file_id")
    return None


def _file_ids(result: Any) -> tuple[str | None, ...]:
    messages = result if isinstance(result, list) else [result]
    return tuple(_file_id(m) for m in messages if isinstance(m, dict))


_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "bot is not a member",
    "have no rights to send",
    "need administrator rights",
)


#: The longest wait between two tries of one delivery.
MAX_RETRY_DELAY = 60.0


def retry_delay(attempts: int, base: float, cap: float = MAX_RETRY_DELAY) -> float:
    """A delivery's backoff: base, 2 base, 4 base … capped at `cap` (a minute)."""
    return backoff_delay(attempts, base, cap)


def decide(  # noqa: PLR0911 - a decision table: one early return per rule
    answer: ApiAnswer,
    action: BroadcastAction,
    *,
    attempts: int,
    retry_base: float,
) -> Decision:
    """Decide a delivery's fate from Telegram's answer; `attempts` counts this one."""
    if answer.ok:
        result = answer.result
        ids = _message_ids(result)
        # An album's words never ride on it: the copy's own message is the last one sent.
        return Decision(
            Verdict.SENT,
            message_id=ids[-1] if ids else None,
            message_ids=ids,
            file_ids=_file_ids(result),
        )
    description = answer.description or f"HTTP {answer.status}"
    lowered = description.lower()
    if answer.status == 429 or answer.error_code == 429:
        return Decision(Verdict.FLOOD, wait=float(answer.retry_after or 1.0), error=description)
    if answer.migrate_to_chat_id is not None:
        return Decision(Verdict.MIGRATED, new_chat_id=answer.migrate_to_chat_id)
    if answer.status == 403 or any(reason in lowered for reason in _GONE):
        return Decision(Verdict.BLOCKED, error=description)
    if action is BroadcastAction.EDIT and "message is not modified" in lowered:
        return Decision(Verdict.SENT)
    if action is BroadcastAction.WITHDRAW:
        if "message to delete not found" in lowered or "message to edit not found" in lowered:
            return Decision(Verdict.SENT)  # the reader deleted it already: nothing to withdraw
        if "message can't be deleted" in lowered:
            return Decision(Verdict.EDIT_INSTEAD)
    if answer.transient:
        # Never given up here: the engine gives up at the delivery's deadline.
        return Decision(Verdict.RETRY, wait=retry_delay(attempts, retry_base), error=description)
    return Decision(Verdict.FAILED, error=description)


def unexpected(error: Exception, delivery: DueDelivery, retry_base: float) -> Decision:
    """A bug or a database error while sending: retried like a network error."""
    wait = retry_delay(delivery.attempts + 1, retry_base)
    return Decision(Verdict.RETRY, error=f"{type(error).__name__}: {error}", wait=wait)


def outcome_of(
    delivery: DueDelivery,
    decision: Decision,
    now_ts: float,
    revision: int | None = None,
    version: str | None = None,
) -> DeliveryOutcome:
    """The row the outbox records for a decision; `revision`: the item's, of a new copy;
    `version`: the language of the version the copy carries."""
    verdict = decision.verdict
    if verdict in (Verdict.FLOOD, Verdict.MIGRATED, Verdict.HELD, Verdict.RETRY, Verdict.REBUILD):
        # The same message again later; a flood wait, a migration or quiet hours are not
        # the chat's fault, so only a real retry uses up an attempt.
        return DeliveryOutcome(
            delivery.id,
            delivery.chat_id,
            DeliveryStatus.PENDING,
            now_ts,
            error=decision.error,
            not_before=now_ts + decision.wait,
            counts_as_attempt=verdict is Verdict.RETRY,
            media_message_ids=decision.media_message_ids,
            copy_shape=decision.copy_shape,
        )
    status = {
        Verdict.SENT: DeliveryStatus.SENT,
        Verdict.BLOCKED: DeliveryStatus.BLOCKED,
    }.get(verdict, DeliveryStatus.FAILED)
    new_copy = delivery.action is BroadcastAction.SEND or decision.replaced_copy
    return DeliveryOutcome(
        delivery.id,
        delivery.chat_id,
        status,
        now_ts,
        message_id=decision.message_id if new_copy else None,
        error=decision.error,
        revision=revision if delivery.action is BroadcastAction.SEND else None,
        media_message_ids=decision.media_message_ids if new_copy else None,
        copy_shape=decision.copy_shape if new_copy else None,
        replaced_copy=decision.replaced_copy and status is DeliveryStatus.SENT,
        version=version if new_copy else None,
    )
