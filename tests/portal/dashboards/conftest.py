import itertools

import pytest
from stdnum.cn import ric

import tests.factories

from .factories import build_city

_n = itertools.count(1)


def _identity_number(n=None) -> str:
    """A valid identity number (tests.factories.identity_number yields birth years 1980-1982
    for some sequence numbers, before county 340202 existed, which ric.validate refuses)."""
    n = next(_n) if n is None else n
    body = f"3402021990{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture(autouse=True)
def valid_identity_numbers(monkeypatch):
    monkeypatch.setattr(tests.factories, "identity_number", _identity_number)


@pytest.fixture
def city(db, valid_identity_numbers):
    return build_city()
