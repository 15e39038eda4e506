"""Register the portal's periodic jobs with django-q2 (idempotent).

The jobs are declared once, in ``portal.core.schedules.SCHEDULES``; the worker runs this command
before it starts (see Procfile), so a fresh database gets its schedules and an old one is brought
in line with the list.
"""

from django.core.management.base import BaseCommand

from portal.core.schedules import ensure_schedules


class Command(BaseCommand):
    help = "Register the periodic jobs of every app (django-q2 schedules)."

    def handle(self, *args, **options):
        done = ensure_schedules()
        self.stdout.write(
            "schedules: {created} created, {updated} updated, {deleted} deleted".format(**done)
        )
