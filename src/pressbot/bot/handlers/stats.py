"""/stats: how the releases did, for publishers and owners.

`/stats`: subscribers now and over time, items by kind, the latest releases with their reach
and reads, then a chart of subscribers over the last 90 days. `/stats <id>` (or the tappable
`/stats_<id>`): one release in full, then a chart of its deliveries and reads. The figures
always go first; a chart that cannot be drawn or sent is said so under them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import (
    command_argument,
    reply_messages,
    tappable,
    tapped_number,
    thread_id,
)
from pressbot.bot.handlers.rights import admin_in_private
from pressbot.charts import release_chart, subscribers_chart
from pressbot.core.clock import EMBASSY_TZ
from pressbot.core.inputs import parse_id
from pressbot.core.reports import daily_subscribers
from pressbot.core.team import Right
from pressbot.texts import reports as texts

logger = logging.getLogger(__name__)

LATEST_RELEASES = 5
CHART_DAYS = 90
_STATS_LINK = tappable("stats")  # texts.STATS_LINK_PREFIX


async def stats(update: Update, context: PressContext) -> None:
    """/stats, or /stats <id>."""
    argument = command_argument(update)
    if not argument:
        await _overview(update, context)
        return
    await _one_release(update, context, parse_id(argument))


async def stats_link(update: Update, context: PressContext) -> None:
    """The tappable /stats_<id> under each release in /stats."""
    number = tapped_number(update, _STATS_LINK, context.bot.username)
    if number:  # not another bot's command, in a group
        await _one_release(update, context, parse_id(number))


async def _overview(update: Update, context: PressContext) -> None:
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    database, now, tr = context.database, context.now(), context.tr
    trend = await database.subscription_history.trend(now)
    text = texts.stats_overview(
        trend,
        await database.items.count_by_kind(),
        await database.releases.latest(LATEST_RELEASES),
        tr,
    )
    await reply_messages(update, [text])
    first_day = (now.astimezone(EMBASSY_TZ) - timedelta(days=CHART_DAYS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    days = daily_subscribers(
        trend.now,
        await database.subscription_history.hourly(first_day),
        now,
        CHART_DAYS,
        EMBASSY_TZ,
    )
    await _send_chart(
        update, context, await subscribers_chart(days, tr), texts.subscribers_caption(tr)
    )


async def _one_release(update: Update, context: PressContext, item_id: int | None) -> None:
    """One release in full; the usage for an id that is not one (after the rights check)."""
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    database, tr = context.database, context.tr
    if item_id is None:
        await reply_messages(update, [texts.stats_usage(tr)])
        return
    detail = await database.releases.detail(item_id)
    if detail is None:
        item = await database.items.get(item_id)
        await reply_messages(update, [texts.not_released(item, item_id, tr)])
        return
    await reply_messages(update, [texts.release_detail(detail, tr)])
    timeline = await database.releases.timeline(item_id, context.now())
    chart = None
    if timeline is not None:
        chart = await release_chart(timeline, detail.summary.title, tr)
    await _send_chart(update, context, chart, texts.release_caption(item_id, tr))


async def _send_chart(
    update: Update, context: PressContext, chart: bytes | None, caption: str
) -> None:
    """Send the chart under the figures; say so when there is none to send."""
    chat = update.effective_chat
    if chat is None:
        return
    if chart is not None:
        try:
            await context.bot.send_photo(
                chat.id,
                photo=chart,
                filename="chart.png",
                caption=caption,
                message_thread_id=thread_id(update),
            )
        except TelegramError as error:
            logger.warning("a chart could not be sent: %s", error)
        else:
            return
    await reply_messages(update, [texts.chart_failed(context.tr)])


def register(application: PressApplication) -> None:
    """Add /stats and /stats_<id>."""
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(MessageHandler(filters.Regex(_STATS_LINK), stats_link))
