"""The bot's command list: one source for /help and for setMyCommands.

Usages and descriptions are in English, marked for translation; shown with `tr(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressbot.core.languages import N_


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A command as users see it in the menu and in /help."""

    name: str
    usage: str
    description: str


READER_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("latest", "/latest [N]", N_("the N newest items (10 unless you say)")),
    CommandInfo("read", N_("/read <id>"), N_("an item in full, also as /read_<id>")),
    CommandInfo("search", N_("/search <words>"), N_("find items by words in title or text")),
    CommandInfo("contacts", "/contacts", N_("the consular queries phone and e-mail")),
    CommandInfo("time", "/time", N_("today's date and the time in Moscow and London")),
    CommandInfo("start", "/start", N_("welcome, and new releases in this chat")),
    CommandInfo("subscribe", "/subscribe", N_("get every new release in this chat")),
    CommandInfo("unsubscribe", "/unsubscribe", N_("stop getting new releases (also /stop)")),
    CommandInfo("topics", "/topics", N_("choose the kinds of item you get")),
    CommandInfo("quiet", "/quiet 23:00-07:00", N_("hold releases at night (/quiet off ends it)")),
    CommandInfo("digest", "/digest 08:00", N_("one message a day instead (/digest off ends it)")),
    CommandInfo("language", "/language", N_("English or Russian")),
    CommandInfo("thread", "/thread", N_("in a group with topics: send releases to this topic")),
    CommandInfo("help", "/help", N_("this list of commands")),
)

ADMIN_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("post", "/post", N_("write and publish a new release")),
    CommandInfo("edit", N_("/edit <id>"), N_("correct a published item and every delivered copy")),
    CommandInfo("delete", N_("/delete <id>"), N_("withdraw an item and its delivered copies")),
    CommandInfo("scheduled", "/scheduled", N_("releases waiting for their time")),
    CommandInfo("stats", "/stats", N_("subscribers, items and delivery counts")),
    CommandInfo("sources", "/sources", N_("the website feeds and pages, and what waits")),
    CommandInfo("cancel", "/cancel", N_("drop the draft in progress")),
)
