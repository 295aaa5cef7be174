"""The pictures of reports: a release's deliveries and reads, the subscribers over 90 days.

PNG bytes for sendPhoto, drawn with matplotlib (Agg) in a thread of their own, in the chat's
language and the embassy's time; None when a chart could not be drawn in time. Importing this
package does not import matplotlib: the first chart does.
"""

from pressbot.charts.drawing import CHART_TIMEOUT, release_chart, subscribers_chart

__all__ = ["CHART_TIMEOUT", "release_chart", "subscribers_chart"]
