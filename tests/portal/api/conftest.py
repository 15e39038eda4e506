import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests.portal.dashboards.conftest import city  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Rate limits count in the cache: start every test with none used."""
    cache.clear()
    yield
    cache.clear()


def token_header(user) -> dict:
    token, _ = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}
