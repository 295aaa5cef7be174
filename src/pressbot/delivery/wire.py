"""The one path every message of the engine takes to Telegram, a release's or a digest's.

Wait for Telegram to answer (one probe at a time while it does not, see outage.py), then for
the shared budget (budget.py); make the call through the lean sender; tell the gate and the
budget what the answer says of Telegram (a 429 pauses every send); decide the message's fate
with the one decision table (outcomes.decide).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from pressbot.core.models import BroadcastAction
from pressbot.delivery.budget import SendBudget
from pressbot.delivery.copies import Step
from pressbot.delivery.outage import OutageGate
from pressbot.delivery.outcomes import Decision, decide
from pressbot.delivery.sender import ApiAnswer, BotApiSender, PreparedRequest

logger = logging.getLogger(__name__)


class Wire:
    """Paces, sends and decides; `answered_again` is told the deliveries an outage failed."""

    def __init__(
        self,
        sender: BotApiSender,
        budget: SendBudget,
        gate: OutageGate,
        *,
        retry_base: float,
        answered_again: Callable[[set[int]], None],
    ) -> None:
        self._sender = sender
        self._budget = budget
        self._gate = gate
        self._retry_base = retry_base
        self._answered_again = answered_again

    @property
    def silent_since(self) -> datetime | None:
        """Since when Telegram has not answered; None while it answers."""
        return self._gate.silent_since

    async def turn(self, chat_id: int, messages: int = 1) -> bool:
        """Wait for Telegram to answer (one probe at a time while it does not), then for the
        shared budget to allow `messages` messages to the chat; True when this send is the
        outage's probe."""
        probe = await self._gate.admit()
        try:
            await self._budget.for_broadcast(chat_id, messages)
        except BaseException:  # stopped while waiting: let another request be the probe
            self._gate.abandon(probe=probe)
            raise
        return probe

    def abandon(self, *, probe: bool) -> None:
        """A send that had its turn will not be made (stopped): let another one probe."""
        self._gate.abandon(probe=probe)

    async def send(
        self,
        request: PreparedRequest,
        chat_id: int,
        ids: Mapping[str, int | tuple[int, ...]],
        action: BroadcastAction,
        *,
        attempts: int,
        probe: bool = False,
        delivery_id: int | None = None,
    ) -> Decision:
        """Make one request to `chat_id` (with `ids` such as message_id), after its turn, and
        decide its fate; `attempts` counts this one."""
        body = request.body_for(chat_id, **ids)
        answer = await self._call(
            self._sender.call(request.method, body), probe=probe, delivery_id=delivery_id
        )
        return decide(answer, action, attempts=attempts, retry_base=self._retry_base)

    async def send_step(
        self,
        step: Step,
        chat_id: int,
        ids: Mapping[str, int],
        action: BroadcastAction,
        *,
        attempts: int,
        probe: bool = False,
        delivery_id: int | None = None,
    ) -> Decision:
        """One request of a copy: JSON, or a multipart upload while it carries a local file."""
        if not step.files:
            return await self.send(
                step.request,
                chat_id,
                ids,
                action,
                attempts=attempts,
                probe=probe,
                delivery_id=delivery_id,
            )
        params = {"chat_id": chat_id, **ids, **step.params}
        answer = await self._call(
            self._sender.upload(step.method, params, step.files, step.names),
            probe=probe,
            delivery_id=delivery_id,
        )
        return decide(answer, action, attempts=attempts, retry_base=self._retry_base)

    async def _call(
        self,
        call: Awaitable[ApiAnswer],
        *,
        probe: bool = False,
        delivery_id: int | None = None,
    ) -> ApiAnswer:
        """One Bot API call; what its answer says of Telegram goes to the gate and the budget."""
        try:
            answer = await call
        except BaseException:
            self._gate.abandon(probe=probe)
            raise
        if answer.transient:
            self._gate.failed(answer.description, probe=probe, delivery_id=delivery_id)
            return answer
        self._answered_again(self._gate.answered())
        if answer.status == 429 or answer.error_code == 429:
            wait = answer.retry_after or 1.0
            self._budget.pause(wait)
            logger.warning("Telegram asked to wait %.0f s (429); all sending paused", wait)
        return answer

    async def close(self) -> None:
        """Close the sender's connections."""
        await self._sender.close()
