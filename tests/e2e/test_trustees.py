"""Trustees hold a vote's key (issue 18), as new users would: the committee names three
trustees, each downloads their key file, owners vote, the vote closes, two trustees open it from
their workbench, the vote is counted."""

import re

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET

pytestmark = pytest.mark.e2e

COMMITTEE = "committee.binjiang@demo.gongzhi.cn"
STREET = "fanluoshan.officer@demo.gongzhi.cn"
OWNER = "owner1.binjiang@demo.gongzhi.cn"
PASSPHRASES = {
    COMMITTEE: "committee-key-2026",
    STREET: "street-office-2026",
    OWNER: "owner-scrutineer-26",
}

NEW_DRAFT = """
from datetime import timedelta
from django.utils import timezone
from portal.accounts.models import User
from property.registry.models import Estate
from voting import services
committee = User.objects.get(email="{committee}")
now = timezone.now()
vote = services.vote_create(actor=committee, estate=Estate.objects.get(code="binjiang"),
    title="受托人开票演示表决", matter=1, motion="受托人开票演示。",
    opens_at=now + timedelta(days=8), closes_at=now + timedelta(days=18))
ids = [User.objects.get(email=e).pk for e in ("{committee}", "{street}", "{owner}")]
print(vote.pk, *ids)
"""

# Open it now (its notice in the past), cast two ballots, close it: the worker's steps.
OPEN_VOTE_AND_CLOSE = """
from datetime import timedelta
from django.utils import timezone
from voting import services
from voting.models import Vote, VoteElector
vote = Vote.objects.get(pk={pk})
now = timezone.now()
Vote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1))
vote.refresh_from_db()
services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
services.vote_open(vote=vote, now=vote.opens_at, notify=False)
for i, e in enumerate(VoteElector.objects.filter(vote=vote).order_by("pk")[:3]):
    services.ballot_cast(actor=None, vote=vote, party=e.party, choice="agree" if i else "oppose",
        now=vote.opens_at + timedelta(minutes=1))
services.vote_close(vote=vote, now=vote.closes_at)
print(Vote.objects.get(pk=vote.pk).status)
"""


def _login(journey, who):
    staff = who in (COMMITTEE, STREET)
    journey.login(who, totp_secret=DEMO_TOTP_SECRET if staff else None)


def test_trustees_hold_and_open_the_key(new_journey, server, tmp_path):
    pk, *ids = server.shell(
        NEW_DRAFT.format(committee=COMMITTEE, street=STREET, owner=OWNER)
    ).split()
    committee_id, street_id, owner_id = ids

    # The committee names the trustees: 2 of 3.
    organiser = new_journey("organiser")
    _login(organiser, COMMITTEE)
    organiser.goto(f"/votes/{pk}/")
    organiser.page.locator(f"main a[href='/votes/{pk}/trustees/']").first.click()
    organiser.page.wait_for_load_state()
    organiser.step("trustees form")
    page = organiser.page
    page.check(f"input[name=committee][value='{committee_id}']")
    page.check(f"input[name=street][value='{street_id}']")
    page.check(f"input[name=scrutineer][value='{owner_id}']")
    page.fill("input[name=threshold]", "2")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    organiser.step("trustees named")
    expect(page.locator("main table tbody tr")).to_have_count(3)

    # Each trustee makes a key from the workbench and downloads the file.
    files = {}
    for who in (COMMITTEE, STREET, OWNER):
        trustee = new_journey(who.split("@")[0])
        _login(trustee, who)
        trustee.goto("/workbench/")
        trustee.page.locator(f"main a[href='/votes/{pk}/trustee/key/']").first.click()
        trustee.page.wait_for_load_state()
        trustee.step("key page")
        trustee.page.fill("input[name=passphrase]", PASSPHRASES[who])
        trustee.page.fill("input[name=passphrase_again]", PASSPHRASES[who])
        with trustee.page.expect_download() as download:
            trustee.page.locator("main form[method=post] [type=submit]").first.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        files[who] = path
        assert re.fullmatch(rf"gongzhi-vote-{pk}-trustee-\d\.key\.json", path.name)
        trustee.context.close()

    # Scheduled, opened, voted and closed (the worker's steps, times moved into the past).
    assert server.shell(OPEN_VOTE_AND_CLOSE.format(pk=pk)) == "closed"

    # Two trustees open the count from their workbench; the first with the wrong file is refused.
    for n, who in enumerate((STREET, OWNER)):
        trustee = new_journey(f"open-{who.split('@')[0]}")
        _login(trustee, who)
        trustee.goto("/workbench/")
        trustee.page.locator(f"main a[href='/votes/{pk}/trustee/open/']").first.click()
        trustee.page.wait_for_load_state()
        page = trustee.page
        if n == 0:
            page.set_input_files("input[name=key_file]", str(files[OWNER]))
            page.fill("input[name=passphrase]", PASSPHRASES[OWNER])
            page.locator("main form[method=post] [type=submit]").first.click()
            page.wait_for_load_state()
            trustee.step("another trustee's file")
            expect(page.locator("main")).to_contain_text("属于本表决的另一位受托人")
        page.set_input_files("input[name=key_file]", str(files[who]))
        page.fill("input[name=passphrase]", PASSPHRASES[who])
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()
        trustee.step("share opened")
        expect(page.locator(".messages")).to_contain_text("份额")
        assert not trustee.broken, trustee.broken
        trustee.context.close()

    status = server.shell(
        f"from voting.models import Vote; print(Vote.objects.get(pk={pk}).status)"
    )
    assert status == "counted"
    # Nothing of the key is left but what the count publishes.
    left = server.shell(
        "from voting.models import VoteTrustee; "
        f"print(VoteTrustee.objects.filter(vote_id={pk}, sealed_share__isnull=False).count())"
    )
    assert left == "0"
