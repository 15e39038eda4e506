"""Benchmark the registry import: `.venv/bin/python bench/registry_import.py [UNITS | --oversized]`.

Builds a throw-away SQLite database (migrated first, not timed), generates a 50,000-unit
estate file (CSV, UTF-8: 6% developer-held, 8% multi-unit owners, 12% co-owned units, shops
and parking) from a fixed seed, writes it to disk, then runs it as the worker does
(``import_jobs.import_job_run``: the file read as a stream, checked, compared, written all or
nothing) and prints the time of each phase, rows per second, memory (max RSS before and after)
and the ratio to the 30 s target.

``--oversized`` replays the attack of issue 14 (a 50 MB CSV of 680,636 rows): in a fresh
process it times the upload form's size check, then, with the size limit lifted, how far the
planner reads before the row limit stops it, with its memory. Reports only; asserts nothing.
"""

import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARG = sys.argv[1] if len(sys.argv) > 1 else "50000"
UNITS = int(ARG) if ARG.isdigit() else 50_000
ATTACK_ROWS = 680_636
TARGET = 30.0
TMP = tempfile.mkdtemp(prefix="gongzhi-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from portal.organisations.models import Jurisdiction, Level  # noqa: E402
from property.registry.import_jobs import import_job_run  # noqa: E402
from property.registry.models import (  # noqa: E402
    Estate,
    ImportMode,
    OwnerParty,
    Person,
    RegistryImport,
    Unit,
)
from property.registry.selectors import estate_totals  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _registry_file import make_file  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_estate():
    call_command("migrate", verbosity=0)
    city = Jurisdiction.add_root(code="bench-city", name="芜湖市", level=Level.CITY)
    node = city
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.ESTATE):
        node = Jurisdiction.objects.get(pk=node.pk).add_child(
            code=f"bench-{level}", name=f"bench {level}", level=level
        )
    return Estate.objects.create(jurisdiction=node, code="bench", name="基准小区")


def main() -> None:
    from django.core.files import File

    from portal.accounts.models import User

    estate = setup_estate()
    user = User.objects.create_user(username="bench", email="bench@example.cn", password="x")
    path = Path(TMP) / "bench.csv"
    path.write_bytes(make_file(UNITS))
    size = path.stat().st_size
    print(f"file: {UNITS:,} units, {size / 1e6:.1f} MB CSV")
    job = RegistryImport(estate=estate, created_by=user, filename="bench.csv", size=size)
    job.mode = ImportMode.IMPORT
    with path.open("rb") as fh:
        job.file.save("bench.csv", File(fh), save=False)
    job.save()
    before = rss_mb()

    started, cpu = time.perf_counter(), time.process_time()
    status = import_job_run(job_id=job.pk)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    job.refresh_from_db()
    assert status == "done", (status, job.errors[:5])

    total = done - started
    totals = estate_totals(estate)
    print(
        f"worker job (read + check + compare + write): {total:6.2f} s "
        f"({cpu:.2f} s CPU), status {status}"
    )
    print(f"rows per second: {UNITS / total:,.0f}")
    print(f"memory (max RSS): {before:,.0f} MB before the job, {rss_mb():,.0f} MB peak")
    print(
        f"target {TARGET:.0f} s: ratio {total / TARGET:.2f} ({'OK' if total < TARGET else 'SLOW'})"
    )
    print(
        f"registry: {Unit.objects.count():,} units, {Person.objects.count():,} persons, "
        f"{OwnerParty.objects.count():,} parties; heads {totals.heads:,}, area {totals.area} m²"
    )
    print(f"summary: {job.summary}")


def write_attack_file(path: Path, rows: int) -> None:
    """The attack's file: one unit per row, every owner different (no memory kept here)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("building,unit,use,area,area_source,owners,identity_numbers,developer\n")
        for i in range(rows):
            born = date(1950, 1, 1).toordinal() + i // 1000
            body = f"340202{date.fromordinal(born):%Y%m%d}{i % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            out.write(f"{i // 200 + 1},{i:07d},residential,88.50,registered,业主{i},{number},no\n")


def oversized() -> None:
    import subprocess

    path = Path(TMP) / "attack.csv"
    write_attack_file(path, ATTACK_ROWS)
    print(f"attack file: {ATTACK_ROWS:,} rows, {path.stat().st_size / 1e6:.1f} MB CSV")
    subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)


def measure(path: Path) -> None:
    """In a fresh process: the upload form's size check, then the planner past the limit."""
    from django.conf import settings
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from property.registry.forms import ImportForm
    from property.registry.importer import open_table, plan_import

    estate = setup_estate()
    size = path.stat().st_size
    upload = TemporaryUploadedFile("attack.csv", "text/csv", size, "utf-8")
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            upload.write(chunk)
    upload.seek(0)
    started = time.perf_counter()
    form = ImportForm(data={}, files={"file": upload})
    valid = form.is_valid()
    print(
        f"upload form (limit {settings.REGISTRY_IMPORT_MAX_BYTES / 2**20:.0f} MiB): "
        f"{'accepted' if valid else 'refused'} in {1000 * (time.perf_counter() - started):.1f} ms"
        f" ({'; '.join(form.errors.get('file', []))})"
    )
    settings.REGISTRY_IMPORT_MAX_BYTES = 2 * size  # lifted: how far does the planner read?
    before = rss_mb()
    started = time.perf_counter()
    with path.open("rb") as fh:
        table = open_table(fh, "attack.csv")
        plan = plan_import(estate, table.headers, table.rows)
    took = time.perf_counter() - started
    print(
        f"planner with the size limit lifted: stopped at row {plan.errors[-1].line:,} "
        f"({plan.error_count} error) in {took:.2f} s; memory {before:,.0f} MB before, "
        f"{rss_mb():,.0f} MB peak (row limit {settings.REGISTRY_IMPORT_MAX_ROWS:,})"
    )


if __name__ == "__main__":
    try:
        if ARG == "--oversized":
            oversized()
        elif ARG == "--measure":
            measure(Path(sys.argv[2]))
        else:
            main()
    finally:
        import shutil

        shutil.rmtree(TMP, ignore_errors=True)
