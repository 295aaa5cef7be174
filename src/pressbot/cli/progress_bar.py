"""The command line's progress bar (backup, restore, import-url), on stderr.

On a terminal the line is redrawn in place; elsewhere (a log, a pipe) only the final line is
written, so that logs do not fill with carriage returns.
"""

from __future__ import annotations

import sys
from typing import TextIO

BAR_CELLS = 30


class ProgressBar:
    """``label [#####.....]  50% (5 of 10 pages)``, updated by calling ``show(done, total)``."""

    def __init__(self, label: str, unit: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self._live = self.stream.isatty()
        self._done = False

    def show(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` units are done; the line ends when all are."""
        finished = done >= total
        if self._done or not (self._live or finished):
            return
        share = done / total if total else 1.0
        filled = min(BAR_CELLS, round(share * BAR_CELLS))
        bar = "#" * filled + "." * (BAR_CELLS - filled)
        line = f"{self.label} [{bar}] {share:4.0%} ({done:,} of {total:,} {self.unit})"
        self.stream.write(("\r" if self._live else "") + line + ("\n" if finished else ""))
        self.stream.flush()
        self._done = finished
