"""``manage.py sign_tree_heads``: sign a tree head now for every vote whose board grew (what
the worker does every minute; handy after ``load_demo_data``)."""

from django.core.management.base import BaseCommand

from voting import board


class Command(BaseCommand):
    help = "Sign a tree head for every vote whose bulletin board grew since its last head."

    def handle(self, *args, **options):
        self.stdout.write(f"{board.sign_tree_heads()} tree heads signed")
