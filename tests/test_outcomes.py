"""What each Bot API answer means for a delivery: a pure decision table."""

from __future__ import annotations

from typing import Any

import pytest

from pressbot.core.models import BroadcastAction
from pressbot.delivery.outcomes import (
    DELETE_WINDOW_SECONDS,
    Decision,
    Verdict,
    decide,
    retry_delay,
)
from pressbot.delivery.sender import ApiAnswer

SEND, EDIT, WITHDRAW = BroadcastAction.SEND, BroadcastAction.EDIT, BroadcastAction.WITHDRAW


def ok(result: Any) -> ApiAnswer:
    return ApiAnswer(200, True, result, None, None, None, None)


def error(
    status: int,
    description: str,
    *,
    retry_after: float | None = None,
    migrate_to_chat_id: int | None = None,
) -> ApiAnswer:
    return ApiAnswer(status, False, None, status, description, retry_after, migrate_to_chat_id)


def verdict_of(answer: ApiAnswer, action: BroadcastAction = SEND, attempts: int = 1) -> Decision:
    return decide(answer, action, attempts=attempts, retry_base=2.0)


def test_a_sent_message_keeps_its_id() -> None:
    decision = verdict_of(ok({"message_id": 77, "chat": {"id": 1}}))
    assert decision == Decision(Verdict.SENT, message_id=77, message_ids=(77,), file_ids=(None,))


@pytest.mark.parametrize("action", [EDIT, WITHDRAW])
def test_an_edit_or_delete_answering_true_is_done(action: BroadcastAction) -> None:
    assert verdict_of(ok(True), action) == Decision(Verdict.SENT)


@pytest.mark.parametrize(
    "description",
    [
        "Forbidden: bot was blocked by the user",
        "Forbidden: user is deactivated",
        "Forbidden: bot was kicked from the group chat",
        "Forbidden: bot was kicked from the supergroup chat",
        "Forbidden: bot is not a member of the channel chat",
        "Forbidden: bot can't initiate conversation with a user",
    ],
)
@pytest.mark.parametrize("action", [SEND, EDIT, WITHDRAW])
def test_403_means_the_chat_is_gone(description: str, action: BroadcastAction) -> None:
    decision = verdict_of(error(403, description), action)
    assert decision == Decision(Verdict.BLOCKED, error=description)


@pytest.mark.parametrize(
    "description",
    [
        "Bad Request: chat not found",
        "Bad Request: have no rights to send a message",
        "Bad Request: need administrator rights in the channel chat",
    ],
)
def test_400_chat_not_found_or_no_rights_means_the_chat_is_gone(description: str) -> None:
    assert verdict_of(error(400, description)).verdict is Verdict.BLOCKED


def test_429_waits_retry_after_and_is_no_failure() -> None:
    decision = verdict_of(error(429, "Too Many Requests: retry after 7", retry_after=7))
    assert decision.verdict is Verdict.FLOOD
    assert decision.wait == 7.0
    # Even on what would be the last attempt: flood control is not the chat's fault.
    last = verdict_of(error(429, "Too Many Requests", retry_after=3), attempts=5)
    assert (last.verdict, last.wait) == (Verdict.FLOOD, 3.0)


def test_429_without_retry_after_waits_a_second() -> None:
    assert verdict_of(error(429, "Too Many Requests")).wait == 1.0


def test_a_migrated_group_names_its_new_id() -> None:
    answer = error(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234567890,
    )
    decision = verdict_of(answer)
    assert decision == Decision(Verdict.MIGRATED, new_chat_id=-1001234567890)


@pytest.mark.parametrize(
    "answer",
    [
        ApiAnswer.failure("timed out after 10.0 s"),
        ApiAnswer.failure("ServerDisconnectedError: Server disconnected"),
        ApiAnswer.failure("HTTP 502: the answer is not Bot API JSON"),
        error(500, "Internal Server Error"),
        error(502, "Bad Gateway"),
    ],
)
def test_network_errors_and_5xx_retry_with_backoff(answer: ApiAnswer) -> None:
    first = verdict_of(answer, attempts=1)
    assert first.verdict is Verdict.RETRY
    assert first.wait == 2.0
    assert first.error == answer.description
    assert verdict_of(answer, attempts=3).wait == 8.0


def test_a_transient_failure_is_never_given_up_however_many_tries() -> None:
    # Only the engine's deadline ends a delivery that Telegram never answered.
    answer = ApiAnswer.failure("timed out after 10.0 s")
    for attempts in (6, 20, 10_000):
        decision = verdict_of(answer, attempts=attempts)
        assert decision == Decision(Verdict.RETRY, error="timed out after 10.0 s", wait=60.0)


def test_backoff_doubles_and_is_capped_at_a_minute() -> None:
    assert [retry_delay(n, 2.0) for n in range(1, 7)] == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0]
    assert retry_delay(10**9, 2.0) == 60.0  # no overflow however long an outage lasts
    assert retry_delay(0, 0.05) == 0.05


@pytest.mark.parametrize(
    "description",
    [
        "Bad Request: can't parse entities: unsupported start tag",
        "Bad Request: message text is empty",
        "Bad Request: message is too long",
    ],
)
def test_other_400s_fail_at_once(description: str) -> None:
    assert verdict_of(error(400, description)) == Decision(Verdict.FAILED, error=description)


def test_an_edit_to_the_same_text_counts_as_done() -> None:
    answer = error(400, "Bad Request: message is not modified: specified new message content")
    assert verdict_of(answer, EDIT).verdict is Verdict.SENT
    assert verdict_of(answer, SEND).verdict is Verdict.FAILED


def test_an_edit_of_a_message_the_reader_deleted_fails() -> None:
    answer = error(400, "Bad Request: message to edit not found")
    assert verdict_of(answer, EDIT).verdict is Verdict.FAILED


@pytest.mark.parametrize(
    "description",
    ["Bad Request: message to delete not found", "Bad Request: message to edit not found"],
)
def test_a_withdrawal_of_a_message_already_gone_is_done(description: str) -> None:
    assert verdict_of(error(400, description), WITHDRAW) == Decision(Verdict.SENT)


def test_a_copy_too_old_to_delete_is_edited_instead() -> None:
    answer = error(400, "Bad Request: message can't be deleted for everyone")
    assert verdict_of(answer, WITHDRAW) == Decision(Verdict.EDIT_INSTEAD)
    assert verdict_of(answer, EDIT).verdict is Verdict.FAILED


def test_the_delete_window_is_inside_telegrams_48_hours() -> None:
    assert 47 * 3600 < DELETE_WINDOW_SECONDS < 48 * 3600
