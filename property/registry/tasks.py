"""Background work of the registry (django-q2): registry imports, and the hourly clean-up of
their stored files (``ensure_schedules`` registers it; the worker calls it at start through
``manage.py ensure_schedules``). Tasks only call services (``import_jobs``)."""

from __future__ import annotations

from django_q.models import Schedule

from . import import_jobs


def run_registry_import(job_id: int) -> str:
    """Queued by ``import_jobs.import_job_start`` / ``import_job_apply``."""
    return import_jobs.import_job_run(job_id=job_id)


def expire_import_files() -> int:
    return import_jobs.import_jobs_expire()


def ensure_schedules() -> None:
    """Register the registry's periodic jobs (idempotent)."""
    Schedule.objects.update_or_create(
        name="registry.expire_import_files",
        defaults={
            "func": "property.registry.tasks.expire_import_files",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )
