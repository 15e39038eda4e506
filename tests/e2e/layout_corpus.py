"""The words people stored in the portal (names and content), for the layout test's language check.

On an English page Chinese may appear only as content and names: notice titles and bodies, vote
motions, estate, company and person names, all of them stored in the database. What is not stored
(a label in a template, a status, a date format, an enumeration comma) is the portal's own
wording and must follow the page's language. So the language check removes from every piece of
page text the stored pieces of text it contains, and judges what is left.

``dump(path)`` runs inside the portal server's database (``manage.py shell``) and writes every
stored text value, split into the pieces a page shows (lines, paragraphs of rich text), one per
line. Values of fields with choices (codes such as ``open``) and secrets are left out.
"""

from __future__ import annotations

import html
import json
import re

# The project's apps plus the Wagtail models whose text pages show (page titles, documents).
APPS = {
    "core",
    "accounts",
    "organisations",
    "audit",
    "registry",
    "voting",
    "fund",
    "credit",
    "cms",
    "dashboards",
    "api",
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
}
# Never text a page shows: keys, hashes, ciphertext, tokens, and the audit log's raw payloads.
SECRET = re.compile(r"hash|encrypt|secret|token|key|password|signature|sealed|nonce|digest|payload")
# Codes of a state kept without ``choices`` (a vote's ``outcome`` "failed", a rating's
# ``supervision`` "ban") and paths: the page must show their translated label, never the code.
STATE = re.compile(
    r"^(?:status|state|outcome|supervision|kind|type|event|action|level|channel|role)$|path$"
)
# Block boundaries of rich text: each block is one piece of text on the page.
BLOCKS = re.compile(r"</?(?:p|div|li|h[1-6]|br|tr|td|th|ul|ol|blockquote|dd|dt)\b[^>]*>", re.I)
TAGS = re.compile(r"<[^>]+>")


def pieces(value: str) -> set[str]:
    """The pieces of text a stored value shows as: the whole, each block, each line."""
    out = set()
    text = html.unescape(BLOCKS.sub("\n", value))
    text = TAGS.sub("", text)
    whole = " ".join(text.split())
    if whole:
        out.add(whole)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            out.add(line)
    return out


def _strings(raw) -> list[str]:
    """Every string inside a JSON-like value (StreamField raw data)."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        return [s for k, v in raw.items() if k not in ("id", "type") for s in _strings(v)]
    if isinstance(raw, list | tuple):
        return [s for v in raw for s in _strings(v)]
    return []


def collect() -> set[str]:
    from django.apps import apps
    from django.db import models

    try:
        from wagtail.fields import StreamField
    except ImportError:  # pragma: no cover - Wagtail is installed
        StreamField = ()  # noqa: N806

    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.proxy:
            continue
        names = []
        for field in model._meta.concrete_fields:
            if field.choices or SECRET.search(field.name) or STATE.search(field.name):
                continue
            if field.model is not model:
                continue
            if isinstance(field, models.CharField | models.TextField | StreamField):
                names.append(field.attname)
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            for value in row:
                if not value:
                    continue
                if isinstance(value, str):
                    found |= pieces(value)
                else:  # a StreamField's value (raw block data)
                    raw = getattr(value, "raw_data", value)
                    for s in _strings(list(raw) if not isinstance(raw, dict | str) else raw):
                        found |= pieces(s)
    return found


def dump(path: str) -> None:
    """Write the stored pieces of text to ``path`` (JSON list)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sorted(collect()), f, ensure_ascii=False)
