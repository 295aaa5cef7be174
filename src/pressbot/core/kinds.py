"""Kinds of item: the four built in, and those a press office adds (PRESSBOT_EXTRA_KINDS).

A configured kind has a name (stored with each item, used in button data) and a label in each
language: "interview=Interview|Интервью". Readers see it in /topics, admins in /post, and it is
matched like any kind by the delivery engine's outbox fill.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pressbot.core.languages import ENGLISH, RUSSIAN
from pressbot.core.models import ItemKind, Kind

BUILT_IN_KINDS: tuple[Kind, ...] = tuple(kind.value for kind in ItemKind)
#: What a kind's name may be: it is stored with items and put into button data.
KIND_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: Long enough for "Consular alert", short enough for a button beside a tick.
LABEL_LIMIT = 40


@dataclass(frozen=True, slots=True)
class ConfiguredKind:
    """A kind the press office added, with its label in each language."""

    name: Kind
    labels: Mapping[str, str]


def parse_configured_kinds(text: str) -> tuple[ConfiguredKind, ...]:
    """Read "interview=Interview|Интервью,briefing=Briefing" (Russian label optional)."""
    kinds: dict[str, ConfiguredKind] = {}
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        name, sep, labels = (side.strip() for side in part.partition("="))
        english, _, russian = (label.strip() for label in labels.partition("|"))
        if not sep or not KIND_NAME.match(name) or not english:
            raise ValueError(
                "must be comma-separated name=English label|Russian label, e.g."
                f" interview=Interview|Интервью; got {part!r}"
            )
        if name in BUILT_IN_KINDS or name in kinds:
            raise ValueError(f"the kind {name!r} is there already")
        if max(len(english), len(russian)) > LABEL_LIMIT:
            raise ValueError(f"the labels of {name!r} are over {LABEL_LIMIT} characters")
        kinds[name] = ConfiguredKind(name, {ENGLISH: english, RUSSIAN: russian or english})
    return tuple(kinds.values())


def all_kinds(configured: Sequence[ConfiguredKind]) -> tuple[Kind, ...]:
    """Every kind in the order readers see them: the built-in ones, then the configured."""
    return BUILT_IN_KINDS + tuple(kind.name for kind in configured)
