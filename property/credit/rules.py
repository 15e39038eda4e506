"""Who may do what with credit records (checked with ``user.has_perm("credit.…", obj)``).

* ``credit.add_record`` on a record (or an Estate / company it will be about): government
  staff whose subtree holds the record's estate; a record about a company as a whole (no
  estate) sits at the company's node (the city), so only city-level staff add those.
* ``credit.rule_objection`` on an objection or record: housing bureau staff governing it.
* ``credit.object`` / ``credit.view_own`` on a record or a company: that company's own staff.
* ``credit.view_supervision`` and ``credit.publish``: housing bureau staff.
* ``credit.view_record_evidence`` on a record: its company's staff and the staff governing it;
  ``credit.view_objection_evidence`` on an objection: its company's staff and the bureau.
* Catalogue, checklist and survey data in Wagtail admin: housing bureau staff.
"""

import rules

from portal.organisations.models import Organisation, OrgKind
from portal.permissions import (
    governs,
    governs_pred,
    is_bureau_staff,
    is_government_staff,
    organisation_ids,
)


def company_of(obj):
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "company", None) or getattr(getattr(obj, "record", None), "company", None)


@rules.predicate
def is_company_staff(user, obj=None) -> bool:
    """Staff of the property company the object is about (the company itself or its record)."""
    ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if obj is None:
        return bool(ids)
    company = company_of(obj)
    return company is not None and company.pk in ids


@rules.predicate
def governs_record(user, obj=None) -> bool:
    """Government staff governing the record's place (its estate, else the company's node)."""
    if obj is None:
        return bool(is_government_staff(user))
    return governs(user, obj)


rules.add_perm("credit.add_record", governs_record)
rules.add_perm("credit.rule_objection", is_bureau_staff)
rules.add_perm("credit.object", is_company_staff)
rules.add_perm("credit.view_own", is_company_staff)
rules.add_perm("credit.view_supervision", is_bureau_staff)
rules.add_perm("credit.publish", is_bureau_staff)
# Evidence: the company concerned, and the staff governing the record (or ruling the objection).
rules.add_perm("credit.view_record_evidence", is_company_staff | governs_record)
rules.add_perm("credit.view_objection_evidence", is_company_staff | is_bureau_staff)

for model in ("catalogueitem", "checklistitem", "checklistentry", "satisfactionanswer"):
    for action in ("add", "change", "delete", "view"):
        rules.add_perm(f"credit.{action}_{model}", is_bureau_staff)
for model in ("creditrecord", "objection", "rating", "publication"):
    rules.add_perm(f"credit.view_{model}", is_bureau_staff)

# ---- complaints and owners' ratings (issue 19) ---------------------------------------------------
# Import tickets and run the complaint rules: housing bureau staff (on the node they govern).
# Assign an unmatched ticket to an estate: the street office (or the bureau) governing its place.
rules.add_perm("credit.import_complaints", is_bureau_staff)
rules.add_perm(
    "credit.assign_complaint",
    governs_pred(kinds=[OrgKind.STREET_OFFICE, OrgKind.BUREAU], name="governs(street,bureau)"),
)
rules.add_perm("credit.view_complaints", is_government_staff)
for model in ("complaintrule",):
    for action in ("add", "change", "delete", "view"):
        rules.add_perm(f"credit.{action}_{model}", is_bureau_staff)
