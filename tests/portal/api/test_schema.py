"""The OpenAPI schema validates, and the public endpoints conform to it (schemathesis, in-process
against the WSGI app)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app).include(
    path_regex=r"^/api/v1/(?!staff/)"
)
# Valid requests only: the open data takes no input worth fuzzing beyond its documented params.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], max_examples=15)


def test_schema_is_served_and_lists_only_api_paths(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)
    assert "/api/v1/estates/" in paths
    assert "/api/v1/staff/estates/" in paths


def test_swagger_ui_is_served_without_inline_script(client):
    """The docs page loads Swagger UI from our static files and its set-up script from a URL
    (the Content-Security-Policy forbids inline scripts)."""
    page = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page
    assert client.get("/api/docs/?script=").status_code == 200


@pytest.fixture
def keep_connection():
    """Calls go straight to the WSGI app, so Django would close the test's database connection
    at the end of each request; keep it open as Django's own test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_public_endpoints_conform_to_schema(case, city, fresh_throttles, keep_connection):
    """Every public endpoint answers as its schema says, for generated parameters."""
    case.call_and_validate()
