"""Demo complaints and owners' ratings (called by ``property.credit.demo.load``), through the
services: one import of hotline tickets by the city bureau (滨江花园, 范罗山小区, 中南雅苑, and
two addresses matching no estate for 范罗山街道 to assign), the rules run over the last complete
quarter (滨江花园's company gets proposed bad records in their objection window, 范罗山小区's a
good one), and owners' star ratings for last quarter and this one (owner1 of each estate has
not rated this quarter yet, so the page can be tried)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from portal.organisations.models import Organisation, OrgKind
from property.registry.models import Estate, OwnerParty

from .complaint_services import (
    complaint_rules_run,
    complaint_tickets_import,
    owner_rating_submit,
    previous_quarter,
)
from .complaints import quarter_bounds, quarter_of
from .models import ComplaintBatch

HEADERS = ["工单编号", "受理时间", "小区", "地址", "物业公司", "类别", "诉求内容", "办结时间",
           "办结结果", "满意度", "街道", "来电人", "联系电话"]  # fmt: skip
REASONS = {
    5: "保洁及时，管家回复很快。",
    4: "整体不错，电梯维修还可以更快。",
    3: "服务一般，报修要催几次。",
    2: "停车管理混乱，投诉后没有回音。",
}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _fmt(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _rows(today: date) -> list[list[str]]:
    year, quarter = previous_quarter(today)
    first, last = quarter_bounds(year, quarter)
    now_first, _ = quarter_bounds(*quarter_of(today))
    rows = []

    def add(n, received, estate, category, text, closed_days, result, satisfaction, **kw):
        closed = received + timedelta(days=closed_days) if closed_days is not None else None
        rows.append(
            [
                f"12345-{received:%Y%m%d}-{n:04d}",
                _fmt(received),
                estate,
                kw.get("address", ""),
                "",
                category,
                text,
                _fmt(closed),
                result if closed else "",
                satisfaction if closed else "",
                kw.get("street", ""),
                "王女士",  # dropped unread: the caller's name and phone are not kept
                "13912345678",
            ]
        )

    # Last quarter, 滨江花园: three substantiated lift complaints, one closed after 20 days.
    add(
        1,
        _at(first + timedelta(days=5), 9),
        "滨江花园",
        "电梯",
        "3幢电梯频繁停运，来电人电话13912345678。",
        3,
        "已解决",
        "满意",
    )
    add(
        2,
        _at(first + timedelta(days=30), 10),
        "滨江花园",
        "电梯",
        "5幢电梯异响。",
        20,
        "已解决",
        "不满意",
    )
    add(
        3,
        _at(first + timedelta(days=60), 15),
        "滨江花园",
        "电梯",
        "电梯困人，救援超过半小时。",
        2,
        "已解决",
        "满意",
    )
    add(
        4,
        _at(first + timedelta(days=40), 11),
        "滨江花园",
        "卫生",
        "垃圾清运不及时。",
        1,
        "不属实",
        "",
    )
    # Last quarter, 范罗山小区: every ticket handled in time, callers satisfied (a good quarter).
    add(
        5,
        _at(first + timedelta(days=12), 9),
        "范罗山小区",
        "绿化",
        "绿化带杂草未修剪。",
        4,
        "已解决",
        "满意",
    )
    add(
        6,
        _at(first + timedelta(days=50), 14),
        "范罗山小区",
        "停车",
        "消防通道有车辆停放。",
        1,
        "已解决",
        "满意",
    )
    # Last quarter, 中南雅苑: mixed, nothing triggered.
    add(
        7,
        _at(first + timedelta(days=20), 16),
        "中南雅苑",
        "收费",
        "物业费收费标准未公示。",
        6,
        "已解决",
        "不满意",
    )
    add(
        8,
        _at(first + timedelta(days=70), 8),
        "中南雅苑",
        "维修",
        "地下车库漏水。",
        10,
        "已解决",
        "满意",
    )
    # This quarter: open tickets, and two addresses matching no estate (for the street office).
    recent = max(now_first, today - timedelta(days=3))
    if recent == today:  # the first day of a quarter: keep the times in the past
        recent -= timedelta(days=1)
    add(9, _at(recent, 9), "滨江花园", "噪音", "夜间装修噪音。", None, "", "")
    add(10, _at(recent, 10), "中南雅苑", "电梯", "2幢电梯按键失灵。", None, "", "")
    add(
        11,
        _at(recent, 11),
        "",
        "卫生",
        "小区门口垃圾堆放。",
        None,
        "",
        "",
        address="范罗山街道健康路18号",
        street="范罗山街道",
    )
    add(
        12,
        _at(recent, 14),
        "",
        "停车",
        "地面车位被长期占用。",
        None,
        "",
        "",
        address="范罗山街道北京东路7号院",
        street="范罗山街道",
    )
    del last
    return rows


def _rate(estate: Estate, today: date) -> None:
    parties = list(
        OwnerParty.objects.filter(estate=estate, kind__in=["person", "co_owners"])
        .order_by("pk")
        .prefetch_related("members")
    )
    with_user = [p for p in parties if any(m.user_id for m in p.members.all())]
    others = [p for p in parties if p not in with_user]
    year, quarter = previous_quarter(today)
    last_day = quarter_bounds(year, quarter)[1]
    pattern = [5, 4, 4, 3, 5, 2, 4, 5, 3, 4]
    for k, party in enumerate((with_user + others)[:20]):
        stars = pattern[k % len(pattern)]
        owner_rating_submit(
            actor=None, party=party, stars=stars, reason=REASONS.get(stars, "一般"), today=last_day
        )
    for k, party in enumerate(others[20:32]):
        stars = pattern[(k + 3) % len(pattern)]
        owner_rating_submit(
            actor=None, party=party, stars=stars, reason=REASONS.get(stars, "一般"), today=today
        )


def load(today: date | None = None, stdout=None) -> None:
    if ComplaintBatch.objects.exists():
        return
    today = today or timezone.localdate()
    bureau = Organisation.objects.get(kind=OrgKind.BUREAU, jurisdiction__depth=1)
    officer = bureau.memberships.filter(role="officer").first().user
    batch, plan = complaint_tickets_import(
        actor=officer,
        node=bureau.jurisdiction,
        headers=HEADERS,
        rows=_rows(today),
        filename="12345工单-示例.csv",
    )
    year, quarter = previous_quarter(today)
    proposed = complaint_rules_run(
        actor=officer, year=year, quarter=quarter, node=bureau.jurisdiction
    )
    for code in ("binjiang", "zhongnan-ya"):
        estate = Estate.objects.filter(code=code).first()
        if estate is not None and estate.company_id:
            _rate(estate, today)
    if stdout:
        stdout.write(
            f"  complaints: {batch.created} tickets ({batch.unmatched} without estate), "
            f"{len(proposed)} records proposed for {year} Q{quarter}"
        )
