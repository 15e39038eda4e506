"""The permission module: role plus place in the jurisdiction tree decide every right."""

import pytest

from portal.organisations.models import Jurisdiction, OrgKind, Role
from portal.permissions import governed_paths, governs, scope_q
from tests.factories import add_units, make_owner, staff

pytestmark = pytest.mark.django_db


def test_district_officer_governs_own_subtree_only(world):
    """A district officer sees and acts on their district's subtree only."""
    officer = staff(OrgKind.BUREAU, world.districts[0])
    assert governs(officer, world.districts[0])
    assert governs(officer, world.estate_nodes[0])
    assert governs(officer, world.estates[0])
    assert not governs(officer, world.districts[1])
    assert not governs(officer, world.estates[1])
    assert not governs(officer, world.city)
    assert officer.has_perm("registry.view_estate", world.estates[0])
    assert not officer.has_perm("registry.view_estate", world.estates[1])


def test_scope_filter_selects_subtree_and_fails_closed(world):
    officer = staff(OrgKind.STREET_OFFICE, world.streets[1])
    codes = set(Jurisdiction.objects.filter(scope_q(officer)).values_list("code", flat=True))
    assert codes == {world.streets[1].code, world.communities[1].code, world.estate_nodes[1].code}
    from tests.factories import make_user

    assert not Jurisdiction.objects.filter(scope_q(make_user())).exists()


def test_city_bureau_governs_everything(world):
    officer = staff(OrgKind.BUREAU, world.city)
    assert all(governs(officer, e) for e in world.estates)
    assert governed_paths(officer) == [world.city.path]


def test_company_acts_on_its_estates_only(world):
    """A property company acts on the estates it manages, not on others."""
    company_staff = staff(OrgKind.PROPERTY_COMPANY, world.city, organisation=world.companies[0])
    assert company_staff.has_perm("registry.view_estate", world.estates[0])
    assert not company_staff.has_perm("registry.view_estate", world.estates[1])
    # A company is not government: it governs no node even though it sits at the city node.
    assert not governs(company_staff, world.estates[0])


def test_owner_acts_on_own_units_only(world):
    """An owner sees their own units, not a neighbour's, nor units in another estate."""
    owner, unit = make_owner(world.estates[0], "1-101")
    neighbour = add_units(world.estates[0], [("1-102", "90.00", "邻居")])["1-102"]
    _, far_unit = make_owner(world.estates[1], "2-201")
    assert owner.has_perm("registry.view_unit", unit)
    assert not owner.has_perm("registry.view_unit", neighbour)
    assert not owner.has_perm("registry.view_unit", far_unit)
    assert not owner.has_perm("registry.view_estate", world.estates[0])


def test_inactive_membership_grants_nothing(world):
    officer = staff(OrgKind.BUREAU, world.city)
    officer.memberships.update(active=False)
    from portal.permissions import forget_grants

    forget_grants(officer)
    assert not governs(officer, world.estates[0])


def test_committee_member_acts_on_own_estate(world):
    member = staff(
        OrgKind.OWNERS_COMMITTEE,
        world.estate_nodes[0],
        Role.MEMBER,
        organisation=world.committees[0],
    )
    assert member.has_perm("registry.verify_claims", world.estates[0])
    assert not member.has_perm("registry.verify_claims", world.estates[1])
