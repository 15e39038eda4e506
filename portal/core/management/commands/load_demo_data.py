"""Build the demo city: each app contributes a ``demo`` module with ``load(stdout)``.

Apps load in INSTALLED_APPS order, which follows the layers of the house, so an app's demo
data can rely on the layers below it; then each module's ``finish(stdout)``, if it has one,
runs once every app has loaded (the notifications' settle what the steps above them wrote).
Safe to run again: every loader is idempotent. Dates are relative to the day it runs.
"""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load (or complete) the realistic demo data set. Idempotent."

    def handle(self, *args, **options):
        finishers = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            started = time.perf_counter()
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(
                f"  {config.label}: demo data ready ({time.perf_counter() - started:.1f} s)"
            )
            if hasattr(module, "finish"):
                finishers.append(module.finish)
        for finish in finishers:
            with transaction.atomic():
                finish(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
