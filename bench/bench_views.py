"""Reference views for bench/voting_cast.py. They live here, not in the portal.

- ``baseline``: the same middleware and login as casting, then one INSERT (an audit event) in its
  own transaction: what any logged-in write costs on this stack.
- ``plain_cast``: casting as it would be without sealing and without the bulletin board: the same
  view checks as ``voting.views.cast`` (vote permission and status, the voter's parties in the
  frozen electorate, the form, the audit event), then the clear choice upserted into a plain table
  (``bench_plain_ballot``, one row per (vote, party), created by the bench). The ratio of the real
  cast to this is what sealing and the board cost.
"""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.audit import log_event
from voting.forms import CastForm
from voting.models import VoteElector, VoteStatus
from voting.views import _castable, vote_view

PLAIN_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_plain_ballot (
    vote_id bigint NOT NULL,
    party_id bigint NOT NULL,
    choice varchar(8) NOT NULL,
    channel varchar(8) NOT NULL,
    cast_by_id bigint,
    cast_at timestamptz NOT NULL,
    changes integer NOT NULL DEFAULT 0,
    PRIMARY KEY (vote_id, party_id)
)
"""


@require_POST
def baseline(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    with transaction.atomic():
        log_event(actor=request.user, action="bench.baseline")
    return HttpResponse(status=204)


@require_POST
@vote_view(None, statuses=(VoteStatus.OPEN,))
def plain_cast(request, vote):
    options = _castable(request.user, vote)
    if not options:
        return HttpResponse(status=403)
    channel_of = {p.pk: c for p, c in options}
    form = CastForm(request.POST, parties=[p for p, _ in options])
    if not form.is_valid() or request.POST.get("confirm") != "1":
        return HttpResponseBadRequest()
    party_id = form.cleaned_data["party"]
    if not VoteElector.objects.filter(vote=vote, party_id=party_id).exists():
        return HttpResponseBadRequest()
    with transaction.atomic():
        log_event(actor=request.user, action="bench.plain_cast", obj=vote)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_plain_ballot AS b "
                "(vote_id, party_id, choice, channel, cast_by_id, cast_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (vote_id, party_id) DO UPDATE SET "
                "choice = EXCLUDED.choice, cast_by_id = EXCLUDED.cast_by_id, "
                "cast_at = EXCLUDED.cast_at, changes = b.changes + 1",
                [
                    vote.pk,
                    party_id,
                    form.cleaned_data["choice"],
                    channel_of[party_id],
                    request.user.pk,
                    timezone.now(),
                ],
            )
    return HttpResponse(status=302, headers={"Location": f"/votes/{vote.pk}/my/"})
