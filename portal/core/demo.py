"""Demo data, layer 1: the city of Wuhu's jurisdiction tree, its organisations and staff accounts.

Idempotent: every object is looked up by its code or email before it is created.
Every demo account shares one password; staff accounts have TOTP pre-enrolled with a demo
secret (``manage.py demo_totp EMAIL`` prints the current code).
"""

import functools
import zlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from stdnum.cn import uscc

from portal.accounts.models import User
from portal.organisations.models import Jurisdiction, Level, Membership, Organisation, OrgKind, Role

DEMO_PASSWORD = "Gongzhi@2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "demo.gongzhi.cn"

CITY = ("wuhu", "芜湖市")
# district code, name -> streets: code, name -> communities: code, name -> estates: code, name, units
TREE = [
    (
        "jinghu",
        "镜湖区",
        [
            (
                "fanluoshan",
                "范罗山街道",
                [
                    (
                        "fanluoshan-sq",
                        "范罗山社区",
                        [("binjiang", "滨江花园", 600), ("fanluoshan-xq", "范罗山小区", 240)],
                    ),
                ],
            ),
            (
                "zheshan",
                "赭山街道",
                [
                    ("zhelu-sq", "赭麓社区", [("zheshan-xc", "赭山新村", 180)]),
                ],
            ),
        ],
    ),
    (
        "yijiang",
        "弋江区",
        [
            (
                "zhongnan",
                "中南街道",
                [
                    ("zhongnan-sq", "中南社区", [("zhongnan-ya", "中南雅苑", 1200)]),
                ],
            ),
            (
                "lugang",
                "澛港街道",
                [
                    ("lugang-sq", "澛港社区", [("lugang-jy", "澛港家园", 360)]),
                ],
            ),
        ],
    ),
    (
        "jiujiang",
        "鸠江区",
        [
            (
                "wanli",
                "湾里街道",
                [
                    (
                        "wanli-sq",
                        "湾里社区",
                        [("wanli-hy", "湾里花苑", 450), ("jiuzi", "鸠兹佳苑", 150)],
                    ),
                ],
            ),
            (
                "guandou",
                "官陡街道",
                [
                    ("guandou-sq", "官陡社区", [("guandou-xc", "官陡新城", 800)]),
                ],
            ),
        ],
    ),
]

COMPANIES = [
    "芜湖安居物业服务有限公司",
    "芜湖江城物业管理有限公司",
    "安徽徽邻物业服务有限公司",
    "芜湖镜湖物业服务有限公司",
    "芜湖鸠兹物业管理有限公司",
    "安徽长江物业服务有限公司",
    "芜湖弋江物业服务有限公司",
    "芜湖恒信物业管理有限公司",
    "芜湖万家物业服务有限公司",
    "芜湖佳园物业服务有限公司",
    "安徽和美物业管理有限公司",
    "芜湖滨江物业服务有限公司",
]
DEVELOPER = "芜湖城建房地产开发有限公司"

# (email local part, display name) -> filled in by load(); printed by ``demo_logins``.
ACCOUNTS: list[tuple[str, str, str]] = []


def company_code(i: int) -> str:
    body = f"91340200{i:08d}".ljust(16, "0") + "M"
    return body + uscc.calc_check_digit(body)


@functools.cache
def password_hash() -> str:
    """Hash the shared demo password once (hashing is slow by design)."""
    return make_password(DEMO_PASSWORD)


def email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def ensure_user(local: str, name: str, *, phone: str | None = None, staff: bool = False) -> User:
    addr = email(local)
    phone = phone or f"+86137{zlib.crc32(local.encode()) % 10**8:08d}"
    user = User.objects.filter(email=addr).first()
    if user is None:
        user = User.objects.create(
            username=local,
            email=addr,
            password=password_hash(),
            display_name=name,
            phone=phone,
            phone_verified=True,
        )
        EmailAddress.objects.create(user=user, email=addr, verified=True, primary=True)
    if staff and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def node(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


def _child(parent: Jurisdiction | None, code: str, name: str, level: str) -> Jurisdiction:
    found = Jurisdiction.objects.filter(code=code).first()
    if found:
        return found
    if parent is None:
        return Jurisdiction.add_root(code=code, name=name, level=level)
    return Jurisdiction.objects.get(pk=parent.pk).add_child(code=code, name=name, level=level)


def org(name: str, kind: str, where: Jurisdiction, **extra) -> Organisation:
    found = Organisation.objects.filter(name=name, kind=kind).first()
    return found or Organisation.objects.create(name=name, kind=kind, jurisdiction=where, **extra)


def member(user: User, organisation: Organisation, role: str = Role.OFFICER) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)


def staff(local: str, name: str, organisation: Organisation, role: str, note: str) -> User:
    user = ensure_user(local, name, staff=True)
    member(user, organisation, role)
    ACCOUNTS.append((email(local), name, note))
    return user


def estates():
    """(estate code, name, units, community node code) for every demo estate."""
    for _, _, streets in TREE:
        for _, _, communities in streets:
            for ccode, _, ests in communities:
                for ecode, ename, units in ests:
                    yield ecode, ename, units, ccode


def load(stdout=None) -> None:
    ACCOUNTS.clear()
    city = _child(None, CITY[0], CITY[1], Level.CITY)
    bureau = org("芜湖市住房和城乡建设局", OrgKind.BUREAU, city)
    staff("city.officer", "王建国（市住建局）", bureau, Role.OFFICER, "city bureau officer")
    staff("city.approver", "李敏（市住建局审核）", bureau, Role.APPROVER, "city bureau approver")
    for dcode, dname, streets in TREE:
        district = _child(city, dcode, dname, Level.DISTRICT)
        dbureau = org(f"{dname}住房和城乡建设局", OrgKind.BUREAU, district)
        staff(
            f"{dcode}.officer",
            f"{dname}住建局干部",
            dbureau,
            Role.OFFICER,
            f"{dname} district officer",
        )
        staff(
            f"{dcode}.approver",
            f"{dname}住建局审核",
            dbureau,
            Role.APPROVER,
            f"{dname} district approver",
        )
        for scode, sname, communities in streets:
            street = _child(district, scode, sname, Level.STREET)
            office = org(f"{sname}办事处", OrgKind.STREET_OFFICE, street)
            staff(
                f"{scode}.officer", f"{sname}干部", office, Role.OFFICER, f"{sname} street officer"
            )
            for ccode, cname, ests in communities:
                community = _child(street, ccode, cname, Level.COMMUNITY)
                rc = org(f"{cname}居民委员会", OrgKind.RESIDENTS_COMMITTEE, community)
                staff(
                    f"{ccode}.officer",
                    f"{cname}居委会干部",
                    rc,
                    Role.OFFICER,
                    f"{cname} residents' committee",
                )
                for ecode, ename, _units in ests:
                    enode = _child(community, ecode, ename, Level.ESTATE)
                    oc = org(f"{ename}业主委员会", OrgKind.OWNERS_COMMITTEE, enode)
                    staff(
                        f"committee.{ecode}",
                        f"{ename}业委会委员",
                        oc,
                        Role.MEMBER,
                        f"{ename} owners' committee",
                    )
    for i, name in enumerate(COMPANIES, start=1):
        company = org(
            name,
            OrgKind.PROPERTY_COMPANY,
            city,
            credit_code=company_code(i),
            phone=f"0553-38{i:02d}{i:04d}"[:13],
            address=f"芜湖市镜湖区长江路{i * 8}号",
        )
        staff(f"company{i}", f"{name[:-6]}经理", company, Role.OFFICER, f"staff of {name}")
    org(DEVELOPER, OrgKind.DEVELOPER, city)
    if stdout:
        stdout.write(
            f"  jurisdictions: {Jurisdiction.objects.count()}, organisations: {Organisation.objects.count()}"
        )


def companies() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).order_by("credit_code"))
