"""Public paths to every public thing (issue 16): an anonymous visitor starting at ``/`` and
following only links reaches a counted vote's result, its board and the receipt checker; and
nothing it reaches tells how the owners are voting in an open vote."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, staff
from tests.voting.factories import finish, link_user, open_vote, party
from voting import services

pytestmark = pytest.mark.django_db

MAX_PAGES = 150
# Areas chosen so that the open vote's per-choice sums appear nowhere else.
OPEN_AGREE = "417.31"  # 208.66 + 208.65
OPEN_OPPOSE = "93.17"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def crawl(client, start="/", limit=MAX_PAGES):
    """Breadth-first over same-site ``<a href>`` links (GET only, redirects followed by hand);
    returns {path: html} of the pages reached."""
    seen, pages = {start}, {}
    queue = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        hops = 0
        while response.status_code in (301, 302) and hops < 3:
            url = urljoin(url, response["Location"])
            response = client.get(url)
            hops += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = Links()
        parser.feed(html)
        for href in parser.hrefs:
            bits = urlsplit(urljoin(url, href))
            if bits.scheme not in ("", "http") or (bits.netloc and bits.netloc != "testserver"):
                continue
            if bits.path.startswith(("/static/", "/media/", "/admin/", "/django-admin/")):
                continue
            target = bits.path + (f"?{bits.query}" if bits.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


@pytest.fixture
def votes(world, home_page):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "208.66", "A"),
            ("1-102", "208.65", "B"),
            ("1-103", "93.17", "C"),
            ("1-104", "55.55", "D"),
        ],
    )
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    counted = open_vote(estate, title="已计票的表决")
    for label in ("A", "B", "C"):
        services.ballot_cast(
            actor=link_user(party(estate, label)),
            vote=counted,
            party=party(estate, label),
            choice="agree",
        )
    counted = finish(counted)
    still_open = open_vote(estate, title="正在进行的表决")
    for label, choice in (("A", "agree"), ("B", "agree"), ("C", "oppose")):
        p = party(estate, label)
        user = p.members.first().user
        services.ballot_cast(actor=user, vote=still_open, party=p, choice=choice)
    return {"counted": counted, "open": still_open, "committee": committee, "estate": estate}


def test_anonymous_crawl_reaches_result_board_and_receipt_checker(votes):
    pages = crawl(Client())
    counted = votes["counted"]
    for name in ("voting:result", "voting:board"):
        assert reverse(name, args=[counted.pk]) in pages, f"{name} not reached: {sorted(pages)}"
    assert reverse("voting:receipt") in {u.split("?")[0] for u in pages}
    assert reverse("voting:public_estate", args=[votes["estate"].code]) in pages


def test_nothing_reached_reveals_an_open_votes_choices(votes):
    pages = crawl(Client())
    still_open = votes["open"]
    assert reverse("voting:board", args=[still_open.pk]) in pages  # it is public, and ...
    for url, html in pages.items():
        assert OPEN_AGREE not in html, f"{url} shows the open vote's agreeing area"
    board = pages[reverse("voting:board", args=[still_open.pk])]
    assert OPEN_OPPOSE not in board
    # The open vote has no public result page at all.
    response = Client().get(reverse("voting:result", args=[still_open.pk]))
    assert response.status_code in (302, 404)


def test_result_page_is_public_and_links_the_receipt_checker(votes):
    counted = votes["counted"]
    response = Client().get(reverse("voting:result", args=[counted.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("voting:receipt") in page
    assert reverse("voting:result_pdf", args=[counted.pk]) in page
    assert reverse("voting:board", args=[counted.pk]) in page
    assert "417.31" not in page  # areas of the open vote, not this one
    assert "510.48" in page or "510.48" in page.replace(",", "")  # agree area of the counted vote


def test_owner_still_reaches_their_votes(votes):
    client = Client()
    user = party(votes["estate"], "A").members.first().user
    client.force_login(user)
    page = client.get(reverse("voting:list")).content.decode()
    assert reverse("voting:detail", args=[votes["open"].pk]) in page


def test_visitor_on_owner_voting_lands_on_the_public_index(votes):
    response = Client().get("/votes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("voting:public_estate", args=[votes["estate"].code]) in page


def test_pdf_qr_leads_to_the_public_result(votes, settings):
    from voting.board_views import result_pdf_bytes

    settings.PORTAL_BASE_URL = "https://wuye.example.cn"
    captured = {}

    import voting.board_views as bv

    real = bv.qr_svg

    def spy(url):
        captured["url"] = url
        return real(url)

    bv.qr_svg = spy
    try:
        result_pdf_bytes(votes["counted"])
    finally:
        bv.qr_svg = real
    url = captured["url"]
    assert url == "https://wuye.example.cn" + reverse("voting:result", args=[votes["counted"].pk])
    path = urlsplit(url).path
    assert Client().get(path).status_code == 200
