"""``manage.py revenue_statement ESTATE PERIOD [--json]``: print an estate's shared revenue
statement for a half-year (``2026H1``): the published figures if it is published, else the
figures the ledger gives now (marked as not published)."""

import json

from django.core.management.base import BaseCommand, CommandError

from property.registry.models import Estate
from property.revenue import rules, selectors
from property.revenue.models import Category


class Command(BaseCommand):
    help = "Print the shared revenue statement of ESTATE (code) for PERIOD (such as 2026H1)."

    def add_arguments(self, parser):
        parser.add_argument("estate", help="estate code, such as binjiang")
        parser.add_argument("period", help="half-year, such as 2026H1")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        estate = Estate.objects.filter(code=options["estate"]).first()
        if estate is None:
            raise CommandError(f"no estate with code {options['estate']!r}")
        try:
            half = rules.parse_half_year(options["period"])
        except rules.PeriodError as exc:
            raise CommandError(str(exc)) from None
        published = selectors.statement(estate, str(half))
        figures = dict(
            published.figures if published else selectors.half_year_figures(estate, half)
        )
        figures["published"] = published is not None
        figures["published_at"] = published.published_at.isoformat() if published else None
        figures["posted_until"] = published.posted_until.isoformat() if published else None
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"{estate.name} ({estate.code}) {half}")
        w(
            "published " + figures["published_at"]
            if published
            else "not published (figures as of now)"
        )
        w(f"  opening balance      {figures['opening']:>14}")
        for item in figures["income"]:
            label = str(Category(item["category"]).label)
            w(f"  income {item['category']:<13} {item['amount']:>14}  {label}")
        w(f"  income total         {figures['income_total']:>14}")
        w(f"  company cost share  -{figures['cost']:>14}")
        w(f"  owners' expenses    -{figures['expense']:>14}")
        w(f"  into the fund       -{figures['transfer']:>14}")
        w(f"  closing balance      {figures['closing']:>14}")
