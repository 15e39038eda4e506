"""The nightly open-data export: the public datasets as JSON and CSV, same rows as the API."""

import csv
import hashlib
import io
import json

import pytest
from django.test import override_settings
from django_q.models import Schedule

from portal.api import tasks
from tests.portal.dashboards.factories import add_domain_data

pytestmark = pytest.mark.django_db


def test_export_writes_every_public_dataset(client, city, tmp_path):
    """Each public list endpoint's rows land in <name>.json and <name>.csv, with an index that
    gives the row counts and SHA-256 of the files; the JSON rows equal the API's."""
    votes = add_domain_data(city)
    with override_settings(OPEN_DATA_DIR=tmp_path):
        index = tasks.export_open_data()
    names = {d["name"] for d in index["datasets"]}
    assert names == {
        "estates",
        "notices",
        "ratings",
        "rating_history",
        "vote_results",
        "fund_estates",
        "revenue_statements",
        "indicators",
    }
    on_disk = json.loads((tmp_path / "index.json").read_text())
    assert on_disk["datasets"] == index["datasets"]
    for entry in index["datasets"]:
        for filename, digest in entry["files"].items():
            assert hashlib.sha256((tmp_path / filename).read_bytes()).hexdigest() == digest
        data = json.loads((tmp_path / f"{entry['name']}.json").read_text())
        assert len(data["rows"]) == entry["rows"]
        rows = list(
            csv.DictReader(io.StringIO((tmp_path / f"{entry['name']}.csv").read_text("utf-8-sig")))
        )
        assert len(rows) == entry["rows"]
    results = json.loads((tmp_path / "vote_results.json").read_text())["rows"]
    assert [r["id"] for r in results] == [votes["final"].pk]
    api = client.get("/api/v1/fund/estates/").json()["results"]
    exported = json.loads((tmp_path / "fund_estates.json").read_text())["rows"]
    assert exported == api
    fund_csv = list(
        csv.DictReader(io.StringIO((tmp_path / "fund_estates.csv").read_text("utf-8-sig")))
    )
    e0 = next(r for r in fund_csv if r["estate"] == city.world.estates[0].code)
    assert e0["balance"] == "5010.50" and e0["refill_due"] == "1"
    vote_csv = list(
        csv.DictReader(io.StringIO((tmp_path / "vote_results.csv").read_text("utf-8-sig")))
    )
    assert vote_csv[0]["result.participating.area"] == "380.50"
    indicators_csv = list(
        csv.DictReader(io.StringIO((tmp_path / "indicators.csv").read_text("utf-8-sig")))
    )
    city_row = next(r for r in indicators_csv if r["code"] == city.world.city.code)
    assert {"indicators.failed_participation", "indicators.channels.paper.share"} <= set(city_row)


def test_export_default_directory_is_var_open_data(settings):
    if hasattr(settings, "OPEN_DATA_DIR"):
        del settings.OPEN_DATA_DIR
    assert tasks.open_data_dir() == settings.VAR_DIR / "open-data"


def test_ensure_schedules_is_idempotent(db):
    """The worker registers the nightly export once, however often it starts."""
    from portal.core.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    schedules = Schedule.objects.filter(name="api: nightly open-data export")
    assert schedules.count() == 1
    assert schedules.get().func == "portal.api.tasks.export_open_data"
    assert schedules.get().schedule_type == Schedule.DAILY
