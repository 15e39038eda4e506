"""The layout checks themselves (tests/e2e/layout.py, layout.js): each finds the fault it is for
on a small page made to have it, and finds nothing on the same page without it.

The pages are served by Playwright's router on a made-up origin (no portal server needed).
"""

from __future__ import annotations

import pytest

from tests.e2e import layout
from tests.e2e.layout import DESKTOP, DESKTOP_EN, PHONE, PHONE_CARE, Stored

pytestmark = pytest.mark.e2e

ORIGIN = "http://layout.test"


def html(body: str, *, lang: str = "zh-hans", head: str = "") -> str:
    title, heading = ("Gongzhi", "Title") if lang == "en" else ("共治", "标题")
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{margin:0;font:16px/1.6 sans-serif}}"
        f"button,a.button{{display:inline-block;min-height:48px;min-width:48px}}</style>{head}"
        f"</head><body><main><h1>{heading}</h1>{body}</main></body></html>"
    )


class Site:
    """Pages by path; anything else is a 404."""

    def __init__(self, browser):
        self.browser = browser
        self.pages: dict[str, tuple[int, str, dict]] = {}
        self.contexts = []

    def serve(self, route):
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        status, body, headers = self.pages.get(path, (404, "missing", {}))
        route.fulfill(status=status, body=body, headers={"content-type": "text/html", **headers})

    def judge(
        self, body_html: str, variant=PHONE, *, stored=(), path="/p", status=200, headers=None
    ):
        self.pages[path] = (status, body_html, headers or {})
        context = layout.new_context(self.browser, ORIGIN, variant)
        self.contexts.append(context)
        context.route(f"{ORIGIN}/**", self.serve)
        page = context.new_page()
        watch = layout.Watch(page)
        page.goto(path, wait_until="load")
        return layout.check(page, watch, variant, Stored(stored), expect_path=path)


@pytest.fixture
def site(browser):
    s = Site(browser)
    yield s
    for context in s.contexts:
        context.close()


def test_a_good_page_has_no_fault(site):
    """The checks stay quiet on a page without faults, on the phone and in the care theme."""
    body = (
        "<p>业主在线表决，<a href='/p'>查看表决</a>之后再决定。</p>"
        "<button type=button>继续</button>"
        "<table><tr><th>小区</th><th>面积</th></tr><tr><td>滨江花园</td><td>109.32</td></tr></table>"
    )
    for variant in (PHONE, PHONE_CARE, DESKTOP):
        found = site.judge(html(body), variant)
        assert not found.faults(), found.report()


def test_wider_than_the_screen(site):
    found = site.judge(html("<div class=wide style='width:600px'>很宽的内容</div>"))
    assert found.wide[0] == "the page is 600 px wide on a 390 px screen"
    assert any("div.wide" in w for w in found.wide[1:])


def test_a_wide_table_in_a_scrolling_box_counts(site):
    """The page does not scroll, the table does: people still scroll sideways to read it."""
    found = site.judge(
        html(
            "<div style='overflow-x:auto'><table style='width:700px'><tr><td>是否计入</td>"
            "</tr></table></div>"
        )
    )
    assert len(found.wide) == 1 and found.wide[0].startswith("table")


def test_clipped_content_and_the_skip_link_are_not_wide(site):
    body = (
        "<a href='#main' style='position:absolute;left:-9999px'>跳到正文</a>"
        "<div style='overflow:hidden'><div style='width:900px'>裁掉的部分</div></div>"
    )
    assert site.judge(html(body)).wide == []


def test_overlapping_text(site):
    """The broken header: the brand drawn over the navigation."""
    body = (
        "<div style='position:relative;height:60px'>"
        "<a href='/' style='position:absolute;top:0;left:0;font-size:24px'>共治平台</a>"
        "<nav style='position:absolute;top:4px;left:10px'><a href='/n'>通知公告</a></nav></div>"
    )
    found = site.judge(html(body), DESKTOP)
    assert found.overlaps == ['"共治平台" (a) overlaps "通知公告" (a)']


def test_text_on_tight_lines_does_not_overlap(site):
    """Lines set solid (line-height 1) have glyph boxes a few pixels taller than the line:
    neighbours touch, which is not covering."""
    body = "".join(f"<div style='line-height:1'>维修资金紧急使用第{i}行</div>" for i in range(4))
    assert site.judge(html(body), DESKTOP).overlaps == []


def test_rotated_chart_labels_touching_are_not_overlaps_crossing_ones_are(site):
    def labels(gap: int) -> str:
        texts = "".join(
            f"<text x='{40 + i * gap}' y='80' transform='rotate(-30 {40 + i * gap} 80)' "
            f"font-size='12'>2026-0{i + 1}</text>"
            for i in range(3)
        )
        return html(f"<svg width='300' height='120'>{texts}</svg>")

    assert site.judge(labels(26), DESKTOP).overlaps == []
    assert len(site.judge(labels(6), DESKTOP).overlaps) >= 2


def test_text_a_clip_hides_does_not_overlap(site):
    """A chart's scrolling legend keeps the items of its other pages in place, clipped away."""
    legend = (
        "<svg width='300' height='60'><defs><clipPath id='c'><rect x='0' y='0' width='100' "
        "height='60'/></clipPath></defs><g clip-path='url(#c)'>"
        "<text x='10' y='30' font-size='14'>已评价</text><text x='150' y='30' font-size='14'>"
        "未评价</text></g><text x='150' y='30' font-size='14'>1/2</text></svg>"
    )
    assert site.judge(html(legend), DESKTOP).overlaps == []
    shown = legend.replace("width='100'", "width='300'")
    assert site.judge(html(shown), DESKTOP).overlaps == ['"未评价" (text) overlaps "1/2" (text)']


def test_text_hidden_under_a_box(site):
    body = (
        "<p style='margin:0'>被遮住的标题文字</p>"
        "<div style='position:absolute;top:60px;left:0;width:400px;height:60px;{}'></div>"
    )
    found = site.judge(html(body.format("background:#e8e8e8")), DESKTOP)
    assert len(found.covered) == 1 and found.covered[0].startswith('"被遮住的标题文字"')
    assert site.judge(html(body.format("background:transparent")), DESKTOP).covered == []


def test_words_broken_a_character_a_line(site):
    body = (
        "<table><tr><td style='width:1em;max-width:1em'>滨江花园</td><td>2-3-0102</td></tr></table>"
    )
    found = site.judge(html(body))
    assert found.squeezed == ['"滨江花园" (td) on 4 lines']


def test_small_targets(site):
    body = (
        "<p>请先<a href='/p'>阅读说明</a>再表决。</p>"  # in a sentence: exempt
        "<p><a href='/all'>全部通知公告</a></p>"  # alone: a target of its own
        "<input type=radio name=c aria-label='同意'>"
        "<button type=button style='min-height:0;height:30px'>提交</button>"
    )
    phone = site.judge(html(body), PHONE).small
    assert len(phone) == 2, phone
    assert phone[0].startswith('a "全部通知公告"'), phone
    assert phone[1] == 'input[radio] "同意" 13×13 px', phone  # a bare radio button
    care = site.judge(html(body), PHONE_CARE).small
    assert any('button "提交"' in s for s in care), care  # 30 px: under the care theme's 44
    assert site.judge(html(body), DESKTOP).small == []  # not measured on the standard desktop


def test_english_on_a_chinese_page(site):
    body = (
        "<p>下载 report 表格（PDF）</p>"  # an English word; PDF is an acronym
        "<button type=button lang=en>English</button>"  # the language switch
        "<p>小区代码 <span translate=no>binjiang</span>，<code>area_source</code></p>"
        "<p>物业：Gongzhi Tower 管理处</p>"  # a stored name
        "<p>下载Excel（XLSX）</p>"  # on the allow-list
    )
    found = site.judge(html(body), DESKTOP, stored=["Gongzhi Tower"])
    assert found.language == ['p: "下载 report 表格（PDF）" → report']


def test_chinese_on_an_english_page(site):
    body = (
        "<p>Channels: Online、Paper ballot</p>"  # the Chinese enumeration comma
        "<h2>Your estate: 滨江花园</h2>"  # a stored name inside the portal's own words
        "<p>Unit 2号楼</p>"  # a label of the portal's own, in Chinese
        "<p>业主委员会提议：现物业服务合同到期后不再续聘…</p>"  # an excerpt of stored content
        "<figcaption>Estates (个)</figcaption>"  # a stored one-character unit
        "<button type=button lang=zh-hans>简体中文</button>"
    )
    stored = [
        "滨江花园",
        "个",
        "业主委员会提议：现物业服务合同到期后不再续聘，公开选聘新的物业服务企业。",
    ]
    found = site.judge(html(body, lang="en"), DESKTOP_EN, stored=stored)
    assert found.language == [
        'p: "Channels: Online、Paper ballot" → 、',
        'p: "Unit 2号楼" → 号楼',
    ]


def test_http_and_console_errors_and_where_the_page_landed(site):
    site.pages["/broken.js"] = (200, "throw new Error('boom')", {"content-type": "text/javascript"})
    body = html("<img src='/missing.png' alt='图'><script src='/broken.js'></script>")
    found = site.judge(body, DESKTOP)
    assert any(h.startswith("404 image http://layout.test/missing.png") for h in found.http)
    assert any("boom" in c for c in found.console), found.console
    # A page that ends up at another address (as a redirect to the sign-in page does).
    moved = html("<script>history.replaceState(null, '', '/elsewhere?next=/moved')</script>")
    assert site.judge(moved, DESKTOP, path="/moved").http == ["landed on /elsewhere?next=/moved"]


def test_the_content_security_policy_stays_in_force(site):
    """axe is loaded as an init script, so the page's CSP is not bypassed: an inline script
    the policy refuses is a console error, and axe still runs."""
    body = html("<script>document.title = 'x'</script>")
    found = site.judge(body, DESKTOP, headers={"content-security-policy": "script-src 'self'"})
    assert any("Content Security Policy" in c for c in found.console), found.console
    assert found.axe == []


def test_axe_reports_serious_and_critical_findings(site):
    found = site.judge(html("<img src='/photo.png'><p>无替代文字的图片</p>"), DESKTOP)
    assert any(a.startswith("image-alt (critical") for a in found.axe), found.axe


# ---- the stored words (no browser) ---------------------------------------------------------


def test_stored_pieces_are_blanked_whole_words_only():
    stored = Stored(["滨江花园", "on", "binjiang"])
    assert stored.blank("Your estate: 滨江花园").strip() == "Your estate:"
    assert stored.blank("done") == "done"  # 'on' is not a word of 'done'
    assert stored.blank("code binjiang").strip() == "code"


def test_an_excerpt_of_stored_content_is_content_a_short_phrase_is_not():
    stored = Stored(["范罗山街道关于冬季燃气安全入户检查的通知", "业主委员会提议召开会议"])
    assert stored.blank("范罗山街道关于冬季燃气安全…") == ""
    assert stored.blank("业主委员会").strip() == "业主委员会"  # a label, though stored text has it
