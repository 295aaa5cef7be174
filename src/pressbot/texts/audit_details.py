"""What an audit row's details say in a line of /audit: a title, a role from and to, who
invited whom, what a refusal tried; a correction's title and text before and after.

Everything from the rows (titles, names, texts, what a user typed) passes through
markup.escape, shortened first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pressbot.core.languages import N_
from pressbot.core.team import Action, AuditAction, AuditEntry, parse_role
from pressbot.texts.admin import format_release_time
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, html_to_plain, shorten
from pressbot.texts.team import role_name

#: How much of a title, a name or a typed command a line repeats, in characters.
SHORT = 80
#: How much of a correction's text before and after one item's history shows.
TEXT = 200
#: Who acts when nobody pressed anything: a scheduled release going out at its time.
BOT_NAME = "pressbot"

#: What a refused /audit records as its reason; shown translated.
NOT_A_NUMBER = N_("not an item number")
_REASONS = {NOT_A_NUMBER: NOT_A_NUMBER}

_SUBMITTED_ACTIONS = {
    Action.RELEASE: N_("a release"),
    Action.CORRECTION: N_("a correction"),
    Action.WITHDRAWAL: N_("a withdrawal"),
}
#: Details a line says in words of its own (below), or that say nothing to a reader (the
#: right a refusal needed, a held entry's number and feed); any other is shown as it is.
_WORDED = frozenset(
    {
        "title", "author", "scheduled", "publish at", "submission", "action", "note", "tried",
        "reason", "needs", "role", "member", "from", "to", "invited by", "expires", "entry",
        "source", "name",
    }
)  # fmt: skip
_CORRECTED_FIELDS = ("title before", "title after", "text before", "text after")


@dataclass(frozen=True, slots=True)
class Known:
    """What the rows name by number: members' names by user id, items' titles by id."""

    people: Mapping[int, str] = field(default_factory=dict)
    titles: Mapping[int, str] = field(default_factory=dict)


def who(user_id: int | None, known: Known) -> str:
    """The member's name when the team table has one, else their user id; pressbot itself
    for None. Escaped."""
    if user_id is None:
        return BOT_NAME
    name = known.people.get(user_id, "").strip()
    return escape(shorten(name, SHORT)) if name else str(user_id)


def correction_lines(details: Mapping[str, str], tr: Translator) -> list[str]:
    """A correction's changed title and text before and after, per language, trimmed."""
    languages = sorted(
        {key.rpartition("(")[2].rstrip(")") for key in details if key.startswith("text after (")}
    )
    lines = []
    for language in languages:
        title_before, title_after, text_before, text_after = (
            details.get(f"{field} ({language})", "") for field in _CORRECTED_FIELDS
        )
        if title_before != title_after:
            lines.append(
                _labelled(tr("Title before ({language}):", language=language), title_before)
            )
            lines.append(
                _labelled(tr("Title after ({language}):", language=language), title_after)
            )
        if text_before != text_after:
            lines.append(
                _labelled(
                    tr("Text before ({language}):", language=language), text_before, html=True
                )
            )
            lines.append(
                _labelled(tr("Text after ({language}):", language=language), text_after, html=True)
            )
    return lines


def _labelled(label: str, value: str, *, html: bool = False) -> str:
    plain = html_to_plain(value) if html else value
    return f"<i>{label}</i> {escape(shorten(' '.join(plain.split()), TEXT))}"


def _short(value: str) -> str:
    return escape(shorten(" ".join(value.split()), SHORT))


def details_said(entry: AuditEntry, known: Known, tr: Translator) -> list[str]:
    """What a line says of the row's details, in the reader's language."""
    details = entry.details
    said: list[str] = []
    if entry.action is AuditAction.REFUSED:
        said.append(tr("tried “{tried}”", tried=_short(details.get("tried", ""))))
        reason = details.get("reason")
        if reason:
            said.append(tr(_REASONS[reason]) if reason in _REASONS else _short(reason))
    said += _team_details(entry.action, details, known, tr)
    if "submission" in details:
        said.append(tr("submission {id}", id=_short(details["submission"])))
    if "action" in details:
        said.append(_submitted_action(details["action"], tr))
    title = details.get("title") or _corrected_title(details)
    if not title and entry.item_id is not None:  # a withdrawal, say: the item's own title
        title = known.titles.get(entry.item_id, "")
    if title:
        said.append(tr("“{title}”", title=_short(title)))
    if "publish at" in details:
        said.append(tr("for {when}", when=_time(details["publish at"], tr)))
    author = details.get("author")
    if author and author != str(entry.actor_id):
        said.append(tr("drafted by {who}", who=_person(author, known)))
    if details.get("scheduled") == "yes":
        said.append(tr("at its scheduled time"))
    if details.get("note"):
        said.append(tr("note: “{note}”", note=_short(details["note"])))
    said += [
        f"{_short(key)}: {_short(value)}"
        for key, value in details.items()
        if key not in _WORDED and not key.startswith(_CORRECTED_FIELDS)
    ]
    return said


def _team_details(
    action: AuditAction, details: Mapping[str, str], known: Known, tr: Translator
) -> list[str]:
    """A team change's member, their role (from and to) and who invited them."""
    if action is AuditAction.REFUSED:
        return []
    said = []
    member = None
    if "member" in details:  # a name the row keeps outlives the member's removal
        name = details.get("name", "").strip()
        member = _short(name) if name else _person(details["member"], known)
    role = _role(details["role"], tr) if "role" in details else None
    if "from" in details and "to" in details:
        change = f"{_role(details['from'], tr)} → {_role(details['to'], tr)}"
        said.append(f"{member}: {change}" if member else change)
    elif member or role:  # "Anna (editor)"; an invite's role alone
        said.append(f"{member} ({role})" if member and role else member or role or "")
    if "invited by" in details:
        said.append(tr("invited by {who}", who=_person(details["invited by"], known)))
    if "expires" in details:
        said.append(tr("valid until {when}", when=_time(details["expires"], tr)))
    return said


def _person(user_id: str, known: Known) -> str:
    """A user id kept in the details, named as `who` names actors."""
    return who(int(user_id), known) if user_id.isascii() and user_id.isdigit() else _short(user_id)


def _role(value: str, tr: Translator) -> str:
    role = parse_role(value)
    return escape(role_name(role, tr)) if role is not None else _short(value)


def _submitted_action(value: str, tr: Translator) -> str:
    try:
        return tr(_SUBMITTED_ACTIONS[Action(value)])
    except ValueError:
        return _short(value)


def _time(value: str, tr: Translator) -> str:
    """A time kept in the details (ISO 8601), as the admin texts say release times."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _short(value)
    if moment.tzinfo is None:
        return _short(value)
    return escape(format_release_time(moment, tr))


def with_row_titles(known: Known, entries: Sequence[AuditEntry]) -> Known:
    """`known`, with the titles the rows keep for items it has none of (a scheduled item
    cancelled: gone from the items table)."""
    kept = {
        e.item_id: e.details["title"]
        for e in entries
        if e.item_id is not None and "title" in e.details
    }
    return Known(known.people, {**kept, **known.titles})


def _corrected_title(details: Mapping[str, str]) -> str:
    """A correction's title as it is now: its own language's, or the first one."""
    titles = [value for key, value in details.items() if key.startswith("title after (")]
    return titles[0] if titles else ""
