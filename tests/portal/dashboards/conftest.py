import pytest

from .factories import build_city


@pytest.fixture
def city(db):
    return build_city()
