"""The pages the layout test looks at (tests/e2e/test_layout.py): one line per page.

Each page is opened as the role that uses it, on the desktop and the phone; the ten pages people
open most (``top=True``) also in the care theme and in English. A path may name demo objects in
braces (``{vote_open}``): :func:`refs` finds them in the server's database once, so the table
holds no database ids. A new page (a workbench, the notifications) is one more line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.security.matrix import ANON, CITY, COMMITTEE, COMPANY, DISTRICT, OWNER, STREET

# The demo account of each role. The owner owns several units in 滨江花园 (a fuller "my
# property"); the staff accounts are the permission matrix's.
ACCOUNTS = {
    ANON: None,
    OWNER: "owner2.binjiang@demo.gongzhi.cn",
    COMMITTEE: "committee.binjiang@demo.gongzhi.cn",
    COMPANY: "company1@demo.gongzhi.cn",  # manages 滨江花园
    STREET: "fanluoshan.officer@demo.gongzhi.cn",  # 范罗山街道, above 滨江花园
    DISTRICT: "jinghu.officer@demo.gongzhi.cn",  # 镜湖区 housing bureau
    CITY: "city.officer@demo.gongzhi.cn",  # city housing bureau
}
STAFF_ROLES = {COMMITTEE, COMPANY, STREET, DISTRICT, CITY}


def choose_and_continue(page) -> None:
    """On the cast form: choose "agree" and continue to the confirmation page (nothing is cast
    until that page's button is pressed, which the layout test never does)."""
    page.locator("input[name=choice][value=agree]").check()
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may hold {ref}s, see refs()
    role: str
    top: bool = False  # among the ten pages people open most: also care theme and English
    step: Callable | None = None  # done on the page before it is judged


PAGES = [
    # everyone
    Page("home", "/", ANON, top=True),
    Page("notices", "/notices/", ANON, top=True),
    Page("notice", "/notices/jinghu/fanluoshan/fls-03/", ANON, top=True),
    Page("notices-of-a-district", "/notices/jinghu/", ANON),
    Page("search", "/search/?q=电梯", ANON, top=True),
    Page("community", "/communities/fanluoshan-sq/", ANON),
    Page("estate", "/communities/fanluoshan-sq/binjiang/", ANON),
    Page("guide", "/guide/", ANON),
    Page("sign-in", "/accounts/login/", ANON, top=True),
    Page("sign-up", "/accounts/signup/", ANON),
    Page("receipt-check", "/votes/receipt/", ANON),
    Page("board", "/votes/{vote_final}/board/", ANON),
    Page("votes-public", "/votes/", ANON),
    Page("votes-of-an-estate", "/votes/estates/binjiang/", ANON),
    Page("result-public", "/votes/{vote_final}/result/", ANON),
    Page("fund", "/fund/", ANON),
    Page("credit-ranking", "/credit/", ANON, top=True),
    Page("credit-company", "/credit/company/{company_code}/", ANON),
    # an owner
    Page("home-owner", "/", OWNER),
    Page("votes", "/votes/", OWNER, top=True),
    Page("vote", "/votes/{vote_open}/", OWNER, top=True),
    Page("cast", "/votes/{vote_open}/cast/", OWNER),
    Page("cast-confirm", "/votes/{vote_open}/cast/", OWNER, step=choose_and_continue),
    Page("my-vote", "/votes/{vote_open}/my/", OWNER),
    Page("proxy-request", "/votes/{vote_open}/proxy/", OWNER),
    Page("result", "/votes/{vote_final}/result/", OWNER),
    Page("my-property", "/my/", OWNER, top=True),
    Page("claims", "/my/claims/", OWNER),
    Page("claim-form", "/my/claims/new/", OWNER),
    Page("my-fund", "/fund/my/", OWNER, top=True),
    Page("ledger", "/fund/ledger/{ledger}/", OWNER),
    Page("fund-statement", "/fund/estate/binjiang/statement/{year}/", OWNER),
    Page("fund-request-disbursed", "/fund/requests/{request_disbursed}/", OWNER),
    Page("survey", "/credit/survey/", OWNER),
    Page("dashboard-owner", "/dashboard/me/", OWNER),
    # the workbench of every role (where each lands after signing in)
    Page("workbench-owner", "/workbench/", OWNER),
    Page("workbench-committee", "/workbench/", COMMITTEE),
    Page("workbench-company", "/workbench/", COMPANY),
    Page("workbench-street", "/workbench/", STREET),
    Page("workbench-district", "/workbench/", DISTRICT),
    Page("workbench-city", "/workbench/", CITY),
    # the owners' committee of 滨江花园
    Page("votes-committee", "/votes/", COMMITTEE),
    Page("vote-new", "/votes/new/binjiang/", COMMITTEE),
    Page("vote-draft", "/votes/{vote_draft}/", COMMITTEE),
    Page("paper-ballots", "/votes/{vote_open}/paper/", COMMITTEE),
    Page("paper-search", "/votes/{vote_open}/paper/?q=2-", COMMITTEE),
    Page("vote-draft-edit", "/votes/{vote_draft}/edit/", COMMITTEE),
    Page("proxies", "/votes/{vote_open}/proxies/", COMMITTEE),
    Page("vote-trustees", "/votes/{vote_trustees}/trustees/", COMMITTEE),
    Page("estates", "/my/estates/", COMMITTEE),
    Page("estate-registry", "/my/estates/binjiang/", COMMITTEE),
    Page("claim-queue", "/my/estates/binjiang/claims/", COMMITTEE),
    Page("claim-review", "/my/estates/binjiang/claims/{claim_pending}/", COMMITTEE),
    Page("estate-fund", "/fund/estate/binjiang/", COMMITTEE),
    Page("fund-request-new", "/fund/estate/binjiang/requests/new/", COMMITTEE),
    Page("dashboard-estate", "/dashboard/binjiang/", COMMITTEE),
    # the property company of 滨江花园
    Page("credit-mine", "/credit/mine/", COMPANY),
    Page("dashboard-company", "/dashboard/company/", COMPANY),
    Page("fund-requests-company", "/fund/requests/", COMPANY),
    Page("registry-import", "/my/estates/binjiang/import/", COMPANY),
    # the street office
    Page("dashboard-street", "/dashboard/fanluoshan/", STREET),
    Page("fund-requests-street", "/fund/requests/", STREET),
    Page("fund-request-review", "/fund/requests/{request_submitted}/", STREET),
    Page("notifications", "/notifications/", STREET),
    Page("notification-settings", "/notifications/settings/", STREET),
    Page("credit-record-add", "/credit/records/add/", STREET),
    Page("vote-objections-to-rule", "/votes/objections/", STREET),
    Page("trustee-open", "/votes/{vote_trustees}/trustee/open/", STREET),
    Page("vote-objection-rule", "/votes/objections/{vote_objection_open}/", STREET),
    # the district housing bureau
    Page("dashboard-district", "/dashboard/jinghu/", DISTRICT),
    Page("credit-objections", "/credit/objections/", DISTRICT),
    # the city housing bureau
    Page("dashboard-city", "/dashboard/wuhu/", CITY),
    Page("credit-supervision", "/credit/supervision/", CITY),
    Page("credit-publish", "/credit/publish/", CITY),
    Page("credit-objection", "/credit/objections/{objection_open}/", CITY),
]


def refs() -> None:
    """Print (JSON) the demo objects the paths name. Runs in the server's database:
    ``manage.py shell -c "from tests.e2e.layout_pages import refs; refs()"``."""
    import json

    from django.utils import timezone

    from portal.organisations.models import Organisation
    from property.credit.models import Objection
    from property.fund.models import FundAccount, FundRequest
    from property.registry.models import OwnerClaim
    from voting.models import Objection as VoteObjection
    from voting.models import Vote

    def vote(status: str) -> int:
        return Vote.objects.filter(estate__code="binjiang", status=status).order_by("pk")[0].pk

    owner = ACCOUNTS[OWNER]
    binjiang_company = Organisation.objects.get(managed_estates__code="binjiang")
    print(  # noqa: T201 - the output is the answer
        json.dumps(
            {
                "vote_open": vote("open"),
                "vote_final": vote("final"),
                "vote_draft": vote("draft"),
                "vote_trustees": Vote.objects.filter(
                    estate__code="binjiang", trustee_threshold__isnull=False
                )
                .order_by("pk")[0]
                .pk,
                "company_code": binjiang_company.credit_code,
                "ledger": FundAccount.objects.filter(
                    unit__ownerships__party__members__user__email=owner
                )
                .order_by("pk")[0]
                .pk,
                "year": timezone.localdate().year,
                "request_disbursed": FundRequest.objects.filter(
                    estate__code="binjiang", status="disbursed"
                )[0].pk,
                "request_submitted": FundRequest.objects.filter(
                    estate__code="binjiang", status="submitted"
                )[0].pk,
                "claim_pending": OwnerClaim.objects.filter(
                    estate__code="binjiang", status="pending"
                )
                .order_by("pk")[0]
                .pk,
                "objection_open": Objection.objects.filter(status="open").order_by("pk")[0].pk,
                # The demo's open objection to the publicised result of 范罗山小区.
                "vote_objection_open": VoteObjection.objects.filter(status="open")
                .order_by("pk")[0]
                .pk,
            }
        )
    )
