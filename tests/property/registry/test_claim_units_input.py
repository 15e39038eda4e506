"""The unit-code suggestions endpoint refuses malformed input with 404, not a server error."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "1;DROP", "", "-1"])
def test_bad_estate_parameter_is_not_found(client, value):
    client.force_login(make_user())
    response = client.get("/my/claims/units/", {"estate": value})
    assert response.status_code == 404
