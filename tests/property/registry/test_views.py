"""Registry pages: the resident's claim journey, the committee's queue, and refusals of the
wrong role or jurisdiction on every view (anonymous → sign-in, others → 403)."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind
from property.registry.models import ClaimStatus, OwnerClaim
from property.registry.selectors import is_verified_owner
from tests.factories import identity_number, make_owner, make_user, staff
from tests.property.registry.factories import (
    committee_member,
    company_staff,
    csv_bytes,
    proof,
    registered_unit,
    submit_claim,
)

pytestmark = pytest.mark.django_db


def test_resident_claims_and_committee_verifies_through_the_web(client, world):
    """Done-when: a resident claims a unit and is verified through the web UI."""
    estate = world.estates[0]
    unit, person = registered_unit(estate, "3-2-1501")
    resident = make_user()
    client.force_login(resident)
    before = client.get(reverse("registry:my_property"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "申请业主认证" in before.content.decode()  # not yet verified: claim a unit
    assert client.get(reverse("registry:claim_new")).status_code == 200
    response = client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": "3-2-1501",
            "name": person.name,
            "identity_number": person.identity_number(),
            "proof": proof(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = OwnerClaim.objects.get(user=resident)
    page = client.get(reverse("registry:claim_list")).content.decode()
    assert "3-2-1501" in page and claim.get_status_display() in page

    member = committee_member(world)
    client.force_login(member)
    queue = client.get(reverse("registry:claim_queue", args=[estate.code])).content.decode()
    assert person.name in queue and claim.identity_masked in queue
    review = reverse("registry:claim_review", args=[estate.code, claim.pk])
    assert client.get(review).status_code == 200
    assert client.get(reverse("registry:claim_proof", args=[claim.pk])).status_code == 200
    decide = reverse("registry:claim_decide", args=[estate.code, claim.pk])
    assert client.post(decide, {"action": "verify"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    assert is_verified_owner(resident, unit=unit)

    client.force_login(resident)
    mine = client.get(reverse("registry:my_property"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    mine = mine.content.decode()
    assert "3-2-1501" in mine and str(unit.area) in mine
    # verified: the same button now offers another unit, not a verification they already have
    assert "认证其他房屋" in mine and "申请业主认证" not in mine


def test_form_errors_for_unknown_unit_and_bad_identity(client, world):
    estate = world.estates[0]
    registered_unit(estate, "1-101")
    client.force_login(make_user())
    bad_number = identity_number(5)[:-1] + "0"
    if bad_number == identity_number(5):
        bad_number = bad_number[:-1] + "1"
    response = client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": "9-9-999",
            "name": "某人",
            "identity_number": bad_number,
            "proof": proof(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "9-9-999" in page
    assert bad_number not in page  # the number typed is never rendered back
    assert not OwnerClaim.objects.exists()


def test_mismatched_claim_shown_as_such_and_only_rejectable(client, world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person, number=identity_number(888))
    client.force_login(committee_member(world))
    review = client.get(reverse("registry:claim_review", args=[estate.code, claim.pk]))
    page = review.content.decode()
    assert 'value="verify"' not in page and 'value="reject"' in page
    decide = reverse("registry:claim_decide", args=[estate.code, claim.pk])
    client.post(decide, {"action": "verify"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    client.post(decide, {"action": "reject", "reason": "证件不符"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.reason == "证件不符"


def test_company_of_the_estate_may_verify(client, world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    client.force_login(company_staff(world, 0))
    decide = reverse("registry:claim_decide", args=[estate.code, claim.pk])
    assert client.post(decide, {"action": "verify"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED


def test_committee_sees_and_acts_on_its_estate_only(client, world):
    """Done-when: the committee sees and acts on claims of its estate only."""
    estate, other = world.estates
    unit, person = registered_unit(other)
    claim = submit_claim(other, [unit], person)
    client.force_login(committee_member(world, 0))
    assert client.get(reverse("registry:claim_queue", args=[other.code])).status_code == 403
    for name in ("claim_review", "claim_decide"):
        url = reverse(f"registry:{name}", args=[other.code, claim.pk])
        assert client.post(url, {"action": "verify"}).status_code == 403
        # nor through its own estate's URL
        url = reverse(f"registry:{name}", args=[estate.code, claim.pk])
        assert client.post(url, {"action": "verify"}).status_code == 404
    assert client.get(reverse("registry:claim_proof", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def _urls(world, claim):
    e = world.estates[0].code
    return {
        "my_property": reverse("registry:my_property"),
        "claim_list": reverse("registry:claim_list"),
        "claim_new": reverse("registry:claim_new"),
        "claim_unit_codes": reverse("registry:claim_unit_codes") + f"?estate={world.estates[0].pk}",
        "claim_proof": reverse("registry:claim_proof", args=[claim.pk]),
        "estate_list": reverse("registry:estate_list"),
        "estate_detail": reverse("registry:estate_detail", args=[e]),
        "claim_queue": reverse("registry:claim_queue", args=[e]),
        "claim_review": reverse("registry:claim_review", args=[e, claim.pk]),
        "claim_decide": reverse("registry:claim_decide", args=[e, claim.pk]),
        "estate_import": reverse("registry:estate_import", args=[e]),
        "estate_export": reverse("registry:estate_export", args=[e, "csv"]),
    }


def test_anonymous_sent_to_sign_in_everywhere(client, world):
    unit, person = registered_unit(world.estates[0])
    claim = submit_claim(world.estates[0], [unit], person)
    for name, url in _urls(world, claim).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


STAFF_ONLY = {"estate_list", "estate_detail", "claim_queue", "claim_review", "estate_import"}
ACCESS = {
    # who: the set of staff views (GET) they may open for estate 0
    "owner": set(),
    "other_committee": set(),
    "other_company": set(),
    "other_district": set(),
    # The street office reviews claims too (the verifier of last resort: DOMAIN.md §1
    # "Conflicts of interest").
    "street": {
        "estate_list",
        "estate_detail",
        "claim_queue",
        "claim_review",
        "estate_import",
        "estate_export",
    },
    "committee": {"estate_list", "estate_detail", "claim_queue", "claim_review"},
    "company": {
        "estate_list",
        "estate_detail",
        "claim_queue",
        "claim_review",
        "estate_import",
        "estate_export",
    },
}


def _who(world, who):
    if who == "owner":
        return make_owner(world.estates[0], "5-501")[0]
    if who == "other_committee":
        return committee_member(world, 1)
    if who == "other_company":
        return company_staff(world, 1)
    if who == "other_district":
        return staff(OrgKind.BUREAU, world.districts[1])
    if who == "street":
        return staff(OrgKind.STREET_OFFICE, world.streets[0])
    if who == "committee":
        return committee_member(world, 0)
    return company_staff(world, 0)


@pytest.mark.parametrize("who", sorted(ACCESS))
def test_role_and_jurisdiction_checked_on_every_staff_view(client, world, who):
    """Each staff view answers 200 to the right role on the right estate and 403 otherwise."""
    unit, person = registered_unit(world.estates[0])
    claim = submit_claim(world.estates[0], [unit], person)
    user = _who(world, who)
    client.force_login(user)
    urls = _urls(world, claim)
    for name in sorted(STAFF_ONLY | {"estate_export"}):
        # The export is a POST (audit-logged, and no GET writes); the other views are GETs.
        status = (client.post if name == "estate_export" else client.get)(urls[name]).status_code
        if name == "estate_list" and who in ("other_committee", "other_company", "other_district"):
            assert status == 200, (who, name)  # their own estates, not estate 0
            assert world.estates[0].name not in client.get(urls[name]).content.decode()
            continue
        expected = 200 if name in ACCESS[who] else 403
        assert status == expected, (who, name, status)
    # The proof file: claimant and the estate's verifiers only.
    expected = 200 if who in ("committee", "company", "street") else 403
    assert client.get(urls["claim_proof"]).status_code == expected
    # Deciding: verifiers only.
    response = client.post(urls["claim_decide"], {"action": "reject", "reason": "x"})
    assert response.status_code == (302 if who in ("committee", "company", "street") else 403)


def test_claimant_sees_own_proof_not_others(client, world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    client.force_login(claim.user)
    response = client.get(reverse("registry:claim_proof", args=[claim.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(make_user())
    assert client.get(reverse("registry:claim_proof", args=[claim.pk])).status_code == 403


def test_estate_page_totals_and_staff_import_with_dry_run(client, world):
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    rows = [
        ["1", "1-101", "residential", "80.00", "registered", "甲", identity_number(401), ""],
        ["1", "1-102", "residential", "70.00", "registered", "", "", "yes"],
        ["1", "1-103", "residential", "60.00", "registered", "", "", "yes"],
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("registry:estate_import", args=[estate.code])
    upload = SimpleUploadedFile("r.csv", csv_bytes(rows))
    page = client.post(url, {"file": upload, "action": "preview"}, follow=True).content.decode()
    assert estate.units.count() == 0 and "1-101" in page
    upload = SimpleUploadedFile("r.csv", csv_bytes(rows))
    client.post(url, {"file": upload, "action": "import"})
    assert estate.units.count() == 3
    detail = client.get(reverse("registry:estate_detail", args=[estate.code])).content.decode()
    assert "210.00" in detail, detail[detail.find("figure") :][:600]  # total area
    bad = [r[:] for r in rows]
    bad[0][3] = "-1"
    upload = SimpleUploadedFile("r.csv", csv_bytes(bad))
    page = client.post(url, {"file": upload, "action": "import"}, follow=True).content.decode()
    assert estate.units.get(code="1-101").area == 80
    assert 'role="alert"' in page
    export = client.post(reverse("registry:estate_export", args=[estate.code, "xlsx"]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_registry_export_is_a_post_from_the_estate_page(client, world):
    """Each export is audit-logged, so the download buttons post a form (with its CSRF token)
    and a GET of the export answers 405 and writes nothing (docs/security.md, no GET writes)."""
    estate = world.estates[0]
    client.force_login(company_staff(world, 0))
    url = reverse("registry:estate_export", args=[estate.code, "csv"])
    page = client.get(reverse("registry:estate_detail", args=[estate.code])).content.decode()
    form = page[page.index('<form id="registry-export"') :]
    assert 'method="post"' in form[: form.index(">")] and "csrfmiddlewaretoken" in form
    assert f'form="registry-export" class="secondary" formaction="{url}"' in page
    before = AuditEvent.objects.filter(action="registry.exported").count()
    assert client.get(url).status_code == 405
    assert AuditEvent.objects.filter(action="registry.exported").count() == before
    assert client.post(url).status_code == 200
    assert AuditEvent.objects.filter(action="registry.exported").count() == before + 1


def test_claim_form_suggests_unit_codes_of_the_chosen_estate(client, world):
    """The claim form's script asks for the unit codes of the picked estate (no personal data)."""
    registered_unit(world.estates[0], "1-101")
    registered_unit(world.estates[1], "2-202")
    client.force_login(make_user())
    page = client.get(reverse("registry:claim_new")).content.decode()
    assert "default/registry/claim.js" in page and 'list="unit-code-options"' in page
    url = reverse("registry:claim_unit_codes")
    data = client.get(url, {"estate": world.estates[0].pk}).json()
    assert data == {"units": ["1-101"]}
    assert client.get(url, {"estate": 999999}).status_code == 404


def test_registry_pages_fully_translated(client, world):
    """Every registry page reads in Chinese by default: no English phrase left untranslated."""
    from tests.portal.test_themes_i18n import ALLOWED_LATIN, visible_text

    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person, number=identity_number(999))
    pages = []
    client.force_login(claim.user)
    pages += [reverse("registry:my_property"), reverse("registry:claim_list")]
    pages += [reverse("registry:claim_new")]
    client_pages = [(claim.user, p) for p in pages]
    member = company_staff(world, 0)
    for name, args in [
        ("estate_list", []),
        ("estate_detail", [estate.code]),
        ("claim_queue", [estate.code]),
        ("claim_review", [estate.code, claim.pk]),
        ("estate_import", [estate.code]),
    ]:
        client_pages.append((member, reverse(f"registry:{name}", args=args)))
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    bad = [["1", "1-1", "residential", "-1", "registered", "", "", "yes"]]
    good = [["1", "1-2", "", "9.00", "", "", "", "yes"]]
    for rows in (bad, good):
        upload = SimpleUploadedFile("r.csv", csv_bytes(rows))
        url = reverse("registry:estate_import", args=[estate.code])
        job_url = client.post(url, {"file": upload, "action": "preview"})["Location"]
        client_pages.append((member, job_url))
    client_pages.append((member, reverse("registry:estate_import", args=[estate.code])))
    import re

    for user, path in client_pages:
        client.force_login(user)
        html = client.get(path).content.decode()
        leftovers = []
        for line in visible_text(html).splitlines():
            for run in re.findall(r"[A-Za-z][A-Za-z'’]+(?:[ ,.:;-]+[A-Za-z][A-Za-z'’]+)+", line):
                words = set(run.replace(",", " ").replace(".", " ").split())
                if not words <= ALLOWED_LATIN | {"JPG", "PNG", "PDF", "CSV", "XLSX"}:
                    leftovers.append(run)
        assert not leftovers, f"untranslated on {path}: {leftovers}"


def test_claim_form_preselects_the_owners_own_estate_or_none(client, world):
    """Issue 15: the claim form preselected the first estate by name (中南雅苑) for an owner in
    滨江花园, so an owner claiming a further unit sent it to the wrong estate unless they
    noticed. The owner's own estate is preselected; someone with no unit gets no choice made
    for them (a blank first option) and must pick one."""
    import re

    def selected(page):
        select = re.search(r'<select name="estate".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)

    owner, _ = make_owner(world.estates[1], "2-101", "80.00")
    assert world.estates[0].name < world.estates[1].name  # the other estate sorts first
    client.force_login(owner)
    page = client.get(reverse("registry:claim_new")).content.decode()
    assert selected(page) == [str(world.estates[1].pk)]
    client.force_login(make_user())
    page = client.get(reverse("registry:claim_new")).content.decode()
    assert selected(page) in ([], [""])
    assert '<option value="" selected>' in page or '<option value="">' in page
