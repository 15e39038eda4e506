"""Bench: the city (issue 21). The pages people open most, on a generated city, through gunicorn.

Run from the repository root:
``.venv/bin/python bench/city.py [--units 20000] [--years 10] [--seed 1] [--requests 30]``
or, on a city generated before (``manage.py make_city``, docs/city.md),
``.venv/bin/python bench/city.py --reuse DBNAME``.

1. The city: without ``--reuse``, a throwaway PostgreSQL database (bench/_django.py,
   ``citybench_<pid>``) filled by ``manage.py make_city --units --years --seed`` and dropped at
   the end (``--keep`` keeps it for ``--reuse``). The generator makes no CMS pages and no credit
   ratings yet, so the bench adds what its pages need when missing: the home page, a notice
   section per district, ``--notices`` notices, the first estate's page, and four published
   credit quarters (``credit_quarter_publish``). Then the dashboards' materialised figures are
   refreshed as the worker's every-minute job would (``estate_figures_refresh``), and ``ANALYZE``.
2. gunicorn (``--workers`` sync workers, bench/city_settings.py: the production settings with
   persistent connections and the Redis cache at ``BENCH_REDIS``, plus a bench-only middleware
   that counts queries) on a loopback port; static files collected once into
   var/bench/city-static.
3. Every page, as the known account that opens it (docs/city.md; staff sign in through
   ``/accounts/login/`` and the TOTP step, with the demo secret): three warm-up requests, one
   request that counts its SQL queries server-side (bench/bench_middleware.py: the debug cursor
   forced on for that request only, session and user queries included), then ``--requests``
   timed requests one after another: p50 and p95 of the wall time seen by the client.
4. The city level's CSV and XLSX exports (time, size, whether streamed, the workers' peak
   memory), and ``manage.py fund_reconcile`` over the whole city (time, peak memory).
5. The registry import of ``--import-units`` units (default 50,000) into a new estate of the
   city, as the worker runs it, rolled back afterwards (time, CPU, memory; target 30 s).

Targets (issue 21, at 1.3 million units): every page p95 < 300 ms warm and < 20 queries;
exports streamed with memory < 300 MB; reconcile < 60 s. Prints one table with the ratios;
asserts nothing. The load average is printed: the figures scale with other load.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode, urlsplit

from _django import ROOT, SERVER, throwaway_database

PORT = int(os.environ.get("BENCH_PORT", "8196"))
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
STATIC = os.path.join(ROOT, "var", "bench", "city-static")
PASSWORD = "Gongzhi@2026"
TARGET_P95_MS, TARGET_QUERIES = 300.0, 20
TARGET_EXPORT_MB, TARGET_RECONCILE_S = 300.0, 60.0
ENV = {
    "DJANGO_SETTINGS_MODULE": "city_settings",
    "SECRET_KEY": "bench-city-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "PORTAL_BASE_URL": f"https://127.0.0.1:{PORT}",
    "SECURE_SSL_REDIRECT": "0",
    "REDIS_URL": REDIS,
    "API_ANON_RATE": "100000000/min",
    "API_USER_RATE": "100000000/min",
    "LOG_LEVEL": "ERROR",
    "BENCH_STATIC_ROOT": STATIC,
    "PYTHONPATH": os.pathsep.join([ROOT, os.path.join(ROOT, "bench")]),
}
ACCOUNTS = {
    "anonymous": None,
    "owner": "owner",
    "committee": "committee",
    "street": "street.officer",
    "district": "district.officer",
    "city": "city.officer",
}

# ---- The city's extras: what the generator does not make yet --------------------------------

NOTICE_WORDS = [
    ("电梯维修", "关于老旧小区电梯维修资金紧急使用的通知"),
    ("消防通道", "关于开展消防通道专项整治的通知"),
    ("维修资金", "住宅专项维修资金使用情况公示"),
    ("物业服务", "物业服务企业信用评价结果公示"),
    ("停车管理", "住宅小区停车管理指导意见"),
    ("燃气安全", "关于冬季燃气安全入户检查的通知"),
    ("业主大会", "业主大会和业主委员会指导规则"),
    ("加装电梯", "既有住宅加装电梯实施意见"),
]


def add_extras(notices: int) -> None:
    """The home page, notice sections, ``notices`` notices, the first estate's page and four
    published credit quarters, each only when missing (a reused city keeps what it has)."""
    from datetime import date, timedelta

    from django.utils import timezone
    from wagtail.models import Page
    from wagtail.rich_text import RichText

    from cms.demo import _child, ensure_home
    from cms.models import CommunityPage, EstatePage, NoticeIndexPage, NoticePage, SectionPage
    from portal.accounts.models import User
    from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
    from property.credit.models import Publication
    from property.credit.services import credit_quarter_publish
    from property.registry.models import Estate

    t0 = time.perf_counter()
    home = ensure_home()
    city = Jurisdiction.objects.get(level=Level.CITY)
    bureaus = {
        o.jurisdiction_id: o
        for o in Organisation.objects.filter(kind=OrgKind.BUREAU).select_related("jurisdiction")
    }
    top = _child(home, "notices", NoticeIndexPage(title="通知公告", jurisdiction=city))
    sections = [top] + [
        _child(top, d.code, NoticeIndexPage(title=f"{d.name}通知公告", jurisdiction=d))
        for d in Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("code")
    ]
    have = NoticePage.objects.count()
    now = timezone.now()
    for i in range(have, notices):
        section = Page.objects.get(pk=sections[i % len(sections)].pk).specific
        word, title = NOTICE_WORDS[i % len(NOTICE_WORDS)]
        place = section.jurisdiction
        page = NoticePage(
            title=f"{place.name}{title}（第{i + 1}号）",
            slug=f"bench-{i + 1}",
            category=("notice", "policy", "publicity", "announcement")[i % 4],
            organisation=bureaus[place.pk],
            jurisdiction=place if place.depth > 1 else None,  # the city's: to the whole city
            summary=f"{place.name}{word}事项，请各小区业主和物业服务企业知悉。",
            body=[
                (
                    "text",
                    RichText(
                        f"<p>{place.name}住房和城乡建设局就{word}有关事项通知如下。</p>"
                        "<p>各物业服务企业应按要求落实，业主可在平台查询办理进度。</p>"
                    ),
                )
            ],
            publication_date=(now - timedelta(days=i % 365)).date(),
            notified_at=now,  # not announced again: no email to the city's owners
        )
        section.add_child(instance=page)
        page.save_revision().publish()
    estate = Estate.objects.select_related("jurisdiction").order_by("code").first()
    if not EstatePage.objects.filter(estate=estate).exists():
        community = estate.jurisdiction.get_parent()
        communities = _child(home, "communities", SectionPage(title="智慧社区"))
        cpage = _child(
            communities,
            community.code,
            CommunityPage(title=community.name, jurisdiction=community),
        )
        _child(cpage, estate.code, EstatePage(title=estate.name, estate=estate))
    approver = User.objects.get(email="city.approver@demo.gongzhi.cn")
    today = timezone.localdate()
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(4):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for year, quarter in reversed(quarters):
        if not Publication.objects.filter(year=year, quarter=quarter).exists():
            credit_quarter_publish(actor=approver, year=year, quarter=quarter, today=today)
    print(
        f"  extras: {NoticePage.objects.count()} notices, estate page of {estate.code}, "
        f"{Publication.objects.count()} published quarters ({time.perf_counter() - t0:.1f} s; "
        f"{date.today()})",
        flush=True,
    )


def pages() -> list[tuple[str, str, str]]:
    """(page, role, path) of every page measured, read from the city."""
    from cms.models import EstatePage, NoticePage
    from portal.accounts.models import User
    from portal.organisations.models import Jurisdiction, Level
    from property.fund.models import FundAccount
    from property.registry.models import Estate
    from voting.models import Vote, VoteStatus

    estate = Estate.objects.select_related("company").order_by("code").first()
    district = Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("code").first()
    street = Jurisdiction.objects.filter(level=Level.STREET).order_by("code").first()
    owner = User.objects.get(email="owner@demo.gongzhi.cn")
    open_vote = Vote.objects.filter(estate=estate, status=VoteStatus.OPEN).order_by("pk").first()
    result = Vote.objects.filter(estate=estate, status=VoteStatus.FINAL).order_by("-pk").first()
    result = result or Vote.objects.filter(status=VoteStatus.FINAL).order_by("-pk").first()
    account = (
        FundAccount.objects.filter(unit__ownerships__party__members__user=owner)
        .order_by("pk")
        .first()
    )
    notice = NoticePage.objects.live().order_by("-publication_date", "pk").first()
    estate_page = EstatePage.objects.filter(estate=estate).first()
    found = [
        ("home", "anonymous", "/"),
        ("notices list", "anonymous", "/notices/"),
        ("a notice", "anonymous", urlsplit(notice.url).path if notice else None),
        ("search", "anonymous", "/search/?q=" + quote("电梯维修")),
        ("city dashboard", "city", "/dashboard/city/"),
        ("district dashboard", "district", f"/dashboard/{district.code}/"),
        ("street dashboard", "street", f"/dashboard/{street.code}/"),
        ("estate dashboard", "committee", f"/dashboard/{estate.code}/"),
        ("estate page (CMS)", "anonymous", urlsplit(estate_page.url).path if estate_page else None),
        ("estate's votes (public)", "anonymous", f"/votes/estates/{estate.code}/"),
        ("votes list", "owner", "/votes/"),
        ("a vote (open)", "owner", f"/votes/{open_vote.pk}/" if open_vote else None),
        ("a result", "anonymous", f"/votes/{result.pk}/result/" if result else None),
        ("credit ranking", "anonymous", "/credit/"),
        ("a company", "anonymous", f"/credit/company/{estate.company.credit_code}/"),
        ("workbench", "owner", "/workbench/"),
        ("unit ledger", "owner", f"/fund/ledger/{account.pk}/" if account else None),
    ]
    for name in ("estates", "notices", "ratings", "votes/results", "fund/estates"):
        found.append((f"API {name}", "anonymous", f"/api/v1/{name}/"))
    return found


# ---- HTTP: one signed-in client per role -------------------------------------------------------


class Client:
    """Cookies kept by hand (the production cookies are Secure; this is loopback HTTP)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, stream=False):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        head = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body)
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.cookies[key] = morsel.value
        if stream:
            return response, conn
        response.read()
        conn.close()
        return response

    def post_form(self, path, data):
        if "csrftoken" not in self.cookies:
            self.request("GET", path)
        return self.request(
            "POST", path, {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        )


def totp(secret: str, offset: int = 0) -> str:
    """RFC 6238, six digits, 30-second steps."""
    import hashlib
    import hmac
    import struct

    counter = int(time.time()) // 30 + offset
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    o = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[o : o + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(local: str) -> Client:
    from portal.core.demo import DEMO_TOTP_SECRET

    client = Client()
    response = client.post_form(
        "/accounts/login/", {"login": f"{local}@demo.gongzhi.cn", "password": PASSWORD}
    )
    location = response.headers.get("Location", "")
    if response.status != 302:
        raise SystemExit(f"sign-in of {local} answered HTTP {response.status}")
    if "/2fa/" in location:
        path = urlsplit(location).path
        for attempt in range(3):  # a code is accepted once per account: next window if used
            if attempt:
                time.sleep(31 - time.time() % 30)
            response = client.post_form(path, {"code": totp(DEMO_TOTP_SECRET)})
            if response.status == 302 and "/2fa/" not in response.headers.get("Location", ""):
                break
        else:
            raise SystemExit(f"the second factor of {local} was refused")
    return client


# ---- Measuring ---------------------------------------------------------------------------------


def measure(client: Client, path: str, requests: int) -> dict:
    for _ in range(3):
        client.request("GET", path)
    counted = client.request("GET", path, headers={"X-Bench-Queries": "1"})
    times, statuses = [], set()
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.request("GET", path)
        times.append((time.perf_counter() - t0) * 1000)
        statuses.add(response.status)
    q = statistics.quantiles(times, n=20, method="inclusive")
    return {
        "p50": statistics.median(times),
        "p95": q[18],
        "queries": int(counted.headers.get("X-Bench-Queries", "-1")),
        "status": statuses | {counted.status},
    }


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


def peak_mb(pids: list[int]) -> float:
    best = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best / 1024


def export(client: Client, path: str) -> dict:
    t0 = time.perf_counter()
    response, conn = client.request("GET", path, stream=True)
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    conn.close()
    return {
        "seconds": time.perf_counter() - t0,
        "status": response.status,
        "bytes": size,
        "streamed": response.headers.get("Content-Length") is None,
    }


def registry_import(units: int) -> dict:
    """The registry import of ``units`` units (bench/_registry_file.py, the file of
    bench/registry_import.py) into a new estate of the city's first community, run as the worker
    runs it (``import_job_run``: read, check, compare, write all or nothing), inside a
    transaction rolled back afterwards: the city is left as it was."""
    from _registry_file import make_file
    from django.core.files.base import ContentFile
    from django.db import transaction

    from portal.accounts.models import User
    from portal.organisations.models import Jurisdiction, Level
    from property.registry.import_jobs import import_job_run
    from property.registry.models import Estate, ImportMode, RegistryImport, Unit

    data = make_file(units)
    user = User.objects.get(email="committee@demo.gongzhi.cn")
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY).order_by("path").first()
    out: dict = {"bytes": len(data)}
    with transaction.atomic():
        node = community.add_child(code="bench-import", name="基准导入小区", level=Level.ESTATE)
        estate = Estate.objects.create(jurisdiction=node, code="bench-import", name="基准导入小区")
        job = RegistryImport(estate=estate, created_by=user, filename="bench.csv", size=len(data))
        job.mode = ImportMode.IMPORT
        job.file.save("bench.csv", ContentFile(data), save=False)
        job.save()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0, cpu = time.perf_counter(), time.process_time()
        out["status"] = import_job_run(job_id=job.pk)
        out["seconds"], out["cpu"] = time.perf_counter() - t0, time.process_time() - cpu
        out["mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        out["units"] = Unit.objects.filter(estate=estate).count()
        job.file.delete(save=False)
        transaction.set_rollback(True)
    return out


def reconcile(env: dict) -> tuple[float, float, int]:
    """``manage.py fund_reconcile`` in a process of its own: (seconds, peak MB, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "fund_reconcile"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode


def collect_static(env: dict) -> None:
    if os.path.exists(os.path.join(STATIC, "staticfiles.json")):
        return
    print(f"  collecting static files into {STATIC} (once) ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def serve(env: dict, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            os.path.join(ROOT, ".venv", "bin", "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            Client().request("GET", "/favicon.ico")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def row(name, role, p50, p95, queries, target, ratio, verdict) -> None:
    print(
        f"{name:26} {role:10} {p50:>8} {p95:>8} {queries:>7}  {target:<22} {ratio:>11}  {verdict}"
    )


def bench(url: str, args) -> None:
    from django.db import connection, connections

    from portal.organisations.models import Jurisdiction, Level
    from property.registry.models import Unit

    add_extras(args.notices)
    # What the worker's every-minute job does on a running site (a city generated before the
    # materialised figures has none; the dashboards would compute every estate live).
    from portal.dashboards.services import counted_vote_ballots_refresh, estate_figures_refresh

    t0 = time.perf_counter()
    fresh, ballots = estate_figures_refresh(), counted_vote_ballots_refresh()
    print(
        f"  dashboard figures refreshed: {fresh} estates, {ballots} counted votes "
        f"({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  ANALYZE: {time.perf_counter() - t0:.1f} s", flush=True)
    units = Unit.objects.count()
    estates = Jurisdiction.objects.filter(level=Level.ESTATE).count()
    found = pages()
    connections.close_all()
    env = {**os.environ, **ENV, "DATABASE_URL": url}
    collect_static(env)
    server = serve(env, args.workers)
    try:
        clients = {role: sign_in(local) if local else Client() for role, local in ACCOUNTS.items()}
        load = os.getloadavg()
        print(
            f"\nCity of {units:,} units, {estates:,} estates; gunicorn {args.workers} sync workers, "
            f"production settings; {args.requests} sequential requests a page after 3 warm-up; "
            f"load average {load[0]:.1f} on {os.cpu_count()} cores at the start"
        )
        row("page", "role", "p50 ms", "p95 ms", "queries", "target", "ratio", "")
        misses = 0
        peak = peak_mb(worker_pids(server.pid))
        print(f"  workers' peak memory after start: {peak:.0f} MB")
        for name, role, path in found:
            if path is None:
                row(name, role, "-", "-", "-", "", "", "not in this city")
                continue
            r = measure(clients[role], path, args.requests)
            # Which page makes the workers grow: the high-water mark after each page, printed
            # where it rose by 10 MB or more.
            now_peak = peak_mb(worker_pids(server.pid))
            grew = ""
            if now_peak - peak >= 10:
                grew = f"  (workers' peak {now_peak:.0f} MB, +{now_peak - peak:.0f})"
            peak = now_peak
            bad = r["status"] - {200}
            ratio = f"{r['p95'] / TARGET_P95_MS:.2f} / {r['queries'] / TARGET_QUERIES:.2f}"
            ok = not bad and r["p95"] < TARGET_P95_MS and 0 <= r["queries"] < TARGET_QUERIES
            misses += not ok
            verdict = "meets" if ok else "MISSES" + (f" (HTTP {sorted(bad)})" if bad else "")
            verdict += grew
            row(
                name,
                role,
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                str(r["queries"]),
                f"p95<{TARGET_P95_MS:.0f} ms, <{TARGET_QUERIES} q",
                ratio,
                verdict,
            )
        print(f"{misses} of {sum(1 for f in found if f[2])} pages miss a target")
        if not args.no_exports:
            before = peak_mb(worker_pids(server.pid))
            print("\nExports of the city level (city officer)")
            for fmt in ("csv", "xlsx"):
                e = export(clients["city"], f"/dashboard/city/export.{fmt}")
                print(
                    f"  {fmt:5} {e['seconds'] * 1000:8.1f} ms, {e['bytes'] / 1024:8.1f} KB, "
                    f"HTTP {e['status']}, {'streamed' if e['streamed'] else 'not streamed'}"
                )
            mb = peak_mb(worker_pids(server.pid))
            # The target is the exports' memory: what they add to a worker's high-water mark.
            # The whole process is printed too: a worker starts at about 300 MB (the libraries,
            # and jieba's dictionary loaded at start for search, docs/city.md).
            print(
                f"  the exports added {mb - before:.0f} MB to the workers' peak memory; target "
                f"{TARGET_EXPORT_MB:.0f} MB (ratio {(mb - before) / TARGET_EXPORT_MB:.2f}); "
                f"whole process (VmHWM) {before:.0f} MB before, {mb:.0f} MB after"
            )
    finally:
        server.terminate()
        server.wait(30)
    if not args.no_reconcile:
        seconds, mb, code = reconcile(env)
        print(
            f"\nfund_reconcile over the city: {seconds:.1f} s (exit {code}), peak {mb:.0f} MB; "
            f"target {TARGET_RECONCILE_S:.0f} s (ratio {seconds / TARGET_RECONCILE_S:.2f})"
        )
    if args.import_units:
        r = registry_import(args.import_units)
        print(
            f"\nregistry import of {r['units']:,} units ({r['bytes'] / 1e6:.1f} MB CSV, one "
            f"estate, rolled back after): {r['seconds']:.1f} s ({r['cpu']:.1f} s CPU), "
            f"{r['status']}, +{r['mb']:.0f} MB; target 30 s (ratio {r['seconds'] / 30:.2f})"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", metavar="DB", help="bench this generated database instead")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--notices", type=int, default=200, help="notices the city should have")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--no-reconcile", action="store_true")
    parser.add_argument(
        "--import-units",
        type=int,
        default=50_000,
        help="units of the registry import (0: none)",
    )
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    if args.reuse:
        url = f"{SERVER}/{args.reuse}"
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        print(f"Benching the city in {args.reuse}", flush=True)
        bench(url, args)
        return
    with throwaway_database("citybench", settings="city_settings", keep=args.keep) as url:
        from django.core.management import call_command

        t0 = time.perf_counter()
        out = io.StringIO()  # its table of rows per table: not the bench's
        call_command(
            "make_city", units=args.units, years=args.years, seed=args.seed, quiet=True, stdout=out
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"Generated {args.units:,} units, {args.years} years in "
            f"{time.perf_counter() - t0:.0f} s ({rss:.0f} MB peak) into {url.rsplit('/', 1)[1]}"
            + (" (kept)" if args.keep else ""),
            flush=True,
        )
        bench(url, args)


if __name__ == "__main__":
    main()
