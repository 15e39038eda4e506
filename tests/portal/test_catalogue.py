"""The Chinese catalogues as a whole (issue 15: "17 Pages" in the Chinese admin, a page's owner
shown as 业主 and its "Published" status as 发布日期 in Wagtail).

* Wagtail's admin speaks Chinese everywhere: each of its strings has a translation, its own or
  one in ``locale/libraries`` (hand-kept, for what Wagtail's catalogue leaves untranslated).
* The project's catalogue does not change what a library's string means: the same message
  without a context is one entry for both, so a project word that reads right only in the
  portal ("Owner" = 业主, the owner of a unit) takes its own context instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(django.__file__).resolve().parents[1]
PROJECT_PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
LIBRARY_PO = ROOT / "locale/libraries/zh_Hans/LC_MESSAGES/django.po"
WAGTAIL_APPS = ["wagtail/admin", "wagtail", "wagtail/users", "wagtail/documents", "wagtail/images"]


def entries(path: Path) -> dict[tuple[str | None, str], tuple[str, str | None]]:
    """{(context, msgid): (msgstr or msgstr[0], msgid_plural)} of a .po file, fuzzy ones left out."""
    out = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if m:
                key = m.group(1)
                parts[key] = [m.group(2)]
            elif line.startswith('"') and key:
                parts[key].append(line)
        text = {k: "".join(json.loads(v) for v in vs) for k, vs in parts.items()}
        if not text.get("msgid") or "#, fuzzy" in block:
            continue
        out[(text.get("msgctxt"), text["msgid"])] = (
            text.get("msgstr", text.get("msgstr[0]", "")),
            text.get("msgid_plural"),
        )
    return out


def _translate(context, msgid, plural):
    if plural:
        if context:
            return translation.npgettext(context, msgid, plural, 2), plural
        return translation.ngettext(msgid, plural, 2), plural
    if context:
        return translation.pgettext(context, msgid), msgid
    return translation.gettext(msgid), msgid


def _has_words(text: str) -> bool:
    """English words outside placeholders, tags and names that stay as they are."""
    text = re.sub(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>|Wagtail|\b(?:API|URL|ID)\b|v\d+", " ", text)
    return bool(re.search(r"[A-Za-z]{2,}", text))


def test_library_catalogue_is_valid_and_complete():
    """Every entry of the hand-kept catalogue has its translation."""
    found = entries(LIBRARY_PO)
    assert len(found) > 300
    assert not [k for k, (text, _p) in found.items() if not text]


@pytest.mark.parametrize("app", WAGTAIL_APPS)
def test_every_wagtail_admin_string_has_chinese(app):
    """E.g. the dashboard's "17 Pages" is "17 个页面"; "Search all pages…" is "搜索全部页面…"."""
    english = entries(SITE / app / "locale/en/LC_MESSAGES/django.po")
    untranslated = []
    with translation.override("zh-hans"):
        for (context, msgid), (_text, plural) in english.items():
            result, source = _translate(context, msgid, plural)
            if result == source and _has_words(source):
                untranslated.append(msgid)
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_dashboard_counts_in_chinese():
    with translation.override("zh-hans"):
        text = translation.ngettext(
            '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
            17,
        ) % {"total": 17, "site_name": "共治"}
    assert text.startswith("17 个页面")


# A project translation of a library's own message, reviewed: it reads right in the library's
# place too (the portal's word is simply the one it uses everywhere).
SHARED = {
    "All": "全部 reads right for Wagtail's filters too",
    "Accounts": "账号 is the portal's word for an account",
    "Account": "账号 is the portal's word for an account",
    "name": "名称 fits Wagtail's and allauth's name fields",
    "object id": "对象编号 is plain Chinese for an object's id",
    "description": "说明 fits Wagtail's image and promotion descriptions",
    "Description": "说明 fits Django's admin docs",
    "year": "年度 fits django-filter's year",
    "Image": "图片 is what Wagtail's admin calls an image",
    "Rejected": "已驳回 is what a rejected workflow step is in Chinese practice",
    "Reject": "驳回 likewise",
    "Breadcrumb": "当前位置 is what Chinese government sites call it",
    "Filter": "筛选 is the common word for a filter button",
    "Previous": "上一页 fits Wagtail's paginators",
    "Next": "下一页 fits Wagtail's paginators",
    "Today": "今日 reads right in Django's admin",
    ":": "the label suffix: a Chinese label ends with the full-width colon, in Django's forms too",
    ":?.!": "the marks after which Django adds no label suffix, with their full-width forms",
    "Action": "操作 is the usual column title",
    "Actions": "操作 likewise",
    "Download CSV": "spacing around Latin words only",
    "Download XLSX": "spacing around Latin words only",
    "Admin": "管理后台 fits Wagtail's admin-access permission",
    "Changes": "变更 fits Wagtail's revision comparison",
    "Requested by": "申请人 fits Wagtail's workflow reports",
    "created": "创建时间 fits allauth's created column",
    "entry": "记录 fits Django's admin log entry",
    "Page not found": "页面不存在 reads right in Django's admin too",
}


def test_project_catalogue_does_not_reword_library_messages():
    """Where the project translates a message a library also uses (same text, same context),
    its Chinese must read right in the library's place too: reviewed ones are listed above
    with why; any other takes a context of its own (``{% translate "Owner" context "owner of
    a unit" %}``), so Wagtail's page owner stays 所有者 and its "Published" status 已发布."""
    library: dict = {}
    for po in SITE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for key, (text, _p) in entries(po).items():
            if text:
                library.setdefault(key, set()).add(text)
    reworded = []
    for key, (text, _p) in entries(PROJECT_PO).items():
        theirs = library.get(key, set()) - {text}
        if theirs and key[1] not in SHARED:
            reworded.append(f"{key[1]!r}: ours {text!r}, theirs {sorted(theirs)}")
    assert not reworded, "\n".join(reworded)


def test_every_wagtail_admin_script_string_has_chinese():
    """The admin's JavaScript strings too (its sidebar said "(2 new items in this menu)")."""
    from django.utils.translation.trans_real import DjangoTranslation

    app = SITE / "wagtail/admin/locale"
    catalogue = DjangoTranslation("zh_Hans", domain="djangojs", localedirs=[str(app)])
    english = entries(app / "en/LC_MESSAGES/djangojs.po")
    untranslated = []
    for (context, msgid), (_text, plural) in english.items():
        if plural:
            result, source = catalogue.ngettext(msgid, plural, 2), plural
        elif context:
            result, source = catalogue.pgettext(context, msgid), msgid
        else:
            result, source = catalogue.gettext(msgid), msgid
        if result == source and _has_words(source):
            untranslated.append(msgid)
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_page_statuses_read_as_people_say_them():
    """A published page is 已发布 in the admin (Wagtail's own Chinese said 在用)."""
    with translation.override("zh-hans"):
        assert translation.gettext("live") == "已发布"
        assert translation.gettext("Live") == "已发布"
        assert translation.gettext("live + draft") == "已发布 + 草稿"
