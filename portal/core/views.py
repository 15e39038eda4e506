from functools import lru_cache

from django.conf import settings
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from portal.permissions import gate

from .signing import certificate_pem
from .themes import THEME_COOKIE, available_themes, current_theme


def _safe_next(request) -> str:
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return nxt


@require_POST
@gate(public=True)
def set_theme(request):
    """Switch the visitor's theme and remember it for a year."""
    response = HttpResponseRedirect(_safe_next(request))
    theme = request.POST.get("theme")
    if theme in available_themes():
        response.set_cookie(
            THEME_COOKIE,
            theme,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@require_GET
@gate(public=True)
def pdf_signing_cert(request):
    """The portal's PDF signing certificate (public), so anyone can check a signed PDF."""
    response = HttpResponse(certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="gongzhi-pdf-signing-cert.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Error pages (portal/urls.py handler400/403/404/500, settings.CSRF_FAILURE_VIEW): themed,
# translated, each with a way back. 403, 404 and CSRF failures render inside the full frame
# (the visitor keeps the navigation); 400 and 500 render a bare frame from a plain context,
# without context processors, the session or the database, which may be what failed.


def _bare_context(request, status: int) -> dict:
    return {
        "status": status,
        "theme": getattr(request, "theme", None) or current_theme(),
        "LANGUAGE_CODE": get_language(),
    }


def bad_request(request, exception=None):
    html = loader.render_to_string("errors/400.html", _bare_context(request, 400))
    return HttpResponseBadRequest(html)


def server_error(request):
    html = loader.render_to_string("errors/500.html", _bare_context(request, 500))
    return HttpResponseServerError(html)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"status": 403}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {"status": 404}, status=404)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: say what to do, send them back to the form."""
    back = request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "errors/403_csrf.html", {"status": 403, "back": back}, status=403)


@lru_cache(maxsize=1)
def _favicon() -> bytes:
    return (settings.THEMES_DIR / "default" / "static" / "img" / "favicon.ico").read_bytes()


@require_GET
@gate(public=True)
def favicon(request):
    """``/favicon.ico``, which browsers, feed readers and bots ask for on every site."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
