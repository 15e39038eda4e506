"""Issue 14, finding 7: the registry import had no limits (a 50 MB CSV of 680,636 rows ran
210 s in one request, took 1.16 GB and returned a 67 MB error page).

Now: the file's size and row count are limited (``REGISTRY_IMPORT_MAX_BYTES``,
``REGISTRY_IMPORT_MAX_ROWS``), at most ``REGISTRY_IMPORT_MAX_ERRORS`` (200) errors are listed
with a count of the rest, the file is read as a stream and stops at the row limit, and the
request only stores the upload and queues a job for the django-q2 worker; the person who
started it follows its state and progress on a page refreshed by a static script."""

import itertools
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.organisations.models import OrgKind
from property.registry.importer import HEADER, plan_import, read_table
from property.registry.models import RegistryImport, Unit
from tests.factories import identity_number, staff
from tests.property.registry.factories import company_staff, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def in_english(client):
    """The messages asserted below are the English ones (the page follows the cookie)."""
    client.cookies["django_language"] = "en"


def good(n: int, start: int = 0) -> list[list[str]]:
    return [
        [
            "1",
            f"1-{i:05d}",
            "residential",
            "80.00",
            "registered",
            f"业主{i}",
            identity_number(i),
            "",
        ]
        for i in range(start, start + n)
    ]


def upload(client, estate, table, action="import", name="r.csv"):
    url = reverse("registry:estate_import", args=[estate.code])
    return client.post(url, {"file": SimpleUploadedFile(name, csv_bytes(table)), "action": action})


def test_file_over_the_size_limit_refused_before_anything_is_read(client, world, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 2_000
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    page = upload(client, estate, good(40)).content.decode()
    assert "too large" in page
    assert not RegistryImport.objects.exists() and not Unit.objects.exists()


def test_file_over_the_row_limit_refused(client, world, settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 10
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    response = upload(client, estate, good(11))
    job = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "more than 10 unit rows" in page
    assert not Unit.objects.exists()
    assert upload(client, estate, good(10)).status_code == 302
    assert Unit.objects.count() == 10


def test_row_limit_stops_reading_the_stream(world, settings):
    """The planner consumes rows lazily and stops one past the limit: a file of any length
    costs at most the limit in time and memory."""
    settings.REGISTRY_IMPORT_MAX_ROWS = 50
    consumed = itertools.count()

    def endless():
        for i in itertools.count():
            next(consumed)
            yield ["1", f"1-{i}", "residential", "80.00", "registered", "", "", "yes"]

    plan = plan_import(world.estates[0], HEADER, endless())
    assert plan.error_count == 1 and "more than 50" in plan.errors[0].message
    assert next(consumed) <= 52


def test_errors_listed_up_to_200_then_counted(client, world):
    """A file with 1,000 bad rows lists the first 200 errors and says how many more there are;
    the page stays small."""
    estate = world.estates[0]
    table = good(1_000)
    for row in table:
        row[3] = "-1"
    headers, data = read_table(csv_bytes(table), "r.csv")
    plan = plan_import(estate, headers, data)
    assert len(plan.errors) == 200 and plan.error_count == 1_000
    client.force_login(company_staff(world, 0))
    upload(client, estate, table)
    job = RegistryImport.objects.get()
    response = client.get(job.get_absolute_url())
    page = response.content.decode()
    assert page.count('<tr><td class="num">') == 200
    assert "800" in page and "more" in page
    assert len(response.content) < 120_000
    assert not Unit.objects.exists()


def test_the_request_only_stores_the_file_and_queues_the_job(client, world):
    """The upload request writes the job and queues it; nothing is read or imported until the
    worker runs it. The page shows the state, refreshes without inline scripts, then shows the
    outcome."""
    estate = world.estates[0]
    user = company_staff(world, 0)
    client.force_login(user)
    with mock.patch("property.registry.import_jobs.async_task") as queue:
        response = upload(client, estate, good(3))
    job = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    queue.assert_called_once_with("property.registry.tasks.run_registry_import", job.pk)
    assert job.status == "queued" and job.created_by == user and job.mode == "import"
    assert not Unit.objects.exists()

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-state="queued"' in page and "<progress" in page
    assert "registry/import_job.js" in page
    inline = [s for s in re.findall(r"<script[^>]*>", page) if "src=" not in s]
    assert not inline, inline

    from property.registry.tasks import run_registry_import

    run_registry_import(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3 and job.summary["new_units"] == 3
    assert Unit.objects.filter(estate=estate).count() == 3
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-state="done"' in page and "import_job.js" not in page
    assert not job.file  # the uploaded file (personal data) is deleted once imported


def test_preview_then_import_the_same_file(client, world):
    """Preview is a dry run in the worker; the page then offers to import the stored file."""
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    upload(client, estate, good(3), action="preview")
    job = RegistryImport.objects.get()
    assert job.status == "done" and job.mode == "preview" and job.summary["new_units"] == 3
    assert not Unit.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    apply_url = reverse("registry:import_job_apply", args=[estate.code, job.pk])
    assert apply_url in page
    response = client.post(apply_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mode == "import" and job.status == "done"
    assert Unit.objects.filter(estate=estate).count() == 3
    assert client.post(apply_url).status_code == 302  # applying twice does nothing more
    assert Unit.objects.filter(estate=estate).count() == 3


def test_job_page_only_for_the_person_who_started_it(client, world):
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    upload(client, estate, good(2), action="preview")
    job = RegistryImport.objects.get()
    apply_url = reverse("registry:import_job_apply", args=[estate.code, job.pk])
    others = [
        company_staff(world, 0),  # a colleague of the same company
        staff(OrgKind.BUREAU, world.city, organisation=world.bureau),
        company_staff(world, 1),
    ]
    for other in others:
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code in (403, 404)
        assert client.post(apply_url).status_code in (403, 404)
    assert not Unit.objects.exists()
    wrong_estate = reverse("registry:import_job", args=[world.estates[1].code, job.pk])
    client.force_login(job.created_by)
    assert client.get(wrong_estate).status_code in (403, 404)


def test_errors_stored_in_the_language_of_the_person_who_started_it(client, world):
    estate = world.estates[0]
    table = good(1)
    table[0][3] = "abc"
    client.force_login(company_staff(world, 0))
    client.cookies["django_language"] = "en"
    upload(client, estate, table)
    job = RegistryImport.objects.get()
    assert "is not a positive number" in job.errors[0][1]


def test_uploaded_file_of_a_preview_expires(client, world, settings):
    """A preview never imported keeps its file (personal data) only REGISTRY_IMPORT_KEEP_HOURS."""
    from datetime import timedelta

    from django.utils import timezone

    from property.registry.import_jobs import import_jobs_expire

    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    upload(client, estate, good(2), action="preview")
    upload(client, estate, good(2, start=10), action="preview")
    old, recent = RegistryImport.objects.order_by("pk")
    assert old.file and old.changes and old.can_apply
    path = old.file.path
    RegistryImport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - timedelta(hours=settings.REGISTRY_IMPORT_KEEP_HOURS + 1)
    )
    assert import_jobs_expire() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and old.changes == [] and not old.can_apply
    assert old.summary["new_units"] == 2  # the counts stay
    import os

    assert not os.path.exists(path)
    assert recent.file and recent.changes


def test_xlsx_is_streamed_and_its_formulas_refused(world):
    """An XLSX cell holding a formula is read as its text (not its cached value) and refused."""
    import io

    import openpyxl

    from property.registry.importer import open_table

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        ["1", "1-101", "residential", 88.5, "registered", "=1+2", identity_number(1), "no"]
    )
    sheet.append(["1", "1-102", "residential", 70, "registered", "李四", identity_number(2), "no"])
    data = io.BytesIO()
    book.save(data)
    table = open_table(io.BytesIO(data.getvalue()), "r.xlsx")
    assert table.headers == HEADER and table.estimated_rows == 2
    plan = plan_import(world.estates[0], table.headers, table.rows)
    assert [e.line for e in plan.errors] == [2] and "formula" in plan.errors[0].message


def test_unreadable_and_unpacked_too_large_files_refused(world, settings):
    import io
    import zipfile

    from property.registry.importer import ImportFileError, open_table

    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        open_table(io.BytesIO(b"PK\x03\x04 not a zip"), "r.xlsx")
    with pytest.raises(ImportFileError, match="UTF-8"):
        table = open_table(io.BytesIO(",".join(HEADER).encode() + b"\n\xff\xfe\n"), "r.csv")
        list(table.rows)
    settings.REGISTRY_IMPORT_MAX_BYTES = 10_000
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "a" * 200_000)
    with pytest.raises(ImportFileError, match="unpacked"):
        open_table(io.BytesIO(bomb.getvalue()), "r.xlsx")


def test_a_job_that_crashes_is_recorded_as_stopped(client, world):
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    with mock.patch("property.registry.import_jobs.plan_import", side_effect=RuntimeError("boom")):
        upload(client, estate, good(2))
    job = RegistryImport.objects.get()
    assert job.status == "failed" and not job.file
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-state="failed"' in page and "error on the server" in page
    assert not Unit.objects.exists()


def test_a_stalled_job_says_so(client, world):
    from datetime import timedelta

    from django.utils import timezone

    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    with mock.patch("property.registry.import_jobs.async_task"):
        upload(client, estate, good(2))
    job = RegistryImport.objects.get()
    RegistryImport.objects.filter(pk=job.pk).update(
        status="checking", updated_at=timezone.now() - timedelta(hours=2)
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert "interrupted" in page
