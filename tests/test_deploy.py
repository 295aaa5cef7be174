"""deploy/: the Grafana dashboard shows every metric the bot exports, and only those."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client.openmetrics.parser import text_string_to_metric_families

from pressbot.server.metrics import Metrics

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana-dashboard.json"
#: The series a family of each type has that a panel may query (not `_created`: the time a
#: counter started, which no panel needs).
SERIES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
    "summary": ("_sum", "_count"),
    "info": ("_info",),
}
METRIC = re.compile(r"\bpressbot_[a-z0-9_]+")


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, those inside collapsed rows too."""
    found = []
    for panel in board["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


def exported() -> dict[str, set[str]]:
    """Each family a real Metrics() renders, with the names of its series. In OpenMetrics,
    where a counter's `_created` is part of its family (the text format 0.0.4 makes it a
    gauge of its own)."""
    metrics = Metrics()
    metrics.reads.set(0)  # shown from the first scrape that reads the database
    body, content_type = metrics.render("application/openmetrics-text")
    assert content_type.startswith("application/openmetrics-text")
    return {
        family.name: {family.name + suffix for suffix in SERIES[family.type]}
        for family in text_string_to_metric_families(body.decode())
    }


def queried(board: dict[str, Any]) -> set[str]:
    """The metric names the panels' queries use."""
    return {
        name
        for panel in panels(board)
        for target in panel.get("targets", [])
        for name in METRIC.findall(target["expr"])
    }


def test_the_dashboard_is_grafana_json_over_a_chosen_prometheus() -> None:
    board = dashboard()
    assert board["schemaVersion"] >= 39 and board["uid"] == "pressbot"
    [source] = [v for v in board["templating"]["list"] if v["name"] == "datasource"]
    assert source["type"] == "datasource" and source["query"] == "prometheus"
    ids = [panel["id"] for panel in panels(board)]
    assert len(ids) == len(set(ids))
    for panel in panels(board):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == panel["datasource"]
            assert METRIC.search(target["expr"]), (panel["title"], target["expr"])


def test_every_exported_metric_has_a_panel() -> None:
    used = queried(dashboard())
    unused = [family for family, series in exported().items() if not series & used]
    assert unused == []
    assert "pressbot_reads" in exported() and "pressbot_subscribers_active" in exported()


def test_every_metric_a_panel_names_is_exported() -> None:
    known = set().union(*exported().values())
    assert queried(dashboard()) - known == set()
