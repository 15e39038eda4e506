"""The API docs page (``/api/docs/``): drf-spectacular's Swagger UI, served from the portal's own
static files (drf-spectacular-sidecar), titled in the reader's language."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            # The title and description follow the active language (they are lazy strings).
            response.data["title"] = str(settings.SPECTACULAR_SETTINGS["TITLE"])
            response.data["description"] = str(settings.SPECTACULAR_SETTINGS["DESCRIPTION"])
        return response
