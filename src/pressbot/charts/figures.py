"""The charts drawn: matplotlib's object API on an Agg canvas, without pyplot.

No pyplot means no figure manager, no GUI backend and no figures kept between calls: each chart
is one Figure on its own Agg canvas, rendered to PNG and dropped. This module imports
matplotlib at its top, and drawing.py imports it in the chart thread on the first chart only,
so the bot's start and `pressbot import` never pay for matplotlib (bench/chart_cost.py).
Drawings run in that one thread, and under DRAWING besides, one at a time: so rc_context
(matplotlib's global settings, for the time of one drawing) and the shared renderer are safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.dates import AutoDateLocator, DateLocator, DayLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pressbot.charts.labels import short_title, tick_label, time_axis_name
from pressbot.core.clock import EMBASSY_TZ
from pressbot.core.reports import DailyCount, Timeline
from pressbot.texts.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: 8 x 4.67 inches at 150 dpi: 1200 x 700 pixels, with text large enough to read on a phone.
WIDTH, HEIGHT, DPI = 8.0, 14 / 3, 150
#: DejaVu Sans ships with matplotlib and has Cyrillic; named, so a matplotlibrc cannot swap it.
STYLE: dict[RcKeyType, Any] = {
    "font.family": ["DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
}
#: The narrowest time axis of a release: ticks are labelled in whole minutes.
SHORTEST_SPAN = timedelta(minutes=10)
#: Ticks of counts at multiples of 1, 2, 2.5 or 5 of a power of ten: 0, 250, 500, 750.
ROUND_STEPS = [1, 2, 2.5, 5, 10]
#: Held for each whole drawing, whatever thread calls.
DRAWING = threading.Lock()
DELIVERED_COLOUR, READ_COLOUR, SUBSCRIBERS_COLOUR = "#1f6fb4", "#e07b1a", "#2a8a4a"


def release_figure(timeline: Timeline, title: str, tr: Translator, zone: tzinfo) -> bytes:
    """The PNG of a release's copies delivered and reads over time, both cumulative."""
    ends, delivered, read = timeline.cumulative()
    # Both lines start from nothing at the release's first moment.
    moments = [timeline.start, *ends]
    delivered, read = [0, *delivered], [0, *read]
    with DRAWING, matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        delivered_label = f"{tr('Delivered')}: {tr.number(delivered[-1])}"
        _line(axes, moments, delivered, color=DELIVERED_COLOUR, label=delivered_label)
        read_label = f"{tr('Opened in full')}: {tr.number(read[-1])}"
        _line(axes, moments, read, color=READ_COLOUR, label=read_label)
        # Never narrower than SHORTEST_SPAN: ticks a few seconds apart would all read the same.
        last = max(moments[-1], timeline.start + max(timeline.bucket, SHORTEST_SPAN))
        axes.set_xlim(timeline.start, last)  # type: ignore[arg-type]  # dates are converted
        _time_axis(axes, zone, last - timeline.start, tr.language)
        _count_axis(axes, tr, 0, max(delivered + read) * 1.08)
        axes.set_title(short_title(title), parse_math=False, loc="left")
        axes.set_xlabel(time_axis_name(zone, tr))
        axes.set_ylabel(tr("Chats"))
        axes.legend(loc="best")
        return _png(figure)


def subscribers_figure(days: Sequence[DailyCount], tr: Translator) -> bytes:
    """The PNG of the subscribers at the end of each day."""
    # A day's point at its midnight in the embassy's zone, where the ticks of days are.
    moments = [datetime.combine(count.day, time(0), tzinfo=EMBASSY_TZ) for count in days]
    counts = [count.subscribers for count in days]
    with DRAWING, matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        title = tr.plural(
            "Subscribers, last {count} day", "Subscribers, last {count} days", len(days)
        )
        axes.set_title(title, loc="left")
        axes.set_ylabel(tr("Subscribers"))
        if not days:
            axes.set_xticks([])
            _count_axis(axes, tr, 0, 0)
            return _png(figure)
        marker = "o" if len(days) <= 31 else ""
        _line(axes, moments, counts, color=SUBSCRIBERS_COLOUR, marker=marker)
        # A lone day in the middle of three days; more, from the first to the last.
        first, last = moments[0], moments[-1]
        if len(days) == 1:
            first, last = first - timedelta(days=1), last + timedelta(days=1)
        axes.set_xlim(first, last)  # type: ignore[arg-type]  # dates are converted
        _time_axis(axes, EMBASSY_TZ, last - first, tr.language, days_only=True)
        # Scaled to the change (a few hundred in many thousands must show), never below zero.
        low, high = min(counts), max(counts)
        margin = max((high - low) * 0.1, 2)
        _count_axis(axes, tr, max(0, low - margin), high + margin)
        return _png(figure)


class _SharedCanvas(FigureCanvasAgg):
    """An Agg canvas that draws on the one renderer (a 1200 x 700 RGBA buffer) of all charts.

    A drawn figure is garbage in reference cycles (its texts keep the renderer) that only
    Python's full collection frees, and that stalls the event loop (~80 ms in the bot's
    process): until then each figure would keep its 3.4 MB buffer. Charts are all one size and
    drawn one at a time, in one thread, so one buffer does for all (bench/chart_cost.py).
    """

    _renderers: ClassVar[dict[tuple[float, float, float], RendererAgg]] = {}

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = (width, height, self.figure.dpi)
        renderer = self._renderers.get(key)
        if renderer is None:
            renderer = RendererAgg(width, height, self.figure.dpi)  # type: ignore[no-untyped-call]
            self._renderers[key] = renderer
        self.renderer = renderer
        return renderer


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    _SharedCanvas(figure)  # the canvas attaches itself to the figure
    return figure, figure.add_subplot()


def _line(axes: Axes, moments: Sequence[datetime], values: Sequence[int], **style: Any) -> None:
    axes.plot(moments, values, **style)  # type: ignore[arg-type]  # units convert datetimes


def _time_axis(
    axes: Axes, zone: tzinfo, span: timedelta, language: str, *, days_only: bool = False
) -> None:
    """Ticks at round times in `zone` (local midnight, whole hours), labelled by Babel."""
    locator: DateLocator
    if days_only and span < timedelta(days=8):
        locator = DayLocator(tz=zone)  # type: ignore[no-untyped-call]
    else:
        locator = AutoDateLocator(tz=zone, minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)

    def label(value: float, position: int | None) -> str:
        moment = num2date(value, tz=zone)  # type: ignore[no-untyped-call]
        return tick_label(moment, position == 0, span, language)

    axes.xaxis.set_major_formatter(FuncFormatter(label))


def _count_axis(axes: Axes, tr: Translator, low: float, high: float) -> None:
    """Whole numbers from `low` to at least `high`, written as the chat's language does."""
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, steps=ROUND_STEPS))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: tr.number(value)))
    axes.set_ylim(low, max(high, low + 1))


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
