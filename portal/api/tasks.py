"""Nightly open-data export for the city data platform (django-q2).

``export_open_data()`` writes every public dataset of the API as ``<name>.json`` and
``<name>.csv`` into ``settings.OPEN_DATA_DIR`` (default ``var/open-data/``), plus an
``index.json`` listing the files with their row counts and SHA-256 digests. The rows are exactly
those of the public API endpoints (same functions, same serializers), so the files never hold
anything the API would not publish. Files are replaced atomically. CSV cells go through
``portal.core.cells.safe_cell`` (text that looks like a formula is written inert, numbers stay
numbers); the JSON keeps the exact text.

The job runs daily at 02:30 Asia/Shanghai (declared in ``portal.core.schedules``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from portal.core.cells import safe_cell


def open_data_dir() -> Path:
    return Path(getattr(settings, "OPEN_DATA_DIR", None) or settings.VAR_DIR / "open-data")


def public_datasets():
    """(dataset name, view class) of every public list endpoint."""
    from . import views

    return [(cls.dataset, cls) for cls in views.OpenDataList.__subclasses__() if cls.dataset]


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
        else:
            flat[name] = "" if value is None else value
    return flat


def to_csv(rows: list[dict]) -> str:
    flat = [_flatten(r) for r in rows]
    fields: list[str] = []
    for r in flat:
        fields.extend(k for k in r if k not in fields)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, restval="")
    writer.writerow({name: safe_cell(name) for name in fields})
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in flat)
    return out.getvalue()


def _write(path: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def export_open_data(directory: str | Path | None = None) -> dict:
    """Write every public dataset as JSON and CSV; return the index (also written)."""
    target = Path(directory) if directory else open_data_dir()
    target.mkdir(parents=True, exist_ok=True)
    index = {"generated_at": timezone.localtime().isoformat(), "datasets": []}
    for name, view in public_datasets():
        rows = json.loads(
            json.dumps(
                view.serializer_class(view.rows(), many=True).data,
                cls=DjangoJSONEncoder,
                ensure_ascii=False,
            )
        )
        body = json.dumps(
            {"dataset": name, "generated_at": index["generated_at"], "rows": rows},
            ensure_ascii=False,
            indent=1,
        ).encode()
        files = {
            f"{name}.json": _write(target / f"{name}.json", body),
            # BOM so that spreadsheet programs read the Chinese text as UTF-8.
            f"{name}.csv": _write(target / f"{name}.csv", ("\ufeff" + to_csv(rows)).encode()),
        }
        index["datasets"].append({"name": name, "rows": len(rows), "files": files})
    _write(target / "index.json", json.dumps(index, ensure_ascii=False, indent=1).encode())
    return index
