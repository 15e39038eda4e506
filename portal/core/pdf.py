"""PDFs for the portal: render a Django template to PDF, sign it, and draw QR codes.

* :func:`render_pdf` renders a template (the theme loader applies, so a theme may override
  ``pdf/base.html``) with WeasyPrint. Templates live in ``themes/default/templates/pdf/`` and
  extend ``pdf/base.html``. The CJK font (WenQuanYi Zen Hei, Debian ``fonts-wqy-zenhei``) is
  found through Fontconfig and embedded (subset) in the PDF.
* :func:`sign_pdf` adds a PAdES signature under the portal's certificate
  (:mod:`portal.core.signing`).
* :func:`qr_svg` returns an SVG QR code as markup to embed in a template.

Rendering happens in the language that is active (``translation.override`` in tasks).
Resources are fetched only from ``data:`` URLs and files inside the theme, static and media
folders: a template that shows user content can never make the server fetch a network URL.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .signing import sign_pdf

__all__ = ["render_pdf", "sign_pdf", "qr_svg", "fixed_width_lines", "display_width", "warm_up"]

_local = threading.local()


def _font_config():
    """One WeasyPrint FontConfiguration per thread, reused across calls.

    Building it loads Fontconfig's font list, which costs far more than a small PDF; it is not
    shared between threads because it holds Pango/Fontconfig state that is not thread-safe.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def _image_cache() -> dict:
    cache = getattr(_local, "image_cache", None)
    if cache is None:
        cache = _local.image_cache = {}
    if len(cache) > 64:  # a few logos and stamps are cached; never let it grow unbounded
        cache.clear()
    return cache


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.THEMES_DIR), Path(settings.MEDIA_ROOT)]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in roots]


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Fetch ``data:`` URLs and local files under the theme, static or media folders."""

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in _allowed_roots()):
                    return super().fetch(url, headers)
            raise ValueError(f"PDF resource not allowed: {url[:200]}")

    return LocalOnlyFetcher(allowed_protocols=("data", "file"))


def default_base_url() -> str:
    """Relative URLs in PDF templates resolve against the default theme's static folder."""
    return (Path(settings.THEMES_DIR) / "default" / "static").resolve().as_uri() + "/"


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes.

    ``base_url`` resolves relative URLs of images and stylesheets (default: the default theme's
    static folder, so ``<img src="img/logo.png">`` works); only local files and ``data:`` URLs
    are ever fetched. The font configuration is kept per thread and reused.
    """
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    document = HTML(
        string=html,
        base_url=base_url or default_base_url(),
        url_fetcher=_url_fetcher(),
    )
    return document.write_pdf(font_config=_font_config(), cache=_image_cache())


def warm_up() -> None:
    """Pay now, at a server process's start, what its first PDF would otherwise wait for:
    importing WeasyPrint and pyHanko (about 0.7 s of CPU), Fontconfig, Pango and the CJK font,
    and pyHanko's first signature (about 0.3 s more). Called by ``portal.wsgi`` (runserver and
    gunicorn); commands and tests never import that, so they do not pay it.

    Signs only when the signing credentials already exist: starting a server never creates keys.
    """
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf("pdf/base.html", {"title": "共治"})
    from . import signing

    if (signing.key_dir() / signing.KEY_FILE).exists():
        sign_pdf(pdf, reason="warm-up")
    else:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
        from pyhanko.sign import signers  # noqa: F401


def qr_svg(data: str) -> SafeString:
    """An SVG QR code for ``data`` (error correction M) as markup safe to embed in a template.

    The SVG has a viewBox and scales to its container; size it with CSS (``width: 30mm``).
    """
    import qrcode
    from qrcode.image.svg import SvgPathImage

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image(image_factory=SvgPathImage)
    markup = image.to_string(encoding="unicode")
    if markup.startswith("<?xml"):
        markup = markup[markup.index("?>") + 2 :].lstrip()
    return mark_safe(markup)  # noqa: S308 - generated by qrcode: path data only, no user text


def display_width(text: str) -> int:
    """Columns ``text`` takes in a CJK monospaced font: a wide character (汉字, full-width
    punctuation) takes two, any other one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fixed_width_lines(rows: Iterable[Sequence[str]], *, align: str, gap: int = 2) -> list[str]:
    """``rows`` of cells as lines of text that line up in the ``.pdf-fixed`` font (WenQuanYi
    Zen Hei Mono, where a wide character is exactly two narrow ones): each column padded to its
    widest cell, ``"<"`` left-aligned or ``">"`` right-aligned (one letter per column), columns
    ``gap`` spaces apart.

    For long lists of short records (each unit's balance): WeasyPrint lays out a table cell in
    about a millisecond, so a 500-unit table of three cells per unit takes seconds, while one
    line of text per unit in one cell takes a third of that (docs/pdf.md, "Long tables").
    """
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max((display_width(row[i]) for row in rows), default=0) for i in range(len(align))]
    lines = []
    for row in rows:
        cells = []
        for cell, width, how in zip(row, widths, align, strict=True):
            pad = " " * (width - display_width(cell))
            cells.append(pad + cell if how == ">" else cell + pad)
        lines.append((" " * gap).join(cells).rstrip())
    return lines
