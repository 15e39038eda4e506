import pytest

from tests.factories import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def home_page(db):
    from cms.demo import ensure_home

    return ensure_home()
