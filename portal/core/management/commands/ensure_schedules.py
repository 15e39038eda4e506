"""Register every app's periodic jobs with django-q2 (idempotent).

Each app that has periodic work provides ``<app>.tasks.ensure_schedules()``; the worker runs
this command before it starts (see Procfile), so a fresh database gets its schedules.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Register the periodic jobs of every app (django-q2 schedules)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            try:
                tasks = importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
                continue
            if hasattr(tasks, "ensure_schedules"):
                tasks.ensure_schedules()
                self.stdout.write(f"  {config.label}: schedules registered")
