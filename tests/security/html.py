"""A small HTML scanner for the security tests: POST forms and scripts of a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@dataclass
class Form:
    action: str
    method: str
    inputs: list[str] = field(default_factory=list)


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.inline_scripts: list[str] = []
        self.event_handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self._form: Form | None = None
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.javascript_urls.append(f"<{tag} {name}={value}>")
        if tag == "form":
            self._form = Form(
                action=a.get("action") or "", method=(a.get("method") or "get").lower()
            )
            self.forms.append(self._form)
        elif tag in ("input", "button", "select", "textarea") and self._form is not None:
            if a.get("name"):
                self._form.inputs.append(a["name"])
        elif tag == "script":
            self._script = {"src": a.get("src"), "type": (a.get("type") or "").lower(), "body": ""}

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "script" and self._script is not None:
            s = self._script
            if not s["src"] and s["type"] not in DATA_SCRIPT_TYPES and s["body"].strip():
                self.inline_scripts.append(s["body"].strip()[:80])
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["body"] += data


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser
