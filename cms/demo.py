"""Demo data, CMS: the city home, notice sections, community and estate pages, 30+ notices.

Idempotent: pages are found by slug under their parent before they are created. Demo notices
that are already live are marked as notified (no email flood on load); scheduled ones will
email their target's owners when the worker publishes them.
"""

from __future__ import annotations

import zlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from portal.core import demo as core_demo
from portal.core.links import base_url
from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
from property.registry.models import Estate

from .models import (
    COMMUNITY_DOMAINS,
    CommunityPage,
    EstatePage,
    HomePage,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    SectionPage,
    StandardPage,
)
from .services import sync_page_permissions


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home:
        _ensure_site(home)
        return home
    root = Page.get_first_root_node()
    # Wagtail's installer leaves a plain "Welcome" page with slug "home": replace it.
    for welcome in root.get_children().filter(slug="home"):
        if welcome.specific_class is Page:
            Site.objects.filter(root_page=welcome).delete()
            welcome.delete()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="共治 · 芜湖市物业管理综合信息平台",
            slug="home",
            intro="业主在线表决，维修资金紧急使用不再等几个月，物业服务企业信用公开评价。",
        )
    )
    _ensure_site(home)
    return home


def _ensure_site(home: HomePage) -> None:
    """The default Wagtail site at the portal's address (PORTAL_BASE_URL), so Wagtail's own
    "view live" links in the admin point where the portal is served."""
    bits = urlsplit(base_url())
    port = bits.port or (443 if bits.scheme == "https" else 80)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": bits.hostname, "port": port, "root_page": home, "site_name": "共治"},
    )


def _child(parent: Page, slug: str, page: Page) -> Page:
    found = parent.get_children().filter(slug=slug).first()
    if found:
        return found.specific
    page.slug = slug
    parent = Page.objects.get(pk=parent.pk)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _text(*paragraphs: str) -> list:
    return [("text", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))]


DOMAIN_TEXT = {
    "party_building": "社区党委每月开展主题党日活动，党员志愿者认领楼栋，参与小区议事协商。",
    "safety": "网格员每日巡查消防通道、电动车充电和高空抛物隐患，发现问题即时上报处置。",
    "government_services": "社区便民服务站可办理居住证、社保认证、高龄津贴等事项，工作日全天开放。",
    "management": "社区指导业主大会和业主委员会依法运作，监督物业服务企业履行合同。",
    "co_governance": "“红色议事厅”每月召开协商会，居民、业委会、物业和共建单位共同议事。",
    "services": "社区食堂、日间照料中心和儿童之家为老人和儿童提供就近服务。",
}


def build_tree(home: HomePage) -> dict:
    city = Jurisdiction.objects.get(level=Level.CITY, code=core_demo.CITY[0])
    sections = {}
    notices = _child(
        home,
        "notices",
        NoticeIndexPage(
            title="通知公告",
            jurisdiction=city,
            intro="芜湖市住房和城乡建设局及各区、街道发布的政策文件、通知、公告和结果公示。",
        ),
    )
    sections[city.code] = notices
    for dcode, dname, streets in core_demo.TREE:
        district = Jurisdiction.objects.get(code=dcode)
        dsec = _child(
            notices,
            dcode,
            NoticeIndexPage(title=f"{dname}通知公告", jurisdiction=district),
        )
        sections[dcode] = dsec
        for scode, sname, _c in streets:
            street = Jurisdiction.objects.get(code=scode)
            sections[scode] = _child(
                dsec, scode, NoticeIndexPage(title=f"{sname}通知公告", jurisdiction=street)
            )
    communities = _child(
        home,
        "communities",
        SectionPage(
            title="智慧社区",
            intro="每个社区的社区党建、社区安全、社区政务、社区管理、社区共治和社区服务。",
        ),
    )
    for community in Jurisdiction.objects.filter(level=Level.COMMUNITY).order_by("code"):
        fields = {
            name: _text(f"{community.name}：{DOMAIN_TEXT[name]}")
            for name, _a, _l in COMMUNITY_DOMAINS
        }
        cpage = _child(
            communities,
            community.code,
            CommunityPage(
                title=community.name,
                jurisdiction=community,
                intro=f"{community.name}隶属{community.get_parent().name}，服务辖区内各小区居民。",
                **fields,
            ),
        )
        for estate in Estate.objects.filter(jurisdiction__path__startswith=community.path):
            if not EstatePage.objects.filter(estate=estate).exists():
                _child(
                    cpage,
                    estate.code,
                    EstatePage(title=estate.name, estate=estate, intro=estate.address or ""),
                )
    _child(
        home,
        "guide",
        StandardPage(
            title="物业管理政策解读",
            intro="业主大会表决、维修资金使用和物业服务企业信用评价，一页看懂。",
            body=[
                ("heading", "业主共同决定事项"),
                (
                    "text",
                    RichText(
                        "<p>依据《民法典》第二百七十八条，业主共同决定事项应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决。</p>"
                    ),
                ),
                (
                    "callout",
                    {
                        "tone": "warn",
                        "heading": "紧急维修",
                        "text": RichText(
                            "<p>电梯、消防设施等危及安全的情形，可申请维修资金紧急使用，无需等待业主大会表决。</p>"
                        ),
                    },
                ),
                (
                    "accordion",
                    {
                        "items": [
                            {
                                "heading": "什么是“双过半”？",
                                "body": RichText(
                                    "<p>参与表决的业主中，专有部分面积过半数且人数过半数同意。</p>"
                                ),
                            },
                            {
                                "heading": "什么是“双四分之三”？",
                                "body": RichText(
                                    "<p>筹集和改变维修资金用途、改建重建建筑物等重大事项，需参与表决业主面积和人数均四分之三以上同意。</p>"
                                ),
                            },
                        ]
                    },
                ),
                (
                    "table",
                    {
                        "data": [
                            ["事项", "表决规则"],
                            ["选聘物业服务企业", "双过半"],
                            ["使用维修资金", "双过半"],
                            ["筹集维修资金", "双四分之三"],
                        ],
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                    },
                ),
                (
                    "chart",
                    {
                        "title": "各区小区数量",
                        "unit": "个",
                        "data": "镜湖区: 3\n弋江区: 2\n鸠江区: 3",
                    },
                ),
            ],
        ),
    )
    return sections


def _document(title: str, text: str) -> Document:
    doc = Document.objects.filter(title=title).first()
    if doc is None:
        doc = Document(title=title)
        doc.file.save(
            f"notice-{zlib.crc32(title.encode())}.txt", ContentFile(text.encode()), save=False
        )
        doc.save()
    return doc


def _orgs() -> dict[str, Organisation]:
    found = {}
    for org in Organisation.objects.filter(
        kind__in=[
            OrgKind.BUREAU,
            OrgKind.STREET_OFFICE,
            OrgKind.RESIDENTS_COMMITTEE,
            OrgKind.OWNERS_COMMITTEE,
        ]
    ).select_related("jurisdiction"):
        found[f"{org.kind}:{org.jurisdiction.code}"] = org
    return found


# (slug, section code, org key, target code or None, category, title, summary, days ago
#  (negative: scheduled in that many days), expires in days or None, body paragraphs)
NOTICES = [
    (
        "2026-wy-01",
        "wuhu",
        "bureau:wuhu",
        None,
        "policy",
        "芜湖市住宅专项维修资金管理办法（2026年修订）",
        "明确维修资金交存、使用、续筹和紧急使用程序，自2026年12月1日起施行。",
        40,
        None,
        [
            "为加强住宅专项维修资金管理，保障住宅共用部位、共用设施设备的维修和正常使用，根据《民法典》《物业管理条例》，结合本市实际，修订本办法。",
            "电梯、消防设施等危及房屋使用安全的紧急情形，可申请维修资金紧急使用，街道办事处应在三个工作日内审核。",
        ],
    ),
    (
        "2026-wy-02",
        "wuhu",
        "bureau:wuhu",
        None,
        "policy",
        "关于开展物业服务企业信用评价工作的通知",
        "全市物业服务企业信用评价按季度开展，评价结果向社会公开。",
        35,
        None,
        [
            "各区住房和城乡建设局、各物业服务企业：为规范物业服务市场秩序，现就2026年度物业服务企业信用评价工作通知如下。",
            "评价等级分为AAA、AA、A、B、C五级，被列入黑名单的企业将在招投标中受到限制。",
        ],
    ),
    (
        "2026-wy-03",
        "wuhu",
        "bureau:wuhu",
        None,
        "notice",
        "关于做好冬季住宅小区消防安全检查的通知",
        "全市住宅小区开展冬季消防安全大检查，重点检查消防通道、电动车充电和消防设施。",
        12,
        60,
        [
            "冬季是火灾易发期。各物业服务企业应于12月15日前完成消防设施检测，清理楼道堆物，确保消防通道畅通。",
            "严禁电动自行车进楼入户充电，发现隐患立即整改。",
        ],
    ),
    (
        "2026-wy-04",
        "wuhu",
        "bureau:wuhu",
        None,
        "announcement",
        "芜湖市物业管理综合信息平台上线公告",
        "业主可通过平台在线参与表决、查询维修资金和物业企业信用。",
        30,
        None,
        [
            "芜湖市物业管理综合信息平台“共治”正式上线运行。",
            "业主完成实名认证后，即可在线参与业主大会表决、查询本户维修资金分户账。",
        ],
    ),
    (
        "2026-wy-05",
        "wuhu",
        "bureau:wuhu",
        None,
        "publicity",
        "2026年第三季度物业服务企业信用评价结果公示",
        "公示期十个工作日，对评价结果有异议的可提出书面申诉。",
        8,
        20,
        [
            "根据《芜湖市物业服务企业信用评价办法》，现将2026年第三季度评价结果予以公示。",
            "公示期内，企业对评价结果有异议的，可向市住房和城乡建设局提出书面申诉。",
        ],
    ),
    (
        "2026-wy-06",
        "wuhu",
        "bureau:wuhu",
        None,
        "policy",
        "芜湖市老旧小区电梯加装和更新改造实施意见",
        "支持使用维修资金加装和更新电梯，简化审批流程。",
        20,
        None,
        [
            "既有住宅加装电梯应当经本单元专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决，并经参与表决业主双四分之三同意。",
            "电梯更新改造可申请使用住宅专项维修资金。",
        ],
    ),
    (
        "2026-wy-07",
        "wuhu",
        "bureau:wuhu",
        None,
        "notice",
        "关于开展住宅小区电梯安全专项检查的通知",
        "2027年1月起开展电梯维修保养质量专项检查。",
        -3,
        None,
        ["各物业服务企业应核查电梯维保记录，电梯维修、困人救援应急演练情况将纳入信用评价。"],
    ),
    (
        "jh-01",
        "jinghu",
        "bureau:jinghu",
        "jinghu",
        "notice",
        "镜湖区关于老旧小区电梯维修资金紧急使用的通知",
        "镜湖区内电梯故障危及安全的小区，可申请维修资金紧急使用。",
        10,
        None,
        [
            "近期辖区部分老旧小区电梯故障频发。对于电梯维修确需紧急使用维修资金的，由业主委员会或物业服务企业提出申请，街道办事处三个工作日内审核。"
        ],
    ),
    (
        "jh-02",
        "jinghu",
        "bureau:jinghu",
        "jinghu",
        "publicity",
        "镜湖区2026年度维修资金使用情况公示",
        "公示镜湖区各小区维修资金收支和余额情况。",
        15,
        30,
        ["现将镜湖区2026年1月至10月住宅专项维修资金归集、使用和结余情况予以公示，接受业主监督。"],
    ),
    (
        "jh-03",
        "jinghu",
        "bureau:jinghu",
        "jinghu",
        "announcement",
        "镜湖区物业服务企业项目经理培训公告",
        "12月开展物业项目经理业务培训，各企业按名额报名。",
        5,
        None,
        ["培训内容包括《民法典》物权编、业主大会议事规则、维修资金使用流程和消防安全管理。"],
    ),
    (
        "jh-04",
        "jinghu",
        "bureau:jinghu",
        "jinghu",
        "policy",
        "镜湖区业主大会和业主委员会指导规则",
        "规范业主大会筹备、业委会选举和换届。",
        50,
        None,
        ["街道办事处、社区居民委员会应当指导和协助业主大会成立和业主委员会选举。"],
    ),
    (
        "jh-05",
        "jinghu",
        "bureau:jinghu",
        "jinghu",
        "notice",
        "镜湖区关于开展消防通道专项整治的通知",
        "集中整治占用堵塞消防通道问题。",
        -2,
        45,
        ["各小区物业服务企业应于整治期间在消防通道设置标识，清理占道车辆和堆物。"],
    ),
    (
        "fls-01",
        "fanluoshan",
        "street_office:fanluoshan",
        "fanluoshan",
        "notice",
        "范罗山街道关于冬季燃气安全入户检查的通知",
        "街道联合燃气公司开展入户安全检查，请居民配合。",
        6,
        30,
        ["检查时间为工作日9:00至17:00，检查人员佩戴工作证，不收取任何费用。"],
    ),
    (
        "fls-02",
        "fanluoshan",
        "owners_committee:binjiang",
        "binjiang",
        "notice",
        "滨江花园关于召开2026年第二次业主大会会议的公告",
        "业主大会将表决电梯更新改造和维修资金使用事项。",
        4,
        None,
        [
            "滨江花园业主委员会定于12月召开2026年第二次业主大会会议，采用线上表决方式。",
            "表决事项：一、3号楼电梯更新改造方案；二、使用维修资金支付电梯更新费用。",
        ],
    ),
    (
        "fls-03",
        "fanluoshan",
        "owners_committee:binjiang",
        "binjiang",
        "notice",
        "滨江花园2号楼电梯维修停运通知",
        "2号楼1单元电梯维修，停运期间请走楼梯。",
        2,
        10,
        [
            "因电梯主机故障，2号楼1单元电梯将于近日进行电梯维修，预计停运三天。",
            "给您带来不便，敬请谅解。",
        ],
    ),
    (
        "fls-04",
        "fanluoshan",
        "owners_committee:binjiang",
        "binjiang",
        "publicity",
        "滨江花园维修资金使用结果公示",
        "3号楼屋面防水维修工程费用分摊结果公示。",
        9,
        7,
        ["3号楼屋面防水维修工程已完工并验收，现将费用分摊结果公示七日。"],
    ),
    (
        "fls-05",
        "fanluoshan",
        "street_office:fanluoshan",
        "fanluoshan-xq",
        "notice",
        "范罗山小区消防设施维修施工公告",
        "小区消防管网维修，期间部分时段停水。",
        3,
        14,
        ["施工期间消防栓暂停使用，物业服务企业安排专人值守。"],
    ),
    (
        "fls-06",
        "fanluoshan",
        "street_office:fanluoshan",
        "fanluoshan",
        "announcement",
        "范罗山街道“红色物业”示范小区评选结果",
        "滨江花园等小区获评示范小区。",
        25,
        None,
        ["经社区推荐、街道评审，滨江花园、范罗山小区获评2026年度“红色物业”示范小区。"],
    ),
    (
        "fls-07",
        "fanluoshan",
        "owners_committee:binjiang",
        "binjiang",
        "notice",
        "滨江花园业主大会表决结果将于下周公示",
        "请业主关注表决结果公示。",
        -1,
        None,
        ["业主大会表决结束后，表决结果将在小区公告栏和平台同步公示。"],
    ),
    (
        "zs-01",
        "zheshan",
        "street_office:zheshan",
        "zheshan",
        "notice",
        "赭山街道关于老旧小区改造意见征集的通知",
        "征集赭山新村改造需求。",
        11,
        20,
        ["请各位业主通过平台或社区服务站提交意见建议。"],
    ),
    (
        "zs-02",
        "zheshan",
        "street_office:zheshan",
        "zheshan-xc",
        "notice",
        "赭山新村电梯加装意见征询公告",
        "3号楼拟加装电梯，征询本单元业主意见。",
        7,
        None,
        ["加装电梯方案已在社区公示，请本单元业主在征询期内表达意见。"],
    ),
    (
        "yj-01",
        "yijiang",
        "bureau:yijiang",
        "yijiang",
        "notice",
        "弋江区关于开展物业服务质量满意度调查的通知",
        "调查结果纳入物业服务企业信用评价。",
        13,
        30,
        ["本次调查采用线上问卷方式，业主可在平台参与。"],
    ),
    (
        "yj-02",
        "yijiang",
        "bureau:yijiang",
        "yijiang",
        "policy",
        "弋江区住宅小区停车管理指导意见",
        "规范小区共有车位收费和收益公开。",
        33,
        None,
        ["利用业主共有道路或者其他场地设置的车位，属于业主共有，收益应定期公开。"],
    ),
    (
        "yj-03",
        "zhongnan",
        "street_office:zhongnan",
        "zhongnan-ya",
        "notice",
        "中南雅苑电梯维修保养单位变更公告",
        "电梯维保单位自下月起变更。",
        3,
        None,
        ["经业主委员会同意，中南雅苑电梯维修保养单位自下月起变更，新单位维保电话已张贴于各单元。"],
    ),
    (
        "yj-04",
        "lugang",
        "street_office:lugang",
        "lugang-jy",
        "publicity",
        "澛港家园业主委员会换届选举结果公示",
        "新一届业主委员会成员名单公示。",
        18,
        5,
        ["澛港家园第三届业主委员会选举已完成，现将当选名单予以公示。"],
    ),
    (
        "yj-05",
        "yijiang",
        "bureau:yijiang",
        "yijiang",
        "announcement",
        "弋江区维修资金查询服务升级公告",
        "业主可在线查询分户账。",
        -5,
        None,
        ["升级后，业主实名认证即可查询本户维修资金交存和使用明细。"],
    ),
    (
        "jj-01",
        "jiujiang",
        "bureau:jiujiang",
        "jiujiang",
        "notice",
        "鸠江区关于加强高层住宅消防安全管理的通知",
        "高层住宅消防设施每月检查一次。",
        9,
        None,
        ["物业服务企业应建立消防设施检查台账，每月至少检查一次并公示检查结果。"],
    ),
    (
        "jj-02",
        "wanli",
        "street_office:wanli",
        "wanli-hy",
        "notice",
        "湾里花苑地下车库积水维修通知",
        "地下车库排水泵维修，期间请勿停放车辆。",
        1,
        7,
        ["维修期间车库B区临时封闭，请车主提前挪车。"],
    ),
    (
        "jj-03",
        "wanli",
        "street_office:wanli",
        "jiuzi",
        "notice",
        "鸠兹佳苑关于筹备首次业主大会的公告",
        "首次业主大会筹备组成立。",
        21,
        None,
        ["鸠兹佳苑首次业主大会筹备组已成立，筹备组成员名单在小区公示。"],
    ),
    (
        "jj-04",
        "guandou",
        "street_office:guandou",
        "guandou-xc",
        "publicity",
        "官陡新城维修资金紧急使用情况公示",
        "5号楼电梯紧急维修费用公示。",
        6,
        10,
        ["5号楼电梯曳引钢丝绳断股，经街道审核同意紧急使用维修资金，现将费用和分摊情况公示。"],
    ),
    (
        "jj-05",
        "jiujiang",
        "bureau:jiujiang",
        "jiujiang",
        "policy",
        "鸠江区物业服务收费指导价",
        "住宅物业服务收费实行政府指导价。",
        45,
        None,
        ["普通住宅物业服务收费按服务等级实行政府指导价，具体标准见附件。"],
    ),
    (
        "jj-06",
        "guandou",
        "street_office:guandou",
        "guandou",
        "announcement",
        "官陡街道社区议事会召开公告",
        "邀请居民代表参加议事会。",
        -4,
        None,
        ["议事会将讨论小区停车、垃圾分类和电动车充电桩建设。"],
    ),
]


def load_notices(sections: dict) -> int:
    orgs = _orgs()
    now = timezone.now()
    attachment = _document(
        "芜湖市住宅专项维修资金管理办法（全文）",
        "芜湖市住宅专项维修资金管理办法（2026年修订）全文。\n第一条 为加强住宅专项维修资金管理……\n",
    )
    made = 0
    for (
        slug,
        section,
        org_key,
        target,
        category,
        title,
        summary,
        days,
        expires,
        paragraphs,
    ) in NOTICES:
        parent = sections[section]
        if parent.get_children().filter(slug=slug).exists():
            continue
        org = orgs[org_key]
        page = NoticePage(
            title=title,
            slug=slug,
            category=category,
            organisation=org,
            jurisdiction=Jurisdiction.objects.get(code=target) if target else None,
            summary=summary,
            body=_text(*paragraphs),
            search_description=summary,
        )
        if expires:
            page.expire_at = now + timedelta(days=expires)
        if days >= 0:
            page.publication_date = (now - timedelta(days=days)).date()
            page.notified_at = now  # demo: already announced
        else:
            page.go_live_at = now + timedelta(days=-days)
            page.live = False
        parent = Page.objects.get(pk=parent.pk)
        parent.add_child(instance=page)
        if slug == "2026-wy-01":
            NoticeAttachment.objects.create(page=page, document=attachment, title="办法全文")
        revision = page.save_revision()
        revision.publish()  # scheduled pages wait for go_live_at (approved_go_live_at)
        made += 1
    return made


# A notice of the street office above 滨江花园 submitted to the 镜湖区 bureau's approval
# workflow and waiting there: what the district approver finds on their workbench.
IN_REVIEW = (
    "fls-fire-lanes",
    "fanluoshan",
    "street_office:fanluoshan",
    "binjiang",
    "滨江花园小区消防通道清理整治的通知",
    "请业主于本月底前清理楼道及消防通道内堆放的杂物。",
    "fanluoshan.officer@demo.gongzhi.cn",
)


def load_notice_in_review(sections: dict) -> bool:
    """Draft the notice as the street office's officer and submit it to the workflow that
    governs its section (the district bureau's), as the page editor's "submit" does."""

    slug, section, org_key, target, title, summary, email = IN_REVIEW
    parent = Page.objects.get(pk=sections[section].pk)
    if parent.get_children().filter(slug=slug).exists():
        return False
    author = get_user_model().objects.filter(email=email).first()
    if author is None:
        return False
    page = NoticePage(
        title=title,
        slug=slug,
        category="notice",
        organisation=_orgs()[org_key],
        jurisdiction=Jurisdiction.objects.get(code=target),
        summary=summary,
        body=_text("请各位业主于本月底前清理楼道及消防通道内堆放的杂物，逾期将统一清理。"),
        search_description=summary,
        live=False,
        owner=author,
    )
    parent.add_child(instance=page)
    page.save_revision(user=author)
    workflow = page.get_workflow()
    if workflow is None:
        return False
    workflow.start(page, author)
    return True


def load(stdout=None) -> None:

    home = ensure_home()
    sections = build_tree(home)
    made = load_notices(sections)
    result = sync_page_permissions()
    load_notice_in_review(sections)
    if stdout:
        stdout.write(
            f"  pages: {Page.objects.count()}, notices: {NoticePage.objects.count()} "
            f"({made} new; {NoticePage.objects.live().count()} live), "
            f"page-permission groups: {result['organisations']} organisations"
        )
