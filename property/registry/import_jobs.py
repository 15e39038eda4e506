"""Registry imports run by the worker: the request stores the file and queues a job.

A registry file can hold an estate's tens of thousands of units; checking and writing it takes
seconds to a minute, longer than a web request should. So:

``import_job_start(*, actor, estate, upload, mode, language)``
    (the request) stores the upload in private storage under a random name, records a
    ``RegistryImport`` job (queued) and queues ``property.registry.tasks.run_registry_import``.
``import_job_run(*, job_id)``
    (the worker) reads the file as a stream (``importer.open_table``), plans it with progress
    written to the job every ``PROGRESS_EVERY`` rows, and for an import applies it through
    ``services.registry_import`` (all or nothing); records the outcome in the language of the
    person who started it.
``import_job_apply(*, actor, job)``
    (the request) turns a previewed job without errors into an import of the same file.
``import_jobs_expire(*, now)``
    (the worker, hourly) deletes the files and change lines of jobs finished longer ago than
    ``REGISTRY_IMPORT_KEEP_HOURS``.

Every step writes the audit log (``registry.import_queued`` and the service's
``registry.imported``) with counts only.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import log_event
from portal.core.text import text_problem

from . import services
from .importer import ImportFileError, open_table, plan_import
from .models import Estate, ImportMode, ImportStatus, RegistryImport

log = logging.getLogger(__name__)
TASK = "property.registry.tasks.run_registry_import"


class ImportJobError(Exception):
    """A job operation refused (the job is not in a state that allows it)."""


def _display_name(name: str) -> str:
    """The uploaded file's own name, as shown to the person: no path, no invisible characters."""
    base = PurePath(name or "").name
    return "".join(ch if text_problem(ch) is None else "?" for ch in base)[-120:] or "registry"


def import_job_start(*, actor, estate: Estate, upload, mode: str, language: str) -> RegistryImport:
    """Store the uploaded file and queue its import (or preview) in the worker.

    Preconditions: ``actor`` holds ``registry.import_registry`` on ``estate``; ``upload`` passed
    ``ImportForm`` (CSV or XLSX, within ``REGISTRY_IMPORT_MAX_BYTES``). Called outside a
    transaction: the worker may pick the job up at once.
    """
    job = RegistryImport(
        estate=estate,
        created_by=actor,
        filename=_display_name(upload.name),
        size=upload.size or 0,
        mode=mode,
        language=language or settings.LANGUAGE_CODE,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    log_event(
        actor=actor,
        action="registry.import_queued",
        obj=estate,
        details={"job": job.pk, "mode": mode, "bytes": job.size},
    )
    async_task(TASK, job.pk)
    return job


def import_job_apply(*, actor, job: RegistryImport) -> RegistryImport:
    """Import the file of a preview that found no errors (the worker plans it again against the
    registry as it is then).

    Preconditions: ``actor`` started the job; called outside a transaction (the worker may
    pick the job up at once). Locks the job: a second click is refused (``ImportJobError``).
    """
    with transaction.atomic():
        job = RegistryImport.objects.select_for_update().get(pk=job.pk)
        if not job.can_apply:
            raise ImportJobError(_("This file has already been imported, or cannot be."))
        job.mode = ImportMode.IMPORT
        job.status = ImportStatus.QUEUED
        job.rows_done = 0
        job.summary, job.changes, job.errors, job.error_count = {}, [], [], 0
        job.finished_at = None
        job.save()
        log_event(
            actor=actor,
            action="registry.import_queued",
            obj=job.estate,
            details={"job": job.pk, "mode": ImportMode.IMPORT, "bytes": job.size},
        )
    async_task(TASK, job.pk)
    return job


def _update(job: RegistryImport, **fields) -> None:
    """Write job fields at once (autocommit), so that the page sees them while the job runs."""
    for name, value in fields.items():
        setattr(job, name, value)
    fields["updated_at"] = timezone.now()
    RegistryImport.objects.filter(pk=job.pk).update(**fields)


def _finish(job: RegistryImport, status: str, **fields) -> None:
    """Record the outcome. The file is kept only by a preview that may still be imported."""
    keep = job.mode == ImportMode.PREVIEW and status == ImportStatus.DONE
    if job.file and not keep:
        job.file.delete(save=False)
        fields["file"] = ""
    _update(job, status=status, finished_at=timezone.now(), **fields)


def _binary(handle):
    """The seekable binary file under a storage's File (TextIOWrapper wants a real one)."""
    inner = getattr(handle, "file", None)
    return inner if isinstance(inner, io.IOBase) else handle


def import_job_run(*, job_id: int) -> str:
    """Run a queued job: read, check, and (for an import) write. Returns the final status.

    Preconditions: the job is queued (a job already taken by another worker, or finished, is
    left alone). Never raises for a bad file: the outcome is recorded on the job.
    """
    taken = RegistryImport.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, updated_at=timezone.now()
    )
    if not taken:
        return "skipped"
    job = RegistryImport.objects.select_related("estate", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            return _run(job)
        except Exception:
            log.exception("registry import job %s failed", job.pk)
            _finish(
                job,
                ImportStatus.FAILED,
                errors=[[1, _("The import stopped because of an error on the server.")]],
                error_count=1,
            )
            return ImportStatus.FAILED


def _run(job: RegistryImport) -> str:
    if not job.file:
        _finish(job, ImportStatus.FAILED, errors=[[1, _("The file is no longer kept.")]])
        return ImportStatus.FAILED
    with job.file.open("rb") as handle:
        try:
            table = open_table(_binary(handle), job.filename)
            _update(job, rows_total=table.estimated_rows)
            plan = plan_import(
                job.estate,
                table.headers,
                table.rows,
                progress=lambda n: _update(job, rows_done=n),
            )
        except ImportFileError as exc:
            _finish(job, ImportStatus.REFUSED, errors=[[1, str(exc)]], error_count=1)
            return ImportStatus.REFUSED
    rows_done = len(plan.rows)
    if not plan.ok:
        _finish(
            job,
            ImportStatus.REFUSED,
            errors=[[e.line, e.message] for e in plan.errors],
            error_count=plan.error_count,
            rows_done=rows_done,
        )
        return ImportStatus.REFUSED
    outcome = {"summary": plan.summary(), "changes": plan.change_lines(), "rows_done": rows_done}
    if job.mode == ImportMode.PREVIEW:
        _finish(job, ImportStatus.DONE, **outcome)
        return ImportStatus.DONE
    _update(job, status=ImportStatus.WRITING, rows_done=rows_done)
    try:
        services.registry_import(actor=job.created_by, plan=plan)
    except services.ImportRejected as exc:
        _finish(
            job,
            ImportStatus.REFUSED,
            errors=[[e.line, e.message] for e in exc.errors],
            error_count=len(exc.errors),
        )
        return ImportStatus.REFUSED
    _finish(job, ImportStatus.DONE, **outcome)
    return ImportStatus.DONE


def import_jobs_expire(*, now=None) -> int:
    """Delete the files and change lines of jobs finished more than
    ``REGISTRY_IMPORT_KEEP_HOURS`` ago (previews never imported keep theirs until then).
    Returns how many jobs were cleared."""
    now = now or timezone.now()
    hours = getattr(settings, "REGISTRY_IMPORT_KEEP_HOURS", 24)
    old = RegistryImport.objects.filter(finished_at__lt=now - timedelta(hours=hours)).exclude(
        file="", changes=[]
    )
    cleared = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        RegistryImport.objects.filter(pk=job.pk).update(file="", changes=[])
        cleared += 1
    return cleared
