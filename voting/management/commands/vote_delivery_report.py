"""``manage.py vote_delivery_report VOTE [--json] [--pdf FILE]``: the per-party record of the
delivery of a vote's notice (送达), for a dispute: each party's units, masked name and area,
and each channel with its time and status (``voting.delivery_report``). ``--json`` prints one
object per party (``party``, ``units``, ``area``, ``reached``, ``deliveries``: a list of
``{"channel", "at", "status"}``); ``--pdf FILE`` also writes the signed PDF."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from voting.delivery_selectors import delivery_records
from voting.models import Vote


class Command(BaseCommand):
    help = "Print the per-party record of the delivery of a vote's notice (text or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("vote", type=int, help="the vote's id")
        parser.add_argument("--json", action="store_true", help="print JSON, one object per party")
        parser.add_argument("--pdf", metavar="FILE", help="also write the signed PDF to FILE")

    def handle(self, *args, vote, json: bool = False, pdf: str | None = None, **options):
        try:
            obj = Vote.objects.select_related("estate").get(pk=vote)
        except Vote.DoesNotExist:
            raise CommandError(f"no vote {vote}") from None
        if obj.status == "draft":
            raise CommandError(f"vote {vote} is a draft: no notice was given")
        records = delivery_records(obj)
        if json:
            self.stdout.write(_dumps([r.as_json() for r in records]))
        else:
            self._text(obj, records)
        if pdf:
            from voting.delivery_views import delivery_pdf_bytes

            with translation.override("zh-hans"):
                data = delivery_pdf_bytes(obj)
            try:
                with open(pdf, "wb") as f:
                    f.write(data)
            except OSError as exc:
                raise CommandError(f"cannot write {pdf}: {exc.strerror}") from None

    def _text(self, vote, records):
        reached = sum(1 for r in records if r.reached)
        self.stdout.write(
            f"vote {vote.pk} {vote.title} ({vote.estate.name}): "
            f"{reached}/{len(records)} parties reached"
        )
        for r in records:
            mark = "reached" if r.reached else "NOT REACHED"
            self.stdout.write(f"{','.join(r.units)}\t{r.name}\t{r.area} m²\t{mark}")
            for d in r.deliveries:
                at = d.at.isoformat(timespec="seconds") if d.at else "-"
                self.stdout.write(f"    {d.channel}\t{d.status}\t{at}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
