"""No personal data (names, identity numbers, phones, emails of persons and accounts) and no
interim vote counts leave through any API endpoint: every path of the schema is called, public
ones anonymously and staff ones with a city officer's token, and each JSON body is searched."""

import json
import re

import pytest

from portal.accounts.models import User
from portal.organisations.models import OrgKind
from property.registry.models import OwnerParty, Person
from tests.factories import add_units, staff
from tests.portal.dashboards.factories import add_domain_data

from .conftest import token_header

pytestmark = pytest.mark.django_db


def sensitive_strings() -> set[str]:
    found = set()
    for person in Person.objects.all():
        found.update({person.identity_number(), person.identity_masked})
        if len(person.name) >= 3:
            found.add(person.name)
        if person.phone:
            found.add(person.phone)
    for user in User.objects.all():
        found.update(v for v in (user.email, user.phone) if v)
        if user.display_name and len(user.display_name) >= 4:
            found.add(user.display_name)
    found.update(p.label for p in OwnerParty.objects.all() if len(p.label) >= 3)
    return found


def path_values(city) -> dict[str, str]:
    """A real value for each path parameter the API uses."""
    return {"code": city.world.city.code, "credit_code": city.world.companies[0].credit_code}


def bodies(client, city) -> dict[str, str]:
    schema = client.get("/api/schema/?format=json").json()
    officer = token_header(staff(OrgKind.BUREAU, city.world.city))
    values = path_values(city)
    out = {}
    for path, ops in schema["paths"].items():
        if "get" not in ops:
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        headers = officer if "/staff/" in path else {}
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        out[url] = json.dumps(response.json(), ensure_ascii=False)
    return out


def test_no_personal_data_in_any_endpoint(client, city):
    w = city.world
    add_units(w.estates[0], [("8-801", "88.00", "王秘密+李隐私"), ("8-802", "66.00", "赵机密")])
    add_domain_data(city)
    Person.objects.filter(name="赵机密").update(phone="+8613912345678")
    secrets = sensitive_strings()
    assert "王秘密" in secrets and "+8613912345678" in secrets
    found = bodies(client, city)
    assert found, "the schema lists endpoints"
    for url, body in found.items():
        for secret in secrets:
            assert secret not in body, (url, secret)


def test_no_interim_counts_in_any_endpoint(client, city):
    """Only final votes' figures leave through the API: open, counted-but-not-final and draft
    votes appear nowhere (not even their titles), and no body has choices outside a final
    vote's tally."""
    votes = add_domain_data(city)
    found = bodies(client, city)
    results = json.loads(found["/api/v1/votes/results/"])["results"]
    assert [r["id"] for r in results] == [votes["final"].pk]
    assert results[0]["result"]["agree"] == {"heads": 3, "area": "300.00"}
    for url, body in found.items():
        for key in ("open", "counted", "draft"):
            assert votes[key].title not in body, (url, key)
        if url != "/api/v1/votes/results/":
            assert '"agree"' not in body and '"oppose"' not in body, url
