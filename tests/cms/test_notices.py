"""Notices: scheduled publishing and expiry, targeted visibility, Chinese search, feeds, sitemap."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_q.models import Schedule

from cms import tasks
from cms.models import NoticePage
from cms.segment import segment, segment_query
from cms.selectors import notices_for_estate, search_pages
from tests.cms.factories import in_minutes, make_notice
from tests.factories import make_owner

pytestmark = pytest.mark.django_db


def test_ensure_schedules_registers_publish_scheduled_once():
    """The worker's minute job publish_scheduled is registered idempotently."""
    from portal.core.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    schedules = Schedule.objects.filter(func="cms.tasks.publish_scheduled")
    assert schedules.count() == 1
    assert schedules.get().schedule_type == Schedule.MINUTES and schedules.get().minutes == 1


def test_scheduled_notice_goes_live_and_expires(
    client, site, world, django_capture_on_commit_callbacks
):
    """A notice scheduled for later is invisible until publish_scheduled runs after its time;
    then owners of its target are emailed; after expire_at it is withdrawn."""
    owner, _ = make_owner(world.estates[0])
    notice = make_notice(
        site.street_sections[0],
        "停水通知",
        jurisdiction=world.estate_nodes[0],
        go_live_at=in_minutes(10),
        expire_at=in_minutes(60),
        slug="water-off",
    )
    notice.refresh_from_db()
    assert not notice.live
    assert client.get(notice.url or "/notices/x/").status_code == 404
    assert notice not in notices_for_estate(world.estates[0])

    tasks.publish_scheduled()  # too early: nothing happens
    notice.refresh_from_db()
    assert not notice.live

    later = timezone.now() + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=later):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.publish_scheduled()
    notice.refresh_from_db()
    assert notice.live and notice.publication_date == timezone.localtime(later).date()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert client.get(notice.url).status_code == 200
    assert notice in notices_for_estate(world.estates[0])

    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=61)
    ):
        tasks.publish_scheduled()
    notice.refresh_from_db()
    assert not notice.live and notice.expired
    assert client.get(notice.url or f"/notices/{world.districts[0].code}/").status_code in (
        200,
        404,
    )
    assert notice not in notices_for_estate(world.estates[0])


def test_expired_notice_hidden_even_before_the_worker_runs(site, world):
    """A notice past expire_at is no longer listed, whether or not the worker ran yet."""
    notice = make_notice(site.district_sections[0], "过期通知", jurisdiction=world.districts[0])
    NoticePage.objects.filter(pk=notice.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    assert notice not in notices_for_estate(world.estates[0])


def test_targeted_visibility(site, world):
    """A district notice shows in that district's estates only; an estate notice only in that
    estate; an untargeted city notice everywhere."""
    district = make_notice(site.district_sections[0], "区通知", jurisdiction=world.districts[0])
    estate = make_notice(site.street_sections[1], "小区通知", jurisdiction=world.estate_nodes[1])
    city = make_notice(site.notices, "市通知", organisation=world.bureau)
    assert city.jurisdiction is None
    first, second = notices_for_estate(world.estates[0]), notices_for_estate(world.estates[1])
    assert district in first and district not in second
    assert estate in second and estate not in first
    assert city in first and city in second


def test_notices_for_estate_limit_and_order(site, world):
    """notices_for_estate returns the newest first, at most ``limit``."""
    for i in range(4):
        make_notice(
            site.district_sections[0],
            f"通知{i}",
            jurisdiction=world.districts[0],
            publication_date=timezone.localdate() - timedelta(days=10 - i),
        )
    got = notices_for_estate(world.estates[0], limit=3)
    assert [n.title for n in got] == ["通知3", "通知2", "通知1"]


def test_segmentation():
    """jieba search-mode segmentation; punctuation tokens are dropped from queries."""
    assert "电梯" in segment("小区电梯维修通知").split()
    assert segment_query("电梯，维修！") == "电梯 维修"
    assert segment_query("，。！") == ""


def test_chinese_word_found_inside_chinese_text(client, site, world):
    """A search for 电梯 finds a notice that only mentions 电梯维修 inside a longer run."""
    hit = make_notice(site.district_sections[0], "三号楼停运安排", body="小区电梯维修期间请走楼梯")
    miss = make_notice(site.district_sections[0], "燃气安全检查", body="入户检查燃气管道")
    results = search_pages("电梯")
    assert hit.pk in [p.pk for p in results] and miss.pk not in [p.pk for p in results]
    assert hit.pk in [p.pk for p in search_pages("电梯维修，")]  # punctuation is harmless
    html = client.get("/search/", {"q": "电梯"}).content.decode()
    assert "三号楼停运安排" in html and "燃气安全检查" not in html


def test_search_filters_and_drafts(client, site, world):
    """Filters by category, organisation and date narrow the notices; drafts never appear."""
    policy = make_notice(site.district_sections[0], "电梯管理办法", category="policy", body="电梯")
    notice = make_notice(site.district_sections[1], "电梯检查通知", category="notice", body="电梯")
    draft = make_notice(site.district_sections[0], "电梯草稿", body="电梯", publish=False)
    ids = lambda rs: {p.pk for p in rs}  # noqa: E731
    assert ids(search_pages("电梯", category="policy")) == {policy.pk}
    assert ids(search_pages("电梯", organisation_id=notice.organisation_id)) == {notice.pk}
    today = timezone.localdate()
    assert ids(search_pages("", date_from=today, date_to=today)) >= {policy.pk, notice.pk}
    assert not ids(search_pages("电梯", date_to=today - timedelta(days=1)))
    assert draft.pk not in ids(search_pages("电梯"))
    response = client.get(
        "/search/", {"q": "电梯", "date_from": "2026-12-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_rss_and_atom_feeds_per_jurisdiction(client, site, world):
    """Each jurisdiction has RSS and Atom feeds of the notices that apply to it."""
    mine = make_notice(site.district_sections[0], "区电梯通知", jurisdiction=world.districts[0])
    other = make_notice(site.district_sections[1], "外区通知", jurisdiction=world.districts[1])
    rss = client.get(f"/notices/feed/{world.estate_nodes[0].code}/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "区电梯通知" in body and "外区通知" not in body and mine.url in body
    atom = client.get(f"/notices/feed/{world.districts[1].code}/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "外区通知" in atom.content.decode() and "区电梯通知" not in atom.content.decode()
    assert other.pk
    assert client.get("/notices/feed/no-such-place/").status_code == 404


def test_sitemap_lists_live_pages_only(client, site):
    """sitemap.xml lists live pages and the search page, never drafts."""
    live = make_notice(site.district_sections[0], "公开通知", slug="public-one")
    make_notice(site.district_sections[0], "草稿通知", slug="draft-one", publish=False)
    body = client.get("/sitemap.xml").content.decode()
    assert "/notices/" in body and live.url in body and "/search/" in body
    assert "draft-one" not in body
