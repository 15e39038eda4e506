"""Staff endpoints: token authentication, scoped to the user's jurisdiction like the pages."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from portal.organisations.models import OrgKind
from tests.factories import staff

from .conftest import token_header

pytestmark = pytest.mark.django_db


def test_staff_endpoints_need_authentication(client, city):
    for path in ("/api/v1/staff/estates/", f"/api/v1/staff/nodes/{city.world.city.code}/"):
        assert client.get(path).status_code == 401


def test_non_government_users_are_refused(client, city):
    """Owners and company staff hold no government grant: 403 on staff endpoints."""
    company = staff(OrgKind.PROPERTY_COMPANY, city.world.city, organisation=city.world.companies[0])
    for user in (city.owners[0], company):
        h = token_header(user)
        assert client.get("/api/v1/staff/estates/", **h).status_code == 403
        code = city.world.estate_nodes[0].code
        assert client.get(f"/api/v1/staff/nodes/{code}/", **h).status_code == 403


def test_node_figures_match_the_dashboard_and_scope(client, city):
    """A district officer gets their district's figures and children, and 403 elsewhere."""
    w = city.world
    h = token_header(staff(OrgKind.BUREAU, w.districts[0]))
    data = client.get(f"/api/v1/staff/nodes/{w.districts[0].code}/", **h).json()
    exp = city.expected[w.districts[0].code]
    assert data["figures"]["units"] == exp["units"]
    assert data["figures"]["area"] == "450.50"
    assert data["figures"]["verified_share"] == "20.0"
    assert [c["code"] for c in data["children"]] == [w.streets[0].code]
    for node in (w.city, w.districts[1], w.estate_nodes[1]):
        assert client.get(f"/api/v1/staff/nodes/{node.code}/", **h).status_code == 403
    assert client.get("/api/v1/staff/nodes/nowhere/", **h).status_code == 404


def test_estates_in_scope_only(client, city):
    w = city.world
    h = token_header(staff(OrgKind.STREET_OFFICE, w.streets[1]))
    data = client.get("/api/v1/staff/estates/", **h).json()
    assert [e["code"] for e in data["results"]] == [w.estates[1].code]
    assert data["results"][0]["figures"]["verified_parties"] == 2
    h = token_header(staff(OrgKind.BUREAU, w.city))
    data = client.get("/api/v1/staff/estates/", **h).json()
    assert {e["code"] for e in data["results"]} == {e.code for e in w.estates}


def test_api_token_command(city, capsys):
    """`manage.py api_token EMAIL` prints the staff user's token; --reset replaces it; it refuses
    unknown users and users without a government role."""
    officer = staff(OrgKind.BUREAU, city.world.city)
    call_command("api_token", officer.email)
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=officer).key == key
    call_command("api_token", officer.email)
    assert capsys.readouterr().out.strip() == key
    call_command("api_token", officer.email, "--reset")
    assert capsys.readouterr().out.strip() != key
    with pytest.raises(CommandError):
        call_command("api_token", "nobody@example.cn")
    with pytest.raises(CommandError):
        call_command("api_token", city.owners[0].email)
