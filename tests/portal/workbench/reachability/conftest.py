"""The demo city, loaded once for this package (as for the permission matrix)."""

from tests.security.conftest import demo  # noqa: F401 - the package-scoped demo fixture
