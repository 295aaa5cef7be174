"""What the bot says of the chat itself: the welcome, its subscription, help, the unknown.

Pure functions to Telegram HTML in the reader's language; the views of handlers/subscriptions.py,
membership.py and help.py, and the answer to a button that no longer works.
"""

from __future__ import annotations

from collections.abc import Sequence

from pressbot.core.languages import N_
from pressbot.core.models import SubscriptionChange
from pressbot.texts.commands import CommandInfo
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape

GROUP_ADMINS_ONLY = N_("Only this group's admins can subscribe or unsubscribe it.")
#: The answer to the press of a button that no longer works, naming the command that does
#: ("/latest"): a page that is gone, a setting no longer offered, a press no handler knows.
BUTTON_NO_LONGER_WORKS = N_("This button no longer works. Send {command}.")


def render_welcome(change: SubscriptionChange | None, tr: Translator) -> str:
    """Greet a new reader: what the bot does, the subscription, the main commands.

    `change` is None where the reader may not change the chat's subscription (a group member).
    """
    if change is None:
        state = tr("A group admin can send /subscribe to get new releases in this group.")
    elif change is SubscriptionChange.SUBSCRIBED:
        state = tr(
            "You are subscribed: new releases will arrive in this chat."
            " Send /stop to end it at any time."
        )
    else:
        state = tr("You are already subscribed to new releases. Send /stop to end it at any time.")
    return "\n\n".join(
        [
            tr("<b>Welcome to the Embassy's press updates.</b>"),
            state,
            tr(
                "/latest — the newest items\n/search — find an item\n"
                "/contacts — consular queries\n/time — Moscow and London time\n"
                "/language — English or Russian\n/help — every command"
            ),
        ]
    )


_SUBSCRIPTION_REPLIES = {
    SubscriptionChange.SUBSCRIBED: N_(
        "Subscribed: new releases will arrive in this chat. /unsubscribe ends it."
    ),
    SubscriptionChange.ALREADY_SUBSCRIBED: N_(
        "This chat is already subscribed. /unsubscribe ends it."
    ),
    SubscriptionChange.UNSUBSCRIBED: N_(
        "Unsubscribed: no more releases will be sent here. /subscribe starts them again."
    ),
    SubscriptionChange.NOT_SUBSCRIBED: N_("This chat is not subscribed. /subscribe starts it."),
}


def render_added_to_group(tr: Translator) -> str:
    """What the bot says when it is added to a group."""
    return tr(
        "Hello! I deliver the Embassy's press releases. A group admin can send /subscribe to"
        " get them here; anyone can use /latest, /search and /help."
    )


def render_subscription_change(change: SubscriptionChange, tr: Translator) -> str:
    """Say the chat's new subscription state."""
    return tr(_SUBSCRIPTION_REPLIES[change])


def render_help(
    commands: Sequence[CommandInfo], tr: Translator, admin: Sequence[CommandInfo] = ()
) -> str:
    """List every command, one line each; an admin's own commands under a heading of theirs."""
    sections = [[tr("<b>Commands</b>"), *_help_lines(commands, tr)]]
    if admin:
        sections.append([tr("<b>Admin commands</b>"), *_help_lines(admin, tr)])
    return "\n\n".join("\n".join(section) for section in sections)


def _help_lines(commands: Sequence[CommandInfo], tr: Translator) -> list[str]:
    return [f"{escape(tr(c.usage))} — {escape(tr(c.description))}" for c in commands]


def render_unknown(tr: Translator) -> str:
    """Point a reader who sent something unexpected to /help."""
    return tr("Sorry, I did not understand that. Send /help to see what I can do.")
