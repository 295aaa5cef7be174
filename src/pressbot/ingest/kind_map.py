"""Which kind of item an entry is: words of its categories or section, mapped to kinds."""

from __future__ import annotations

from collections.abc import Iterable

from pressbot.core.kinds import KIND_NAME
from pressbot.core.models import ItemKind, Kind

#: Category or section words -> kinds; the first word found in an entry's labels wins.
KindMap = tuple[tuple[str, Kind], ...]

DEFAULT_KINDS: KindMap = (
    ("statement", ItemKind.STATEMENT.value),
    ("press release", ItemKind.PRESS_RELEASE.value),
    ("comment", ItemKind.EVENT.value),
    ("event", ItemKind.EVENT.value),
    ("consular", ItemKind.CONSULAR_ALERT.value),
)
DEFAULT_KIND: Kind = ItemKind.PRESS_RELEASE.value


def kind_for(labels: Iterable[str], kinds: KindMap, default: Kind = DEFAULT_KIND) -> Kind:
    """The kind named by the first mapping word found in any of the labels."""
    lowered = [label.casefold() for label in labels if label]
    for word, kind in kinds:
        if any(word in label for label in lowered):
            return kind
    return default


def parse_kind_map(text: str) -> KindMap:
    """Read "statement=statement,comment=event"; raise ValueError naming a bad part.

    Whether each kind exists is the settings' question (PRESSBOT_EXTRA_KINDS adds kinds).
    """
    pairs = []
    for part in text.split(","):
        if not part.strip():
            continue
        word, sep, kind = part.partition("=")
        word, kind = word.strip().casefold(), kind.strip()
        if not sep or not word or not KIND_NAME.match(kind):
            raise ValueError(
                f"must be comma-separated word=kind pairs such as comment=event;"
                f" got {part.strip()!r}"
            )
        pairs.append((word, kind))
    if not pairs:
        raise ValueError("must name at least one word=kind pair")
    return tuple(pairs)
