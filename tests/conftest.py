import pytest
from django.conf import settings

from tests.factories import make_world


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` (real concurrency, fault injection) run in the PostgreSQL pass
    of CI; on SQLite they are deselected, not skipped, so every collected test runs."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    selected = [item for item in items if item.get_closest_marker("postgres") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def home_page(db):
    from cms.demo import ensure_home

    return ensure_home()
