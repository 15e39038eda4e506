"""Run by tests/portal/test_replica.py in a process of its own, against a primary and a real
streaming replica whose replay the test has paused: what does each kind of request see?

Prints one JSON object: the estate names that the open-data API lists to a visitor, to the same
visitor just after a POST, to another visitor, and what the ORM sees outside any request."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from property.registry.models import Estate  # noqa: E402


def names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    data = json.loads(response.content)
    rows = data["results"] if isinstance(data, dict) else data
    return sorted(row["name"] for row in rows)


def main():
    settings.OPEN_DATA_CACHE_SECONDS = 0  # each request computes its rows (no shared cache)
    # Renamed on the primary; the replica's replay is paused, so it never sees the new name.
    Estate.objects.filter(pk=Estate.objects.order_by("pk").last().pk).update(name="复制探针小区")
    visitor = Client()
    out = {"orm": sorted(Estate.objects.values_list("name", flat=True))}
    out["visitor"] = names(visitor.get("/api/v1/estates/"))
    # Any write pins the client's reads to the primary for a while (its own change, at once).
    visitor.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    out["after_post"] = names(visitor.get("/api/v1/estates/"))
    out["other_visitor"] = names(Client().get("/api/v1/estates/"))
    print(json.dumps(out))


main()
