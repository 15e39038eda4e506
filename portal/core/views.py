from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .signing import certificate_pem
from .themes import THEME_COOKIE, available_themes


def _safe_next(request) -> str:
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return nxt


@require_POST
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
def pdf_signing_cert(request):
    """The portal's PDF signing certificate (public), so anyone can check a signed PDF."""
    response = HttpResponse(certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="gongzhi-pdf-signing-cert.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
