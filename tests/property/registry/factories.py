"""Builders for registry tests: proof uploads, claims, verifier staff, registry files."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.organisations.models import OrgKind, Role
from property.registry import services
from property.registry.models import Estate, OwnerClaim, Unit
from tests.factories import add_units, make_user, staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def proof(name: str = "certificate.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def committee_member(world, i: int = 0):
    return staff(
        OrgKind.OWNERS_COMMITTEE,
        world.estate_nodes[i],
        Role.MEMBER,
        organisation=world.committees[i],
    )


def company_staff(world, i: int = 0):
    return staff(OrgKind.PROPERTY_COMPANY, world.city, organisation=world.companies[i])


def registered_unit(estate: Estate, code: str = "1-101", area: str = "88.50", name: str = "张三"):
    """A unit held by one registry person not yet linked to any account: (unit, person)."""
    unit = add_units(estate, [(code, area, name)])[code]
    person = unit.ownerships.get().party.members.get()
    return unit, person


def submit_claim(
    estate: Estate, units: list[Unit], person=None, *, user=None, number=None
) -> OwnerClaim:
    user = user or make_user()
    return services.claim_submit(
        user=user,
        estate=estate,
        units=units,
        name=person.name if person else "李四",
        identity_number=number or person.identity_number(),
        proof=proof(),
    )


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        header
        or [
            "building",
            "unit",
            "use",
            "area",
            "area_source",
            "owners",
            "identity_numbers",
            "developer",
        ]
    )
    writer.writerows(rows)
    return out.getvalue().encode()
