"""The bot's command list: one source for /help and for setMyCommands.

Usages and descriptions are in English, marked for translation; shown with `tr(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressbot.core.languages import N_
from pressbot.core.team import Right, Role, may


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A command as users see it in the menu and in /help."""

    name: str
    usage: str
    description: str
    right: Right | None = None  # what the command needs; None: anyone's


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
    CommandInfo("whoami", "/whoami", N_("your Telegram user id and your role")),
    CommandInfo("help", "/help", N_("this list of commands")),
)

ADMIN_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("post", "/post", N_("write a new release"), Right.DRAFT),
    CommandInfo(
        "edit", N_("/edit <id>"), N_("correct an item, published or scheduled"), Right.DRAFT
    ),
    CommandInfo(
        "delete",
        N_("/delete <id>"),
        N_("withdraw an item and its delivered copies"),
        Right.PUBLISH,
    ),
    CommandInfo(
        "restore",
        N_("/restore <id>"),
        N_("undo a withdrawal: back in lists and search"),
        Right.PUBLISH,
    ),
    CommandInfo("pending", "/pending", N_("submissions waiting for approval"), Right.PUBLISH),
    CommandInfo("scheduled", "/scheduled", N_("releases waiting for their time"), Right.PUBLISH),
    CommandInfo("stats", "/stats", N_("how each release did: reach, speed, reads"), Right.PUBLISH),
    CommandInfo(
        "sources", "/sources", N_("the website feeds and pages, and what waits"), Right.PUBLISH
    ),
    CommandInfo(
        "audit",
        N_("/audit [id]"),
        N_("who did what and when, or one item's history"),
        Right.PUBLISH,
    ),
    CommandInfo("team", "/team", N_("the team: invite, add, remove, change roles"), Right.TEAM),
    CommandInfo("cancel", "/cancel", N_("drop the draft in progress"), Right.DRAFT),
)


def team_commands(role: Role | None) -> tuple[CommandInfo, ...]:
    """The team's commands a member of `role` may use: their menu and their /help."""
    return tuple(c for c in ADMIN_COMMANDS if c.right is None or may(role, c.right))
