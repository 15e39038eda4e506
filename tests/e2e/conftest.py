"""Browser journeys: Chromium (Debian's, via Playwright) against a real portal server.

Why a server subprocess and not pytest-django's ``live_server`` (docs/e2e.md): the journeys
need the whole demo city (seconds to load). ``live_server`` makes every test transactional and
flushes the database after each one, so the demo data would be loaded again for every journey;
a subprocess serves its own SQLite file, built once per test session and shared by the pytest-xdist
workers (a file lock guards the build), copied per worker so workers never see each other's
writes. The subprocess is gunicorn with the development settings, DEBUG off, tasks run inline
(Q_SYNC) and SMS codes written to a file the tests read (``FileSMSBackend``).

Screenshots: every ``journey.step("…")`` keeps a screenshot of that step in memory; when a
journey fails they are written to ``tests/e2e/screenshots/<test>/`` with the page at the
failure (the folder is gitignored).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000

# Pages speak Chinese by default (the portal ignores the browser's language).
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(workdir: Path, db: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST_", "SMS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{db}",
        SMS_BACKEND="portal.accounts.sms.FileSMSBackend",
        SMS_FILE_PATH=str(workdir / "sms.jsonl"),
        Q_SYNC="true",
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        BOARD_KEY_DIR=str(workdir / "keys"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def _template_db(tmp_path_factory) -> Path:
    """The migrated demo database, built once for all xdist workers of this session."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker's base folder sits in the session's folder; share that one.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    template = shared / "e2e-template.sqlite3"
    with open(shared / "e2e-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = shared / "e2e-building.sqlite3"
            building.unlink(missing_ok=True)
            env = server_env(shared, building)
            manage(env, "migrate", "-v0")
            manage(env, "load_demo_data")
            # Fold the WAL back into the file so a plain copy is complete.
            import sqlite3

            with sqlite3.connect(building) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode=DELETE")
            building.rename(template)
        fcntl.flock(lock, fcntl.LOCK_UN)
    return template


class Server:
    def __init__(self, url: str, workdir: Path, env: dict):
        self.url = url
        self.workdir = workdir
        self.env = env

    def sms(self, phone: str = "") -> list[dict]:
        """The messages the server sent (to ``phone``): the file backend writes the number masked
        (139****5678), so messages are matched by the masked number."""
        from portal.core.masking import mask_phone

        path = self.workdir / "sms.jsonl"
        if not path.exists():
            return []
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [r for r in rows if not phone or r["phone"] == mask_phone(phone)]

    def last_code(self, phone: str) -> str:
        """The 6-digit verification code of the last SMS sent to ``phone`` (waits up to 5 s)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for row in reversed(self.sms(phone)):
                match = re.search(r"(?<!\d)(\d{6})(?!\d)", row["message"])
                if match:
                    return match.group(1)
            time.sleep(0.1)
        raise AssertionError(f"no SMS code sent to {phone}: {self.sms()}")

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def shell(self, code: str) -> str:
        """Run Python in the server's database (``manage.py shell -c``), return its output."""
        return manage(self.env, "shell", "--no-imports", "-c", code).strip()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    template = _template_db(tmp_path_factory)
    workdir = tmp_path_factory.mktemp("e2e-server")
    db = workdir / "db.sqlite3"
    shutil.copy(template, db)
    # The demo trustees' key files (voting.demo.trustee_key_dir): theirs, not the server's,
    # kept beside the template; each journey's trustees bring them to its server.
    keys = template.parent / "demo-trustee-keys"
    if keys.is_dir():
        shutil.copytree(keys, workdir / "demo-trustee-keys", dirs_exist_ok=True)
    env = server_env(workdir, db)
    port = _free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=2)  # noqa: S310
            break
        except Exception:  # noqa: BLE001 - not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "portal server did not start:\n" + (workdir / "server.log").read_text()
                )
            time.sleep(0.2)
    yield Server(url, workdir, env)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API runs an asyncio loop in this thread while it is open,
    # which would break later tests of the same worker that call asyncio.run (pyHanko).
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Journey:
    """A browser session of one person, with the steps it went through."""

    def __init__(self, browser, server: Server, name: str):
        self.server = server
        self.context = browser.new_context(
            base_url=server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.name = name
        shutil.rmtree(self.folder(), ignore_errors=True)  # leftovers of an earlier run
        self.shots: list[tuple[str, bytes]] = []
        # Broken sub-resources (CSS, JS, images) and script errors, e.g. blocked by the CSP.
        self.broken: list[str] = []
        self.page.on("pageerror", lambda e: self.broken.append(f"script error: {e}"))
        self.page.on("response", self._check_response)

    def _check_response(self, response) -> None:
        if response.request.resource_type in ("stylesheet", "script", "image", "font"):
            if response.status >= 400 and not response.url.endswith("/favicon.ico"):
                self.broken.append(f"{response.status} {response.url}")

    def step(self, label: str) -> None:
        """Record a screenshot of the page as it is now (written out if the journey fails)."""
        try:
            self.shots.append((label, self.page.screenshot(full_page=True)))
        except Exception:  # noqa: BLE001 - a screenshot must never fail the journey
            pass

    def folder(self) -> Path:
        return SCREENSHOTS / re.sub(r"[^\w.-]+", "_", self.name)

    def save_screenshots(self) -> Path:
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        for n, (label, png) in enumerate(self.shots, start=1):
            safe = re.sub(r"[^\w.-]+", "_", label)
            (folder / f"{n:02d}-{safe}.png").write_bytes(png)
        try:
            self.page.screenshot(path=str(folder / "99-failure.png"), full_page=True)
            (folder / "99-failure.html").write_text(self.page.content(), encoding="utf-8")
        except Exception:  # noqa: BLE001
            pass
        return folder

    # ---- helpers every journey uses --------------------------------------------------

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status < 500, (
            f"{path}: {response and response.status}"
        )
        return response

    def login(self, login: str, password: str = "Gongzhi@2026", *, totp_secret: str | None = None):
        """Sign in through the allauth form (and the TOTP step for staff)."""
        page = self.page
        self.goto("/accounts/login/")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()
        if totp_secret:
            for _attempt in range(2):
                page.wait_for_selector("input[name=code]")
                page.fill("input[name=code]", totp_code(totp_secret))
                page.locator("main form[method=post] [type=submit]").first.click()
                page.wait_for_load_state()
                if "/accounts/2fa/authenticate" not in page.url:
                    break
                # The code of this 30-second window was used already: wait for the next one.
                time.sleep(30 - time.time() % 30 + 0.5)
        assert "/accounts/login" not in page.url, f"still on the sign-in page: {page.url}"

    def signup_with_phone(self, phone: str, password: str) -> None:
        """Sign up with a mobile number and confirm it with the SMS code the server sent."""
        page = self.page
        self.goto("/accounts/signup/")
        page.fill("input[name=phone]", phone)
        page.fill("input[name=password1]", password)
        page.fill("input[name=password2]", password)
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()
        page.fill("input[name=code]", self.server.last_code("+86" + phone.removeprefix("+86")))
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()

    def logout(self):
        self.goto("/accounts/logout/")
        form = self.page.locator("main form[method=post]")
        if form.count():
            form.locator("[type=submit]").first.click()
            self.page.wait_for_load_state()


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def journey(browser, server, request):
    j = Journey(browser, server, request.node.nodeid.split("::", 1)[-1])
    yield j
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        folder = j.save_screenshots()
        print(f"\nscreenshots of the failed journey: {folder}")  # noqa: T201
    j.context.close()


@pytest.fixture
def new_journey(browser, server, request):
    """A second (third, …) person in the same test: ``other = new_journey("approver")``."""
    made = []

    def make(who: str) -> Journey:
        j = Journey(browser, server, f"{request.node.nodeid.split('::', 1)[-1]}-{who}")
        made.append(j)
        return j

    yield make
    failed = getattr(request.node, "rep_call", None)
    for j in made:
        if failed is not None and failed.failed:
            j.save_screenshots()
        j.context.close()
