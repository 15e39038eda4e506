"""A small CMS page tree on top of tests.factories.make_world()."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.demo import ensure_home
from cms.models import (
    CommunityPage,
    EstatePage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    SectionPage,
    StandardPage,
)
from portal.organisations.models import OrgKind
from tests.factories import World, org

_seq = itertools.count(1)


@dataclass
class Site:
    home: HomePage
    notices: NoticeIndexPage
    district_sections: list[NoticeIndexPage]
    street_sections: list[NoticeIndexPage]
    communities: SectionPage
    community_pages: list[CommunityPage] = field(default_factory=list)
    estate_pages: list[EstatePage] = field(default_factory=list)
    standard: StandardPage | None = None


def add(parent: Page, page: Page, *, publish: bool = True) -> Page:
    Page.objects.get(pk=parent.pk).add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def make_site(world: World) -> Site:
    home = ensure_home()
    notices = add(home, NoticeIndexPage(title="通知公告", slug="notices", jurisdiction=world.city))
    districts = [
        add(notices, NoticeIndexPage(title=f"{d.name}通知", slug=d.code, jurisdiction=d))
        for d in world.districts
    ]
    streets = [
        add(districts[i], NoticeIndexPage(title=f"{s.name}通知", slug=s.code, jurisdiction=s))
        for i, s in enumerate(world.streets)
    ]
    communities = add(home, SectionPage(title="智慧社区", slug="communities"))
    site = Site(home, notices, districts, streets, communities)
    for i, c in enumerate(world.communities):
        cp = add(
            communities,
            CommunityPage(
                title=c.name,
                slug=c.code,
                jurisdiction=c,
                safety=[("text", RichText("<p>网格员每日巡查消防通道。</p>"))],
            ),
        )
        site.community_pages.append(cp)
        site.estate_pages.append(
            add(
                cp,
                EstatePage(
                    title=world.estates[i].name, slug=world.estates[i].code, estate=world.estates[i]
                ),
            )
        )
    site.standard = add(
        home,
        StandardPage(
            title="政策解读",
            slug="guide",
            body=[
                (
                    "callout",
                    {
                        "tone": "warn",
                        "heading": "紧急维修",
                        "text": RichText("<p>电梯故障可紧急使用维修资金。</p>"),
                    },
                ),
                (
                    "accordion",
                    {
                        "items": [
                            {"heading": "双过半", "body": RichText("<p>面积和人数均过半。</p>")}
                        ]
                    },
                ),
                ("chart", {"title": "小区数量", "unit": "个", "data": "一区: 3\n二区: 2"}),
                (
                    "table",
                    {
                        "data": [["事项", "规则"], ["选聘物业", "双过半"]],
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                    },
                ),
            ],
        ),
    )
    return site


def make_notice(
    parent: NoticeIndexPage,
    title: str = "关于小区电梯维修的通知",
    *,
    organisation=None,
    jurisdiction=None,
    category: str = "notice",
    publish: bool = True,
    body: str = "",
    **extra,
) -> NoticePage:
    if organisation is None:
        organisation = org(
            OrgKind.BUREAU, parent.jurisdiction or parent.get_parent().specific.jurisdiction
        )
    notice = NoticePage(
        title=title,
        slug=extra.pop("slug", f"notice-{next(_seq)}"),
        category=category,
        organisation=organisation,
        jurisdiction=jurisdiction,
        body=[("text", RichText(f"<p>{body}</p>"))] if body else [],
        **extra,
    )
    notice.live = publish and not extra.get("go_live_at")
    Page.objects.get(pk=parent.pk).add_child(instance=notice)
    if publish:
        notice.save_revision().publish()
    return notice


def in_minutes(n: int):
    return timezone.now() + timedelta(minutes=n)
