"""One sign-in for the whole portal: allauth's (rate limited, with the second factor).

Wagtail's admin login (``/admin/login/``), Wagtail's private-page login (``/_util/login/``) and
Django's admin login (``/django-admin/login/``) each had a password form of their own, without
the second factor or a rate limit. ``portal/urls.py`` points every one of them here; this view
never reads a credential, it only hands the visitor to allauth's sign-in page, keeping a safe
``next``.
"""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from portal.permissions import gate


@gate(public=True)
def sign_in_with_allauth(request, *args, **kwargs):
    """Any other login form: send the visitor (signed in or not) to allauth's sign-in page.

    allauth sends a signed-in visitor straight on to ``next``; a credential posted here is
    never looked at, so it can neither sign anyone in nor spend the sign-in rate limit."""
    login_url = resolve_url(settings.LOGIN_URL)
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
    return HttpResponseRedirect(login_url)
