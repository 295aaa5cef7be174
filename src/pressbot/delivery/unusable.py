"""Which of a copy's files Telegram could not use, and when to send the release without them.

A file named by URL that Telegram can't fetch, one it refuses (not an image, too big), a local
file gone, or an upload that got no answer UPLOAD_TRIES times: the release goes without it
(copy_sending.py drops it and builds the copy again). In an album, Telegram names the member
that failed ("failed to send message #2 …"); otherwise every file of the request not yet on
Telegram is the culprit.
"""

from __future__ import annotations

import re
from typing import Final

from pressbot.delivery.copies import Step
from pressbot.delivery.outcomes import Decision, Verdict
from pressbot.storage.deliveries import DueDelivery

#: What Telegram answers when it can't use a file the bot named by URL or uploaded.
_UNUSABLE_FILE: Final = (
    "failed to get http url content",
    "wrong file identifier/http url specified",
    "wrong type of the web page content",
    "image_process_failed",
    "photo_invalid_dimensions",
    "file is too big",
    "webpage_curl_failed",
    "webpage_media_empty",
    "could not read the file to upload",
)
_ALBUM_MEMBER: Final = re.compile(r"message #(\d+)")

#: Tries of an upload that got no answer (a time-out) before its file is dropped instead.
UPLOAD_TRIES: Final = 3


def unusable(decision: Decision, step: Step, delivery: DueDelivery) -> bool:
    """A file Telegram refused, or an upload that timed out UPLOAD_TRIES times: the release
    goes without it rather than wait for it."""
    error = (decision.error or "").lower()
    if decision.verdict is Verdict.FAILED:
        return any(e in error for e in _UNUSABLE_FILE)
    return (
        decision.verdict is Verdict.RETRY
        and bool(step.files)
        and delivery.attempts + 1 >= UPLOAD_TRIES
    )


def culprits(step: Step, error: str) -> list[int]:
    """The attachments a failed step can't carry: the album member Telegram names, else all
    of the step's files that are not on Telegram yet (a URL or an upload)."""
    unresolved = list(step.unresolved)
    if step.files and not unresolved:
        unresolved = list(step.positions)
    found = _ALBUM_MEMBER.search(error)
    if found and len(step.positions) > 1:
        index = int(found.group(1)) - 1
        if 0 <= index < len(step.positions) and step.positions[index] in unresolved:
            return [step.positions[index]]
    return unresolved
