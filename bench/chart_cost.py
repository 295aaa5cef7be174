"""What the charts cost the bot's process: matplotlib's import time and memory, and drawing time.

Each variant runs in a fresh Python process (this script again, with --child), which has
imported nothing but the standard library when it starts measuring:

    ptb        the baseline: a bare python-telegram-bot process, `from telegram.ext import
               Application`
    pressbot   the bot as `pressbot run` imports it (pressbot.server.app), no chart drawn: what
               every start costs; matplotlib must not be among its modules
    charts     the same, then pressbot.charts (already imported by the bot's /stats handlers,
               so nothing more), then what the first chart imports in its thread
               (pressbot.charts.figures: matplotlib, its Agg canvas, numpy, Pillow), then the two
               charts drawn --rounds times each through the public API (release_chart with a
               timeline of MAX_BUCKETS buckets, subscribers_chart with 90 days), as /stats does

Memory is the process's resident set (VmRSS, and VmHWM for its peak, from /proc/self/status).
Every figure is the median of --repeat children; draw times pool all their rounds.

    .venv/bin/python bench/chart_cost.py [--rounds 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
VARIANTS = ("ptb", "pressbot", "charts")
Measured = dict[str, float | list[float]]


def memory_mib(field: str = "VmRSS") -> float:
    """A memory figure of this process from /proc/self/status (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # in kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def timed_import(statement: str) -> float:
    """Seconds that running an import statement takes in this process."""
    started = time.perf_counter()
    exec(statement, {})  # noqa: S102 - the statements are this file's own constants
    return time.perf_counter() - started


PTB = "from telegram.ext import Application"
PRESSBOT = "from pressbot.server.app import build_application"


# -- the children ------------------------------------------------------------------------------


def run_base(variant: str) -> Measured:
    """Import the bare PTB Application, or the whole bot; its time and the memory after."""
    start_rss = memory_mib()
    seconds = timed_import(PTB if variant == "ptb" else PRESSBOT)
    return {
        "start_rss": start_rss,
        "import_ms": seconds * 1000,
        "rss": memory_mib(),
        "matplotlib_loaded": float("matplotlib" in sys.modules),
    }


async def draw_rounds(rounds: int) -> Measured:
    """The first chart of each kind, then `rounds` of each, through the public API."""
    from datetime import UTC, date, datetime, timedelta  # noqa: PLC0415

    from pressbot.charts import release_chart, subscribers_chart  # noqa: PLC0415
    from pressbot.core.reports import MAX_BUCKETS, DailyCount, Timeline  # noqa: PLC0415
    from pressbot.texts.i18n import translator  # noqa: PLC0415

    timeline = Timeline(
        datetime(2026, 11, 3, 9, 30, tzinfo=UTC),
        timedelta(minutes=15),
        (6000, 3000, 900, *([12] * (MAX_BUCKETS - 3))),
        tuple(40 - n // 4 for n in range(MAX_BUCKETS)),
    )
    days = [DailyCount(date(2026, 8, 6) + timedelta(days=n), 10_000 + 9 * n) for n in range(90)]
    title = "Комментарий посольства России в Великобритании в связи с новыми санкциями"
    russian = translator("ru")

    async def release() -> bytes | None:
        return await release_chart(timeline, title, russian)

    async def subscribers() -> bytes | None:
        return await subscribers_chart(days, russian)

    measured: Measured = {}
    for name, draw in (("release", release), ("subscribers", subscribers)):
        samples: list[float] = []
        for _ in range(rounds + 1):
            started = time.perf_counter()
            png = await draw()
            samples.append((time.perf_counter() - started) * 1000)
            assert png is not None, f"the {name} chart was not drawn"
            size = len(png)
        measured[f"{name}_first_ms"] = samples[0]
        measured[f"{name}_ms"] = samples[1:]
        measured[f"{name}_kib"] = size / 1024
    return measured


def run_charts(rounds: int) -> Measured:
    """The bot's imports, then the charts' imports and drawings."""
    measured = run_base("pressbot")
    measured["charts_import_ms"] = timed_import("import pressbot.charts") * 1000
    measured["charts_rss"] = memory_mib()
    # What the worker imports on the first chart, here timed on its own.
    measured["figures_import_ms"] = timed_import("import pressbot.charts.figures") * 1000
    measured["figures_rss"] = memory_mib()
    measured.update(asyncio.run(draw_rounds(rounds)))
    measured["drawn_rss"] = memory_mib()
    measured["peak_rss"] = memory_mib("VmHWM")
    return measured


# -- the parent: one child per variant and repeat, one table ----------------------------------


def run_child(variant: str, rounds: int) -> Measured:
    command = [sys.executable, str(HERE), "--child", variant, "--rounds", str(rounds)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: Measured = json.loads(output.strip().splitlines()[-1])
    return result


def median(runs: list[Measured], key: str) -> float:
    values = [run[key] for run in runs]
    assert all(isinstance(value, float) for value in values), key
    return statistics.median(value for value in values if isinstance(value, float))


def pooled(runs: list[Measured], key: str) -> list[float]:
    samples: list[float] = []
    for run in runs:
        value = run[key]
        assert isinstance(value, list), key
        samples += value
    return samples


def report(results: dict[str, list[Measured]], rounds: int) -> None:
    """Print the table: imports and memory against the baseline, then draw times."""
    from _support import percentile  # noqa: PLC0415 - the parent only: children stay bare

    ptb, bot, charts = results["ptb"], results["pressbot"], results["charts"]
    base_rss = median(ptb, "rss")
    print(f"{'process':<44} {'import ms':>10} {'RSS MiB':>8} {'vs PTB':>8}")
    rows: list[tuple[str, float | None, float]] = [
        ("bare PTB: telegram.ext.Application", median(ptb, "import_ms"), base_rss),
        ("pressbot.server.app (the bot, no chart)", median(bot, "import_ms"), median(bot, "rss")),
        ("  + import pressbot.charts (0: in the bot)", median(charts, "charts_import_ms"),
         median(charts, "charts_rss")),
        ("  + matplotlib (charts.figures, 1st chart)", median(charts, "figures_import_ms"),
         median(charts, "figures_rss")),
        (f"  + {rounds + 1} of each chart drawn", None, median(charts, "drawn_rss")),
    ]  # fmt: skip
    for name, import_ms, rss in rows:
        shown = f"{'':10}" if import_ms is None else f"{import_ms:10.1f}"
        print(f"{name:<44} {shown} {rss:8.1f} {rss - base_rss:+8.1f}")
    print(
        f"charts' cost on top of the bot: import {median(charts, 'figures_import_ms'):.0f} ms on"
        f" the first chart, RSS +{median(charts, 'drawn_rss') - median(charts, 'rss'):.1f} MiB"
        f" (peak {median(charts, 'peak_rss'):.1f} MiB);"
        f" matplotlib loaded by the bot's start: {bool(median(bot, 'matplotlib_loaded'))}"
    )
    print(f"\n{'chart (ru, 1200x700 PNG)':<26} {'first ms':>9} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'max ms':>8} {'PNG KiB':>8}")  # fmt: skip
    for name in ("release", "subscribers"):
        samples = pooled(charts, f"{name}_ms")
        print(
            f"{name:<26} {median(charts, f'{name}_first_ms'):9.0f}"
            f" {statistics.median(samples):8.1f} {percentile(samples, 0.99):8.1f}"
            f" {max(samples):8.1f} {median(charts, f'{name}_kib'):8.1f}"
        )
    print(f"({len(charts)} children, {rounds} rounds each after the first chart)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="charts of each kind per child")
    parser.add_argument("--repeat", type=int, default=3, help="children per variant")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child = run_charts(args.rounds) if args.child == "charts" else run_base(args.child)
        print(json.dumps(child))
        return
    results: dict[str, list[Measured]] = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeat):  # interleaved: a slow moment of the machine hits all alike
        for variant in VARIANTS:
            results[variant].append(run_child(variant, args.rounds))
    report(results, args.rounds)


if __name__ == "__main__":
    main()
