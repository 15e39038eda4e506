import pytest

from tests.cms.factories import make_site


@pytest.fixture
def site(world):
    return make_site(world)
