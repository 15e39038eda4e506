"""The roof: every app's URLs wired together. Wagtail serves whatever is left (last)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts.views import sign_in_with_allauth
from portal.core import views as core_views
from portal.permissions import gate

# One sign-in (allauth: rate limited, second factor for staff). Every other login form of the
# libraries hands over to it: Django's admin login here, Wagtail's admin and private-page logins
# by the patterns below, declared before the libraries' own under the same names.
admin.site.login = sign_in_with_allauth

urlpatterns = [
    path("admin/login/", sign_in_with_allauth, name="wagtailadmin_login"),
    path("_util/login/", sign_in_with_allauth, name="wagtailcore_login"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", gate(public=True)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("theme/", core_views.set_theme, name="set_theme"),
    path("notifications/", include("portal.notifications.urls")),
    path("my/", include("property.registry.urls")),
    path("votes/", include("voting.urls")),
    path("fund/", include("property.fund.urls")),
    path("credit/", include("property.credit.urls")),
    path("revenue/", include("property.revenue.urls")),
    path("dashboard/", include("portal.dashboards.urls")),
    path("workbench/", include("portal.workbench.urls")),
    path("api/", include("portal.api.urls")),
    path("", include("portal.core.urls")),
    path("", include("voting.wellknown_urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Themed, translated error pages with a way back (portal/core/views.py).
handler400 = "portal.core.views.bad_request"
handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"
