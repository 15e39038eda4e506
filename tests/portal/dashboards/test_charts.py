"""Chart axes of counts show whole numbers (issue 15: "0.2 votes", "1.5 requests").

The dashboards' own ``charts.js`` is run under Node with a stand-in ``document`` and
``echarts`` that record the options it sets; the chart data comes from the selectors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from portal.dashboards.selectors import children_charts, node_dashboard

ROOT = Path(__file__).resolve().parents[3]
CHARTS_JS = ROOT / "themes/default/static/dashboards/charts.js"

HARNESS = r"""
const fs = require("fs");
const charts = JSON.parse(fs.readFileSync(0, "utf8"));
const options = [];
global.window = {
  echarts: { init: () => ({ setOption: (o) => options.push(o), resize: () => {} }) },
  addEventListener: () => {},
};
global.document = {
  readyState: "complete",
  querySelectorAll: () => charts.map((c, i) => ({ getAttribute: () => "c" + i })),
  getElementById: (id) => ({ textContent: JSON.stringify(charts[Number(id.slice(1))]) }),
};
require(process.argv[1]);
process.stdout.write(JSON.stringify(options));
"""


def run_charts(charts: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run the dashboards' chart script")
    out = subprocess.run(
        [node, "-e", HARNESS, str(CHARTS_JS)],
        input=json.dumps(charts, default=str),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(out.stdout)


@pytest.mark.django_db
def test_count_charts_have_whole_number_axes(city):
    """Every chart of counts (votes, requests, units…) gets ``minInterval: 1``; charts of money,
    areas and shares keep fractional ticks."""
    dash = node_dashboard(city.world.city)
    charts = [c for c in dash.breakdowns.values() if c["type"] != "pie"]
    charts += children_charts(dash)
    options = run_charts(charts)
    assert len(options) == len(charts)
    assert sum(bool(c.get("integer")) for c in charts) >= 5
    for chart, option in zip(charts, options, strict=True):
        axis = option["yAxis"]
        if chart.get("integer"):
            assert axis.get("minInterval") == 1, chart["title"]
        else:
            assert not axis.get("minInterval"), chart["title"]


@pytest.mark.django_db
def test_which_charts_are_counts(city):
    dash = node_dashboard(city.world.city)
    kinds = {key: bool(c.get("integer")) for key, c in dash.breakdowns.items()}
    assert kinds["vote_outcomes"] and kinds["emergency_states"] and kinds["emergency_days"]
    assert not kinds["vote_turnout"]  # percentages
    by_key = {c["key"]: bool(c.get("integer")) for c in children_charts(dash)}
    assert by_key == {
        "units": True,
        "verified_share": False,
        "fund_balance": False,
        "votes_counted": True,
    }
