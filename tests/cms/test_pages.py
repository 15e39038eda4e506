"""Page types: creation rules, and every page type renders in both themes, accessibly."""

import re

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    CommunityPage,
    EstatePage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    SectionPage,
    StandardPage,
)
from tests.cms.factories import make_notice, make_site
from tests.factories import make_world


class PageCreationRules(WagtailPageTestCase):
    """Page creation rules (parent_page_types / subpage_types) keep the tree in shape."""

    def test_home_only_at_root(self):
        """The home page sits at the tree root and only there."""
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(SectionPage, HomePage)

    def test_home_children(self):
        """Under the home page: sections, standard pages and the notice index."""
        self.assertAllowedSubpageTypes(HomePage, {SectionPage, StandardPage, NoticeIndexPage})

    def test_notices_only_in_notice_indexes(self):
        """A notice lives in a notice section; nothing lives under a notice."""
        self.assertAllowedParentPageTypes(NoticePage, {NoticeIndexPage})
        self.assertAllowedSubpageTypes(NoticePage, set())
        self.assertCanNotCreateAt(HomePage, NoticePage)
        self.assertCanNotCreateAt(StandardPage, NoticePage)
        self.assertCanCreateAt(NoticeIndexPage, NoticePage)

    def test_notice_index_nesting(self):
        """Notice sections nest (city → district → street) under the home page."""
        self.assertAllowedParentPageTypes(NoticeIndexPage, {HomePage, NoticeIndexPage})
        self.assertAllowedSubpageTypes(NoticeIndexPage, {NoticeIndexPage, NoticePage})

    def test_community_and_estate_places(self):
        """Communities sit in a section; estates only under their community page."""
        self.assertAllowedParentPageTypes(CommunityPage, {SectionPage})
        self.assertAllowedSubpageTypes(CommunityPage, {EstatePage, StandardPage})
        self.assertAllowedParentPageTypes(EstatePage, {CommunityPage})
        self.assertCanNotCreateAt(HomePage, EstatePage)
        self.assertCanNotCreateAt(SectionPage, EstatePage)

    def test_sections_and_standard_pages(self):
        self.assertAllowedParentPageTypes(SectionPage, {HomePage, SectionPage})
        self.assertAllowedSubpageTypes(SectionPage, {SectionPage, StandardPage, CommunityPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})


class PagesRoutableAndRenderable(WagtailPageTestCase):
    """Every page type of the demo-like tree is routable and renders (Wagtail's own checks)."""

    @classmethod
    def setUpTestData(cls):
        world = make_world()
        cls.site = make_site(world)
        cls.notice = make_notice(cls.site.district_sections[0], body="电梯维修")

    def test_routable_and_renderable(self):
        site = self.site
        for page in [
            site.home,
            site.notices,
            site.district_sections[0],
            site.communities,
            site.community_pages[0],
            site.estate_pages[0],
            site.standard,
            self.notice,
        ]:
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)


def _pages(site, notice):
    return {
        "home": "/",
        "notice index": site.notices.url,
        "district section": site.district_sections[0].url,
        "section": site.communities.url,
        "community": site.community_pages[0].url,
        "estate": site.estate_pages[0].url,
        "standard": site.standard.url,
        "notice": notice.url,
        "search": "/search/?q=电梯",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("theme", ["default", "care"])
def test_every_page_type_renders_in_both_themes(client, site, theme):
    """Both themes render every page type with the landmarks, one h1 and no inline script."""
    notice = make_notice(site.district_sections[0], "电梯维修通知", body="三号楼电梯维修")
    client.cookies["gongzhi_theme"] = theme
    for name, url in _pages(site, notice).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f"theme-{theme}" in html, name
        assert ("care/css/care.css" in html) == (theme == "care"), name
        assert '<main id="main"' in html and "<nav" in html and "<header" in html, name
        assert len(re.findall(r"<h1[ >]", html)) == 1, name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {name}"


@pytest.mark.django_db
def test_search_form_fields_are_labelled(client, site):
    """Every input of the search form has a label (WCAG 1.3.1 / 4.1.2)."""
    html = client.get("/search/").content.decode()
    for field_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id


@pytest.mark.django_db
def test_notice_page_shows_its_facts(client, site, world):
    """A notice shows category, issuing organisation, dates, target and attachments."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.documents.models import Document

    from cms.models import NoticeAttachment

    doc = Document(title="办法全文")
    doc.file.save("banfa.txt", ContentFile("全文".encode()), save=False)
    doc.save()
    notice = make_notice(
        site.district_sections[0],
        "维修资金管理办法",
        category="policy",
        jurisdiction=world.districts[0],
        expire_at=timezone.now() + timedelta(days=30),
    )
    NoticeAttachment.objects.create(page=notice, document=doc, title="附件：办法全文")
    notice.save_revision().publish()
    html = client.get(notice.url).content.decode()
    assert "维修资金管理办法" in html and notice.organisation.name in html
    assert world.districts[0].name in html and "附件：办法全文" in html
    assert notice.publication_date.isoformat() in html
    assert (timezone.localdate() + timedelta(days=30)).isoformat() in html


@pytest.mark.django_db
def test_estate_page_shows_registry_figures(client, site, world):
    """The estate page shows company, committee and the registry's unit/head/area totals."""
    from tests.factories import add_units

    add_units(
        world.estates[0],
        [("1-101", "100.50", "甲"), ("1-102", "80.25", "甲"), ("1-103", "90.00", None)],
    )
    html = client.get(site.estate_pages[0].url).content.decode()
    assert world.companies[0].name in html and world.committees[0].name in html
    assert "270.75" in html  # area
    assert re.search(r"<dd class=\"num\">3</dd>", html) and re.search(
        r"<dd class=\"num\">2</dd>", html
    )


@pytest.mark.django_db
def test_notice_index_lives_at_notices(client, site):
    """The header links to /notices/: the notice index answers there."""
    assert site.notices.url == "/notices/"
    assert client.get("/notices/").status_code == 200


@pytest.mark.django_db
def test_community_page_has_six_domains(client, site):
    """A community page has the six domains as sections with anchors; the home links to them."""
    html = client.get(site.community_pages[0].url).content.decode()
    for anchor in [
        "party-building",
        "safety",
        "government-services",
        "management",
        "co-governance",
        "services",
    ]:
        assert f'id="{anchor}"' in html
    assert "网格员每日巡查消防通道" in html
    home = client.get("/").content.decode()
    assert "/communities/#party-building" in home
    assert 'id="party-building"' in client.get("/communities/").content.decode()


@pytest.mark.django_db
def test_cms_pages_have_no_untranslated_strings(client, site):
    """Every CMS page speaks Chinese: no English run of words is left on the Chinese page."""
    from tests.portal.test_themes_i18n import ALLOWED_LATIN, visible_text

    notice = make_notice(site.district_sections[0], "电梯维修通知", body="三号楼电梯维修")
    for name, url in _pages(site, notice).items():
        html = client.get(url).content.decode()
        leftovers = []
        for line in visible_text(html).splitlines():
            for run in re.findall(r"[A-Za-z][A-Za-z'’]+(?:[ ,.:;-]+[A-Za-z][A-Za-z'’]+)+", line):
                if not set(run.replace(",", " ").replace(".", " ").split()) <= ALLOWED_LATIN:
                    leftovers.append(run)
        assert not leftovers, f"untranslated on {name}: {leftovers}"


@pytest.mark.django_db
def test_estate_and_home_pages_show_open_votes(client, site, world):
    """The estate page (and the owner's home page) list the estate's open votes, from
    voting.selectors; another estate's votes are not shown."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_owner
    from voting.models import Vote, VoteStatus
    from voting.services import vote_create

    now = timezone.now()
    vote = vote_create(
        actor=None,
        estate=world.estates[0],
        title="关于更换3号楼电梯的表决",
        matter=5,
        motion="使用维修资金更换电梯",
        opens_at=now + timedelta(days=8),
        closes_at=now + timedelta(days=20),
    )
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.OPEN)
    assert "关于更换3号楼电梯的表决" in client.get(site.estate_pages[0].url).content.decode()
    assert "关于更换3号楼电梯的表决" not in client.get(site.estate_pages[1].url).content.decode()
    owner, _ = make_owner(world.estates[0])
    client.force_login(owner)
    assert "关于更换3号楼电梯的表决" in client.get("/").content.decode()


@pytest.mark.django_db
def test_estate_page_shows_company_credit_grade(client, site, world):
    """The estate page shows its company's current grade from property.credit.selectors."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from property.credit.models import Rating

    Rating.objects.create(
        company=world.companies[0],
        as_of=timezone.localdate() - timedelta(days=1),
        score=Decimal("91.50"),
        grade="AAA",
    )
    html = client.get(site.estate_pages[0].url).content.decode()
    assert "AAA" in html and "91.50" in html
    # the score, not "AAA": the page's random CSRF tokens can hold "AAA" by chance
    assert "91.50" not in client.get(site.estate_pages[1].url).content.decode()
