"""The layout checks: every page as a person sees it (tests/e2e/test_layout.py, docs/e2e.md).

One page in one variant (screen, theme, language) is opened in Chromium and judged:

* **http**: the page answered 2xx on the path asked for (a redirect elsewhere, to the sign-in
  page say, is a fault of its own: the role cannot see the page), and no request of the page
  (CSS, script, image, data) failed or answered 4xx/5xx;
* **console**: no error in the browser console and no uncaught script error (a script or style
  the Content-Security-Policy refuses shows up here: the policy is kept, not bypassed);
* **wide / overlaps / covered / squeezed / small**: measured by ``layout.js`` on the laid-out page (what
  each means is written there);
* **language**: on a Chinese page no English word, on an English page no Chinese character
  (CJK punctuation such as the enumeration comma 、 included), outside the names and content
  people stored (:class:`Stored`), the parts marked as another language or as not to be
  translated, and the short :data:`ALLOWED` list below;
* **axe**: axe-core (npm, ``node_modules/axe-core``, injected into the page by Playwright, never
  from a CDN) reports no serious or critical violation.

A full-page screenshot of every page and variant is kept, with the findings, under
:data:`SHOTS` (``index.html`` there shows them side by side).
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKS_JS = (Path(__file__).with_name("layout.js")).read_text(encoding="utf-8")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parent / "screenshots" / "layout"
SHOT_MAX_PX = 6000
THEME_COOKIE = "gongzhi_theme"  # portal.core.themes.THEME_COOKIE
LANGUAGE_COOKIE = "django_language"  # Django's LANGUAGE_COOKIE_NAME


# ---- variants --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str
    width: int
    height: int
    phone: bool = False
    theme: str = "default"
    language: str = "zh-hans"

    @property
    def min_target(self) -> int:
        """Smallest link/button/field in CSS px: 44 in the care theme (the elderly-friendly
        rules), 24 on the phone (WCAG 2.5.8), not measured on the standard desktop."""
        if self.theme == "care":
            return 44
        return 24 if self.phone else 0


DESKTOP = Variant("desktop", 1366, 900)
PHONE = Variant("phone", 390, 844, phone=True)
DESKTOP_CARE = Variant("desktop-care", 1366, 900, theme="care")
PHONE_CARE = Variant("phone-care", 390, 844, phone=True, theme="care")
DESKTOP_EN = Variant("desktop-en", 1366, 900, language="en")
PHONE_EN = Variant("phone-en", 390, 844, phone=True, language="en")
EVERY_PAGE = (DESKTOP, PHONE)
MOST_OPENED = (DESKTOP_CARE, PHONE_CARE, DESKTOP_EN, PHONE_EN)
VARIANTS = EVERY_PAGE + MOST_OPENED


def new_context(browser, base_url: str, variant: Variant, storage_state=None):
    """A browser context for one variant: screen, touch, theme and language cookies, axe-core
    loaded into every document (as an init script, so the page's CSP stays in force)."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": variant.width, "height": variant.height},
        is_mobile=variant.phone,
        has_touch=variant.phone,
        device_scale_factor=1,  # layout is in CSS px; 1× keeps the screenshots quick
        locale="en-US" if variant.language == "en" else "zh-CN",
        storage_state=storage_state,
    )
    context.add_cookies(
        [
            {"name": LANGUAGE_COOKIE, "value": variant.language, "url": base_url},
            {"name": THEME_COOKIE, "value": variant.theme, "url": base_url},
        ]
    )
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(30_000)
    return context


# ---- what was found --------------------------------------------------------------------

KINDS = ("http", "console", "wide", "overlaps", "covered", "squeezed", "small", "language", "axe")
LABELS = {
    "http": "HTTP",
    "console": "console errors",
    "wide": "wider than the screen",
    "overlaps": "overlapping text or controls",
    "covered": "text hidden under another box (first screen)",
    "squeezed": "words broken one or two characters a line",
    "small": "targets too small",
    "language": "words in the other language",
    "axe": "axe-core serious/critical",
}


@dataclass
class Findings:
    page: str
    variant: str
    url: str
    seconds: float = 0.0
    screenshot: str = ""
    http: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    wide: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    squeezed: list[str] = field(default_factory=list)
    small: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)

    def faults(self) -> dict[str, list[str]]:
        return {k: getattr(self, k) for k in KINDS if getattr(self, k)}

    def report(self) -> str:
        lines = [f"{self.page} [{self.variant}] {self.url}"]
        for kind, items in self.faults().items():
            lines.append(f"  {LABELS[kind]}:")
            lines += [f"    - {item}" for item in items]
        lines.append(f"  screenshot: {self.screenshot}")
        return "\n".join(lines)


class Watch:
    """Failed requests and console errors of one page, cleared before each visit."""

    def __init__(self, page):
        self.http: list[str] = []
        self.console: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"[:300]))
        page.on("response", self._response)
        page.on("requestfailed", lambda r: self.http.append(f"failed {r.url} ({r.failure})"))

    def clear(self) -> None:
        self.http.clear()
        self.console.clear()

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console.append(f"{message.text[:240]}" + (f" ({where})" if where else ""))

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.http.append(f"{response.status} {response.request.resource_type} {response.url}")


SETTLE_JS = """async () => {
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help} — ` +
              v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '));
}"""


def check(page, watch: Watch, variant: Variant, stored: Stored, *, expect_path: str) -> Findings:
    """Judge the page as it is now (after its navigation and any step)."""
    from urllib.parse import urlsplit

    found = Findings(page="", variant=variant.name, url=page.url)
    page.evaluate(SETTLE_JS)
    landed = urlsplit(page.url)
    if landed.path != urlsplit(expect_path).path:
        found.http.append(f"landed on {landed.path}{'?' + landed.query if landed.query else ''}")
    measured = page.evaluate(CHECKS_JS, {"minTarget": variant.min_target})
    if measured["scrollWidth"] > measured["width"] + 1:
        found.wide.insert(
            0, f"the page is {measured['scrollWidth']} px wide on a {measured['width']} px screen"
        )
    found.wide += measured["wide"]
    found.overlaps = measured["overlaps"]
    found.covered = measured["covered"]
    found.squeezed = measured["squeezed"]
    found.small = measured["small"]
    found.language = stray_language(measured["texts"], variant.language, stored)
    found.axe = page.evaluate(AXE_JS)
    found.http += watch.http
    found.console += watch.console
    return found


# ---- language ----------------------------------------------------------------------------

# The allow-list, in one place and short. Names and codes are better marked in the page
# (translate="no"; lang="en" on an English part, as the language switch is): then they need no
# entry here. Each entry says why it may stand in the other language.
ALLOWED = {
    # on Chinese pages
    "Atom": "the feed format's name on the feed links (as 'RSS' is; acronyms are never flagged)",
    "Excel": "the spreadsheet program's name, as Chinese users say it (下载Excel)",
    # on English pages: none
}

CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+"
)
# An English word: two letters or more, at least one lower-case (acronyms and codes such as
# PDF, QR, NPPF-RPKV are not words; m² is a unit).
WORD = re.compile(r"(?<![A-Za-z])(?=[A-Za-z]*[a-z])[A-Za-z]{2,}(?:['’][a-z]+)?(?![A-Za-z])")
# A code: a run of letters and digits mixed (9134020000000001ML, fls-03), or joined by _ + / =
# (area_source, a base64 key). Codes are not words in either language.
CODE = re.compile(
    r"[A-Za-z0-9+/=_.-]*(?:[A-Za-z]-?[0-9]|[0-9]-?[A-Za-z]|[A-Za-z0-9][_+/=][A-Za-z0-9=])"
    r"[A-Za-z0-9+/=_.-]*"
)
ADDRESSES = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?:https?://|www\.)\S+"  # web address
    r"|(?<!\w)/[\w./?=&%-]*"  # a path
    r"|[\w-]+\.(?:pdf|csv|xlsx|json|xml|png|jpe?g|txt|pem)\b",  # a file name
    re.I,
)


class Stored:
    """The pieces of text people stored (names, content): see ``layout_corpus``."""

    def __init__(self, pieces):
        # One Latin letter is no name; one Chinese character can be (a chart's unit 个).
        self.pieces = {p for p in pieces if len(p) >= 2 or CJK.fullmatch(p)}
        self.longest = max((len(p) for p in self.pieces), default=0)
        self.joined = "\n".join(sorted(self.pieces))

    def blank(self, text: str) -> str:
        """``text`` with every stored piece it holds blanked out: what is left is the
        portal's own wording."""
        t = text.strip()
        if not t or t in self.pieces:
            return ""
        # An excerpt of stored content (a truncated title, a search snippet): long enough that
        # it cannot be a label of the portal's own.
        core = t.rstrip("…").removesuffix("...").strip()
        if len(core) >= 12 and core in self.joined:
            return ""
        out = list(t)
        i, n = 0, len(t)
        while i < n:
            if not t[i].isalnum():
                i += 1
                continue
            for j in range(min(n, i + self.longest), i, -1):
                if t[i:j] in self.pieces and _whole_words(t, i, j):
                    out[i:j] = " " * (j - i)
                    i = j
                    break
            else:
                i += 1
        return "".join(out)


def _whole_words(t: str, i: int, j: int) -> bool:
    """A Latin-script piece must not start or end inside a word ('on' inside 'Online')."""

    def latin(c: str) -> bool:
        return c.isascii() and c.isalpha()

    if i > 0 and latin(t[i - 1]) and latin(t[i]):
        return False
    return not (j < len(t) and latin(t[j - 1]) and latin(t[j]))


def stray_language(texts: list[dict], language: str, stored: Stored) -> list[str]:
    """The pieces of page text holding words of the other language, with what they hold."""
    chinese_page = language.startswith("zh")
    out: list[str] = []
    seen = set()
    for item in texts:
        text = item["text"]
        if (text, item["where"]) in seen:
            continue
        seen.add((text, item["where"]))
        bare = CODE.sub(" ", ADDRESSES.sub(" ", text))
        pattern = WORD if chinese_page else CJK
        if not pattern.search(bare):
            continue
        left = stored.blank(bare)
        words = [w for w in pattern.findall(left) if w not in ALLOWED]
        if words:
            shown = text if len(text) <= 80 else text[:77] + "…"
            out.append(f'{item["where"]}: "{shown}" → {" ".join(dict.fromkeys(words))}')
    return out


# ---- the screenshots' folder ---------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


def shot_path(page_name: str, variant: Variant) -> Path:
    return SHOTS / variant.name / f"{_slug(page_name)}.png"


def save(found: Findings) -> None:
    """Keep the findings next to the screenshot (index.html is built from them)."""
    path = SHOTS / found.variant / f"{_slug(found.page)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(found), ensure_ascii=False, indent=1), encoding="utf-8")


def fresh_folder(run_id: str) -> None:
    """Empty :data:`SHOTS` once per test run (the xdist workers of one run share it)."""
    import fcntl
    import shutil

    SHOTS.mkdir(parents=True, exist_ok=True)
    with open(SHOTS.parent / ".layout.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = SHOTS / "run.txt"
        if not marker.exists() or marker.read_text() != run_id:
            shutil.rmtree(SHOTS)
            SHOTS.mkdir(parents=True)
            marker.write_text(run_id)


def write_index() -> Path:
    """``index.html``: every page's variants side by side, with what each check found."""
    rows: dict[str, dict[str, dict]] = {}
    for path in sorted(SHOTS.glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.setdefault(data["page"], {})[data["variant"]] = data
    order = [v.name for v in VARIANTS]
    parts = [
        "<!DOCTYPE html><meta charset='utf-8'><title>Layout checks</title>",
        "<style>body{font-family:sans-serif}td{vertical-align:top;padding:4px;border:1px solid #ccc}"
        "img{max-width:260px;display:block}.bad{color:#a3141c}ul{margin:0;padding-left:1rem;"
        "font-size:12px;max-width:260px}</style>",
        f"<h1>Layout checks</h1><p>{time.strftime('%Y-%m-%d %H:%M')}</p><table><tr><th>page</th>",
    ]
    parts += [f"<th>{v}</th>" for v in order]
    parts.append("</tr>")
    for page, by_variant in rows.items():
        parts.append(f"<tr><td>{html.escape(page)}</td>")
        for v in order:
            data = by_variant.get(v)
            if not data:
                parts.append("<td></td>")
                continue
            shot = Path(data["screenshot"]).relative_to(SHOTS) if data["screenshot"] else ""
            items = [
                f"<li class=bad>{LABELS[k]}: {html.escape(x)}</li>" for k in KINDS for x in data[k]
            ]
            parts.append(
                f"<td><a href='{shot}'><img src='{shot}' loading=lazy></a>"
                f"<ul>{''.join(items) or '<li>no fault</li>'}</ul></td>"
            )
        parts.append("</tr>")
    parts.append("</table>")
    index = SHOTS / "index.html"
    index.write_text("".join(parts), encoding="utf-8")
    return index


# ---- a run over the page table ------------------------------------------------------------


class Run:
    """Signs each role in once, keeps one browser context per role and variant (pages are
    reused: a context's one tab moves from page to page), and checks pages of the table."""

    def __init__(self, browser, base_url: str, *, refs: dict, stored: Stored, accounts: dict):
        self.browser = browser
        self.base_url = base_url
        self.refs = refs
        self.stored = stored
        self.accounts = accounts
        self.states: dict[str, dict | None] = {}
        self.tabs: dict[tuple[str, str], tuple] = {}

    def state(self, role: str):
        """The signed-in cookies of ``role``'s demo account (signed in once per run, through
        the sign-in form, staff with their TOTP code, as the journeys do)."""
        if role not in self.states:
            account = self.accounts[role]
            if account is None:
                self.states[role] = None
            else:
                from types import SimpleNamespace

                from portal.core.demo import DEMO_TOTP_SECRET
                from tests.e2e.conftest import Journey

                journey = Journey(
                    self.browser, SimpleNamespace(url=self.base_url), f"layout-{role}"
                )
                try:
                    staff = not account.startswith(("owner", "resident", "proxy"))
                    journey.login(account, totp_secret=DEMO_TOTP_SECRET if staff else None)
                    self.states[role] = journey.context.storage_state()
                finally:
                    journey.context.close()
        return self.states[role]

    def tab(self, role: str, variant: Variant):
        key = (role, variant.name)
        if key not in self.tabs:
            # Contexts of the previous variant are not needed again (cases run variant by variant).
            for old in [k for k in self.tabs if k[1] != variant.name]:
                self.tabs.pop(old)[0].close()
            context = new_context(self.browser, self.base_url, variant, self.state(role))
            page = context.new_page()
            self.tabs[key] = (context, page, Watch(page))
        return self.tabs[key]

    def check(self, entry, variant: Variant) -> Findings:
        """Open ``entry`` (a layout_pages.Page) in ``variant``, judge it, keep its screenshot."""
        _context, page, watch = self.tab(entry.role, variant)
        path = entry.path.format(**self.refs)
        watch.clear()
        started = time.monotonic()
        response = page.goto(path, wait_until="load")
        if entry.step:
            entry.step(page)
        found = check(page, watch, variant, self.stored, expect_path=path)
        found.seconds = round(time.monotonic() - started, 2)
        found.page = f"{entry.name}.{entry.role}"
        found.url = path
        if response is not None and response.status >= 400:
            found.http.insert(0, f"{response.status} on {path}")
        shot = shot_path(found.page, variant)
        shot.parent.mkdir(parents=True, exist_ok=True)
        height = page.evaluate("document.documentElement.scrollHeight")
        # A page taller than SHOT_MAX_PX is shot down to there (the rest is checked, not shown).
        clip = {"x": 0, "y": 0, "width": variant.width, "height": min(height, SHOT_MAX_PX)}
        page.screenshot(path=str(shot), full_page=True, clip=clip)
        found.screenshot = str(shot)
        save(found)
        return found

    def close(self) -> None:
        for context, _page, _watch in self.tabs.values():
            context.close()
        self.tabs.clear()
