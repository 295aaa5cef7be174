"""The fake's Telegram: chats, messages, the update queue, and what users do in it.

Nothing here speaks HTTP; bot_api.FakeBotApi serves this world to the bot under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from .files import FileStore
from .models import ChatInfo, JsonDict, SentMessage

logger = logging.getLogger(__name__)

# Update types Telegram sends when allowed_updates was never given (or given empty).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "inline_query"}
    | {"chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query"}
    | {"poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost"}
    | {"removed_chat_boost", "business_connection", "business_message"}
    | {"edited_business_message", "deleted_business_messages", "purchased_paid_media"}
)
_SUPERGROUP_IDS_BELOW = -1_000_000_000_000  # Bot API ids of supergroups/channels: -100xxxxxxxxxx
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


class Pulse:
    """Wakes every current waiter on each fire(); firing needs no lock, so sync code can fire."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake all coroutines waiting now."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Wait for the next fire(), at most ``seconds``."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0))


def forbidden_description(chat: ChatInfo) -> str:
    """Telegram's 403 text for a chat that blocked or removed the bot."""
    if chat.type == "private":
        return "Forbidden: bot was blocked by the user"
    if chat.type == "channel":
        return "Forbidden: bot is not a member of the channel chat"
    return f"Forbidden: bot was kicked from the {chat.type} chat"


class World:
    """State of the fake Telegram as one bot sees it."""

    def __init__(self, token: str, now: Callable[[], datetime] | None = None) -> None:
        self.token = token
        self._now = now or (lambda: datetime.now(UTC))
        bot_id = int(token.split(":", 1)[0])
        self.bot_user: JsonDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Press Bot",
            "username": "pressbot_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.bot_sender: JsonDict = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name")}
        self.bot_sender["username"] = self.bot_user["username"]
        self.chats: dict[int, ChatInfo] = {}
        self.users: dict[int, JsonDict] = {}
        self._messages: dict[int, dict[int, SentMessage]] = {}
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self.allowed_updates = DEFAULT_ALLOWED_UPDATES
        self.webhook_url = ""
        self.open_callbacks: dict[str, JsonDict] = {}
        self.answered_callbacks: dict[str, JsonDict] = {}
        self.open_inline_queries: dict[str, JsonDict] = {}
        self.answered_inline_queries: dict[str, JsonDict] = {}
        self.scoped_commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.files = FileStore()  # every file uploaded, fetched or sent by a user
        self.changed = Pulse()  # fired on every recorded call and every queued update

    # -- clock --------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The fake's current time (the ``now`` callable given to the constructor)."""
        return self._now()

    def unix_now(self) -> int:
        """The current time as Telegram's Unix timestamp."""
        return int(self._now().timestamp())

    @property
    def url_fetches(self) -> list[str]:
        """Every URL the fake fetched for the bot (sendPhoto by URL ...), in order."""
        return self.files.url_fetches

    # -- chats --------------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        type: str,  # the Bot API's name for it
        title: str | None = None,
        is_forum: bool = False,
        *,
        username: str | None = None,
        first_name: str | None = None,
    ) -> ChatInfo:
        """Register a chat (replacing what the fake inferred from its id)."""
        chat = ChatInfo(chat_id, type, title, username, first_name, is_forum)
        self.chats[chat_id] = chat
        return chat

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Make a user the group's creator, an administrator, a member, or gone (left)."""
        self.chat(chat_id).member_status[user_id] = status

    def chat(self, chat_id: int) -> ChatInfo:
        """The chat with this id, inferred from the id's sign and range when not registered."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                kind = "private"
            elif chat_id > _SUPERGROUP_IDS_BELOW:
                kind = "group"
            else:
                kind = "supergroup"
            chat = self.add_chat(chat_id, kind)
        return chat

    def chat_by_username(self, username: str) -> ChatInfo | None:
        """The registered chat with this @username."""
        name = username.removeprefix("@").lower()
        return next((c for c in self.chats.values() if (c.username or "").lower() == name), None)

    def block(self, chat_id: int) -> None:
        """The user blocked the bot / the bot was kicked: sends and edits answer 403."""
        chat = self.chat(chat_id)
        chat.bot_status = "kicked"
        chat.forbidden = forbidden_description(chat)

    def deactivate(self, chat_id: int) -> None:
        """The user deleted their account: sends and edits answer 403 "user is deactivated"."""
        self.chat(chat_id).forbidden = "Forbidden: user is deactivated"

    def unblock(self, chat_id: int) -> None:
        """Undo block() / deactivate(): the bot may write to the chat again."""
        chat = self.chat(chat_id)
        chat.bot_status = "member"
        chat.forbidden = None

    def unknown_chat(self, chat_id: int) -> None:
        """Every request naming this chat answers 400 "chat not found"."""
        self.chat(chat_id).missing = True

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: requests to the old id answer the migrate error."""
        old = self.chat(chat_id)
        old.migrated_to = new_chat_id
        if new_chat_id not in self.chats:
            self.add_chat(new_chat_id, "supergroup", old.title)

    # -- messages -----------------------------------------------------------------------------

    def new_message(self, chat_id: int, sender: JsonDict, text: str | None) -> SentMessage:
        """Store a new message with the chat's next message_id (shared by bot and users)."""
        in_chat = self._messages.setdefault(chat_id, {})
        message_id = next(reversed(in_chat), 0) + 1  # ids only grow, so the last is the highest
        message = SentMessage(chat_id, message_id, self.unix_now(), sender, text)
        in_chat[message_id] = message
        return message

    def find_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """The message with this id in this chat (deleted ones included)."""
        return self._messages.get(chat_id, {}).get(message_id)

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Current state of the bot's messages in the chat, oldest first (deleted included)."""
        return [m for m in self._messages.get(chat_id, {}).values() if m.from_bot]

    def bot_texts(self, chat_id: int) -> list[str]:
        """Plain texts (or captions) of the bot's messages a user still sees in the chat."""
        return [m.text or "" for m in self.messages(chat_id) if not m.deleted]

    def message_json(self, message: SentMessage) -> JsonDict:
        """The Bot API Message for a stored message, with the message it replies to."""
        chat = self.chat(message.chat_id).to_api()
        reply_to = None
        if message.reply_to_message_id is not None:
            replied = self.find_message(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                reply_to = replied.to_api(chat)
        return message.to_api(chat, reply_to=reply_to)

    # -- updates ------------------------------------------------------------------------------

    def make_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Number an update as push_update would, without queueing it (e.g. for a webhook)."""
        return {"update_id": next(self._update_ids), kind: payload}

    def push_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue an update of this kind ("message", "callback_query" ...) for the bot."""
        update = self.make_update(kind, payload)
        self._updates.append(update)
        self.changed.fire()
        return update

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates queued and not yet confirmed by the bot."""
        return list(self._updates)

    def confirm_updates(self, offset: int) -> None:
        """Forget updates the way getUpdates' offset confirms them (negative: keep the last)."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def deliverable_updates(self, limit: int) -> list[JsonDict]:
        """Up to ``limit`` queued updates of allowed types; other types are dropped, unsent."""
        kept = [u for u in self._updates if _update_kind(u) in self.allowed_updates]
        self._updates = kept
        return kept[:limit]

    def drop_updates(self) -> None:
        """Forget every queued update (drop_pending_updates)."""
        self._updates = []

    @staticmethod
    def chat_member(status: str, user: JsonDict) -> JsonDict:
        """A valid ChatMember object of this status for ``user``."""
        member: JsonDict = {"status": status, "user": user}
        if status == "kicked":
            member["until_date"] = 0
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False)
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        elif status == "restricted":
            raise ValueError("restricted members are not modelled by the fake")
        return member

    @property
    def commands(self) -> list[JsonDict]:
        """Commands setMyCommands registered for the default scope and no language."""
        return self.scoped_commands.get((commands_scope_key(None), ""), [])


def commands_scope_key(scope: JsonDict | None) -> str:
    """A stable key for a BotCommandScope (None: the default scope)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _update_kind(update: JsonDict) -> str:
    return next(k for k in update if k != "update_id")
