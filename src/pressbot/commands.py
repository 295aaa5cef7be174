"""The bot's command list: one source for /help and for setMyCommands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A command as users see it in the menu and in /help."""

    name: str
    usage: str
    description: str


READER_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("latest", "/latest [N]", "the N newest items (10 unless you say)"),
    CommandInfo("read", "/read <id>", "an item in full, also as /read_<id>"),
    CommandInfo("search", "/search <words>", "find items by words in title or text"),
    CommandInfo("contacts", "/contacts", "the consular queries phone and e-mail"),
    CommandInfo("time", "/time", "today's date and the time in Moscow and London"),
    CommandInfo("subscribe", "/subscribe", "get every new release in this chat"),
    CommandInfo("unsubscribe", "/unsubscribe", "stop getting new releases (also /stop)"),
    CommandInfo("topics", "/topics", "choose the kinds of item you get"),
    CommandInfo("quiet", "/quiet 23:00-07:00", "hold releases at night (/quiet off ends it)"),
    CommandInfo("thread", "/thread", "in a group with topics: send releases to this topic"),
    CommandInfo("help", "/help", "this list of commands"),
)

ADMIN_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("post", "/post", "write and publish a new release"),
    CommandInfo("edit", "/edit <id>", "correct a published item and every delivered copy"),
    CommandInfo("delete", "/delete <id>", "withdraw an item and its delivered copies"),
    CommandInfo("scheduled", "/scheduled", "releases waiting for their time"),
    CommandInfo("stats", "/stats", "subscribers, items and delivery counts"),
    CommandInfo("cancel", "/cancel", "drop the draft in progress"),
)
