"""Issue 14, finding 8 in the nightly open-data export: the CSV files (opened in spreadsheet
programs by the city's data users) carry no live formula; the JSON keeps the exact text."""

import csv
import io
import json

import pytest
from django.test import override_settings

from portal.api import tasks
from property.registry.models import Estate

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/","点击")'


def test_open_data_csv_is_inert(city, tmp_path):
    Estate.objects.filter(pk=city.world.estates[0].pk).update(name=HYPERLINK)
    with override_settings(OPEN_DATA_DIR=tmp_path):
        tasks.export_open_data()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "estates.csv").read_text("utf-8-sig"))))
    names = [r["name"] for r in rows]
    assert "'" + HYPERLINK in names
    assert not [v for r in rows for v in r.values() if v[:1] in {"=", "+", "@", "\t", "\r"}]
    data = json.loads((tmp_path / "estates.json").read_text())["rows"]
    assert HYPERLINK in [r["name"] for r in data]


def test_to_csv_keeps_numbers():
    text = tasks.to_csv([{"a": "-1+2", "b": -5, "c": "-3.50", "d": {"e": "@x"}, "f": ["=1"]}])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{"a": "'-1+2", "b": "-5", "c": "-3.50", "d.e": "'@x", "f": '["=1"]'}]
