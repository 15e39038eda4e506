"""Reading complaint tickets (12345 hotline, grid platform) from a file or the API.

``plan_tickets(headers, rows, node=...)`` checks every row against the file and the registry and
returns a :class:`TicketPlan`: the tickets it would add, the duplicates it would skip (ticket
numbers already stored, or repeated in the file) and the row errors, in Chinese by default. It
writes nothing; ``complaint_services.complaint_tickets_import`` writes the plan, all or nothing.

Columns (the header row names them, in any order; Chinese headers accepted):

=============  ==========  =========================================================
column         Chinese     value
=============  ==========  =========================================================
number         工单编号    ticket number, unique (required)
received_at    受理时间    ``YYYY-MM-DD HH:MM[:SS]`` Asia/Shanghai (required)
estate         小区        estate name or code (this or the address)
address        地址        address as the caller gave it
company        物业公司    company name or unified social credit code (optional)
category       类别        complaint category, e.g. 电梯, 卫生, 收费 (required)
text           诉求内容    what the caller said (phone numbers are masked)
closed_at      办结时间    closure time, empty while open
result         办结结果    已解决 / 未解决 / 不属实 (resolved / unresolved / unsubstantiated)
satisfaction   满意度      满意 / 不满意 / empty (satisfied / dissatisfied)
street         街道        street of the address (where an unmatched ticket waits)
=============  ==========  =========================================================

Columns holding the caller's personal data (name, phone, identity number) are dropped unread,
and any other unknown column is ignored; both are named in the plan's ``ignored``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.cells import is_formula
from portal.core.masking import mask_phones_in
from portal.core.text import text_problem
from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
from property.registry.importer import RowError, _cell, _shown
from property.registry.models import Estate

from .models import CallerSatisfaction, ComplaintTicket, TicketResult

COLUMNS = [
    "number",
    "received_at",
    "estate",
    "address",
    "company",
    "category",
    "text",
    "closed_at",
    "result",
    "satisfaction",
    "street",
]
ALIASES = {
    "工单编号": "number",
    "工单号": "number",
    "受理时间": "received_at",
    "小区": "estate",
    "地址": "address",
    "物业公司": "company",
    "类别": "category",
    "诉求类别": "category",
    "诉求内容": "text",
    "办结时间": "closed_at",
    "办结结果": "result",
    "满意度": "satisfaction",
    "街道": "street",
}
PERSONAL = {"name", "caller", "phone", "mobile", "id_number", "来电人", "姓名", "电话", "手机",
            "联系电话", "身份证号"}  # fmt: skip
REQUIRED = ("number", "received_at", "category")
RESULTS = {
    "": TicketResult.OPEN,
    **{r.value: r.value for r in TicketResult if r.value},
    "已解决": TicketResult.RESOLVED,
    "未解决": TicketResult.UNRESOLVED,
    "不属实": TicketResult.UNSUBSTANTIATED,
}
SATISFACTION = {
    "": CallerSatisfaction.UNKNOWN,
    **{s.value: s.value for s in CallerSatisfaction if s.value},
    "满意": CallerSatisfaction.SATISFIED,
    "基本满意": CallerSatisfaction.SATISFIED,
    "不满意": CallerSatisfaction.DISSATISFIED,
}
NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,39}")
ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
MAX_ROWS = 5000


@dataclass
class TicketRow:
    line: int
    number: str
    received_at: datetime
    estate: Estate | None
    company: Organisation | None
    company_name: str
    address: str
    node: Jurisdiction
    category: str
    text: str
    closed_at: datetime | None
    result: str
    satisfaction: str


@dataclass
class TicketPlan:
    rows: list[TicketRow] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unmatched(self) -> int:
        return sum(1 for r in self.rows if r.estate is None)


def mask_personal(text: str) -> str:
    """Phone and identity numbers in a complaint's text, masked (the rating needs neither)."""
    return ID_RE.sub(lambda m: m.group(1) + "********" + m.group(2), mask_phones_in(text))


def _time(value) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        text = _cell(value)
        if not text:
            return None
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            if "T" not in text:
                raise ValueError(text)
            moment = datetime.fromisoformat(text)  # the API's ISO 8601 (ValueError if not)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Registry:
    """The estates and companies of the importer's subtree, loaded once."""

    def __init__(self, node: Jurisdiction):
        estates = list(
            Estate.objects.filter(jurisdiction__path__startswith=node.path).select_related(
                "company", "jurisdiction"
            )
        )
        self.by_key = {}
        for e in estates:
            self.by_key[e.code.lower()] = e
            self.by_key[e.name] = e
        self.with_address = [e for e in estates if e.address]
        self.estates = estates
        self.companies = {}
        for c in Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY):
            self.companies[c.name] = c
            if c.credit_code:
                self.companies[c.credit_code.upper()] = c
        self.streets = {
            s.name: s
            for s in Jurisdiction.objects.filter(
                path__startswith=node.path, level__in=[Level.STREET, Level.DISTRICT]
            )
        }
        self.node = node

    def estate(self, key: str, address: str) -> Estate | None:
        if key:
            found = self.by_key.get(key) or self.by_key.get(key.lower())
            if found:
                return found
        if address:
            for e in self.with_address:
                if e.address == address:
                    return e
            named = [e for e in self.estates if e.name and e.name in address]
            if len(named) == 1:
                return named[0]
        return None


def plan_tickets(headers: list[str], rows, *, node: Jurisdiction) -> TicketPlan:
    """Check every row; see the module doc. ``node`` is the importer's place: estates are
    matched within it, and unmatched tickets wait at the street named (under it) or at it."""

    plan = TicketPlan()
    columns: list[str | None] = []
    for header in headers:
        raw = _cell(header)
        name = ALIASES.get(raw, raw.lower())
        if name in COLUMNS and name not in columns:
            columns.append(name)
        else:
            columns.append(None)
            if raw:
                plan.ignored.append(raw)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        plan.errors.append(
            RowError(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return plan
    if "estate" not in columns and "address" not in columns:
        plan.errors.append(RowError(1, _("The file needs an estate or an address column.")))
        return plan
    registry = _Registry(node)
    seen: set[str] = set()
    parsed: list[TicketRow] = []
    for n, raw_row in enumerate(rows, start=2):
        if n - 1 > MAX_ROWS:
            plan.errors.append(
                RowError(n, _("At most %(n)s tickets per import.") % {"n": MAX_ROWS})
            )
            break
        values = {c: raw_row[i] if i < len(raw_row) else None for i, c in enumerate(columns) if c}
        if not any(_cell(v) for v in values.values()):
            continue
        row = _parse(n, values, registry, plan)
        if row is None:
            continue
        if row.number in seen:
            plan.duplicates.append(row.number)
            continue
        seen.add(row.number)
        parsed.append(row)
    stored = set(
        ComplaintTicket.objects.filter(number__in=[r.number for r in parsed]).values_list(
            "number", flat=True
        )
    )
    for row in parsed:
        if row.number in stored:
            plan.duplicates.append(row.number)
        else:
            plan.rows.append(row)
    return plan


def _parse(n: int, values: dict, registry: _Registry, plan: TicketPlan) -> TicketRow | None:
    errors_before = len(plan.errors)

    def error(message: str) -> None:
        plan.errors.append(RowError(n, message))

    text_values = {}
    for column, value in values.items():
        if isinstance(value, datetime):
            continue
        text = _cell(value)
        if is_formula(text):
            error(
                _("Column %(column)s holds a formula (%(value)s), which is refused.")
                % {"column": column, "value": _shown(text)}
            )
            return None
        problem = text_problem(text, multiline=column == "text")
        if problem:
            error(
                _("Column %(column)s contains an invisible character (%(char)s).")
                % {"column": column, "char": problem}
            )
            return None
        text_values[column] = text
    number = text_values.get("number", "")
    if not NUMBER_RE.fullmatch(number):
        error(_("The ticket number is missing or not letters, digits and dashes."))
    received = closed = None
    try:
        received = _time(values.get("received_at"))
        if received is None:
            error(_("The time received is missing."))
        elif received > timezone.now():
            error(_("The time received is in the future."))
    except ValueError:
        error(
            _("The time received %(value)s is not a time like 2026-07-01 09:30.")
            % {"value": _shown(_cell(values.get("received_at")))}
        )
    try:
        closed = _time(values.get("closed_at"))
    except ValueError:
        error(
            _("The closure time %(value)s is not a time like 2026-07-01 09:30.")
            % {"value": _shown(_cell(values.get("closed_at")))}
        )
    if received and closed and closed < received:
        error(_("The ticket was closed before it was received."))
    if closed and closed > timezone.now():
        error(_("The closure time is in the future."))
    category = text_values.get("category", "")
    if not category or len(category) > 50:
        error(_("The category is missing or longer than 50 characters."))
    result = RESULTS.get(text_values.get("result", "").lower())
    if result is None:
        error(
            _("Unknown result %(value)s: use 已解决, 未解决 or 不属实.")
            % {"value": _shown(text_values.get("result", ""))}
        )
    elif closed is None and result:
        error(_("A result is given but no closure time."))
    elif closed is not None and not result:
        error(_("A closure time is given but no result."))
    satisfaction = SATISFACTION.get(text_values.get("satisfaction", "").lower())
    if satisfaction is None:
        error(
            _("Unknown satisfaction %(value)s: use 满意, 不满意 or leave it empty.")
            % {"value": _shown(text_values.get("satisfaction", ""))}
        )
    text = text_values.get("text", "")
    if len(text) > 2000:
        error(_("The complaint text is longer than 2,000 characters."))
    address = text_values.get("address", "")[:200]
    estate = registry.estate(text_values.get("estate", ""), address)
    company_key = text_values.get("company", "")
    company = None
    if company_key:
        company = registry.companies.get(company_key) or registry.companies.get(company_key.upper())
    if estate is not None:
        if estate.company_id is None:
            error(_("The estate %(estate)s has no property company.") % {"estate": estate.name})
        elif company_key and company is not None and company.pk != estate.company_id:
            error(
                _("The estate %(estate)s is managed by %(managed)s, not %(given)s.")
                % {"estate": estate.name, "managed": estate.company.name, "given": company.name}
            )
        company = estate.company
    if len(plan.errors) > errors_before:
        return None
    street = registry.streets.get(text_values.get("street", ""))
    return TicketRow(
        line=n,
        number=number,
        received_at=received,
        estate=estate,
        company=company,
        company_name=company_key[:200],
        address="" if estate else address,
        node=estate.jurisdiction if estate else (street or registry.node),
        category=category,
        text=mask_personal(text),
        closed_at=closed,
        result=result,
        satisfaction=satisfaction,
    )


def rows_from_json(items: list[dict]) -> tuple[list[str], list[list]]:
    """The API's JSON tickets as (headers, rows) for ``plan_tickets``; same columns."""
    rows = [[item.get(c) for c in COLUMNS] for item in items]
    return list(COLUMNS), rows


__all__ = ["COLUMNS", "TicketPlan", "TicketRow", "mask_personal", "plan_tickets"]
