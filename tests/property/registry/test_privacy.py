"""Identity numbers never appear in clear: not in any database row, the logs, nor any page."""

import logging

import pytest
from django.db import connection
from django.urls import reverse

from property.registry import services
from tests.factories import make_user
from tests.property.registry.factories import (
    committee_member,
    company_staff,
    proof,
    registered_unit,
)

pytestmark = pytest.mark.django_db


def all_database_text() -> str:
    """Every row of every table, as text (what grepping the SQLite file would find)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_identity_number_never_in_clear(client, world, caplog):
    """Through a whole claim journey (form, queue, review, verification, my property, estate
    page, audit log) the clear number is nowhere in the DB, logs or rendered pages."""
    caplog.set_level(logging.DEBUG)
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    number = person.identity_number()
    resident = make_user()
    client.force_login(resident)
    pages = [client.get(reverse("registry:claim_new")).content]
    # A failed submission first (unknown unit): the number typed is not rendered back.
    bad = client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": "nope",
            "name": person.name,
            "identity_number": number,
            "proof": proof(),
        },
    )
    pages.append(bad.content)
    client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": unit.code,
            "name": person.name,
            "identity_number": number,
            "proof": proof(),
        },
    )
    claim = resident.owner_claims.get()
    pages.append(client.get(reverse("registry:claim_list")).content)
    member = committee_member(world)
    client.force_login(member)
    pages.append(client.get(reverse("registry:claim_queue", args=[estate.code])).content)
    pages.append(client.get(reverse("registry:claim_review", args=[estate.code, claim.pk])).content)
    services.claim_verify(actor=member, claim=claim)
    pages.append(client.get(reverse("registry:estate_detail", args=[estate.code])).content)
    client.force_login(resident)
    pages.append(client.get(reverse("registry:my_property")).content)
    client.force_login(company_staff(world))
    pages.append(client.get(reverse("registry:estate_detail", args=[estate.code])).content)

    text = all_database_text()
    assert person.identity_masked in text  # the masked form is there: we looked at the rows
    assert number not in text
    for page in pages:
        assert number.encode() not in page
    assert number not in caplog.text
    logging.getLogger("gongzhi.test").warning("claim with %s", number)
    from portal.core.logging import redact

    assert number not in redact(f"claim with {number}")
