"""Every upload is private: stored outside ``MEDIA_ROOT`` under a random name and served only by
a permission-checked view (issue 14, finding 5: paper-ballot scans were stored under their own
names below ``MEDIA_ROOT``, which the dev settings serve at ``/media/``, so
``/media/votes/2/paper/paper-1.png`` showed a marked choice to anyone while the vote was open)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve

from portal.core.uploads import PrivateUploadTo, private_storage
from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, make_user, staff
from tests.voting.factories import link_user, open_vote, party
from voting import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PROJECT_APPS = ("portal", "property", "voting", "cms")


def project_file_fields():
    for model in apps.get_models():
        if not model.__module__.startswith(PROJECT_APPS):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield f"{model._meta.label}.{field.name}", field


def test_every_file_field_of_the_project_is_private_with_random_names():
    fields = dict(project_file_fields())
    assert len(fields) >= 7, fields  # claims, fund, paper, proxy, vote files, credit evidence x2
    for label, field in fields.items():
        assert field._storage_callable is private_storage, label
        assert isinstance(field.upload_to, PrivateUploadTo), label


def _dev_media_get(name: str):
    """What ``/media/<name>`` answers under the dev settings (``static()`` serves MEDIA_ROOT)."""
    request = RequestFactory().get(f"/media/{name}")
    return serve(request, name, document_root=settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _fresh_media_root(settings, tmp_path):
    """A MEDIA_ROOT of this test's own, so that files left by older runs prove nothing."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def estate(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "D")])
    return estate


def test_a_paper_ballot_scan_is_not_reachable_under_media(world, estate):
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    vote = open_vote(estate)
    entry = services.ballot_cast(
        actor=committee,
        vote=vote,
        party=party(estate, "A"),
        choice="agree",
        channel="paper",
        scan=SimpleUploadedFile("paper-1.png", PNG, "image/png"),
    )
    scan = entry.paper.scan
    stored = Path(scan.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "paper-1" not in scan.name
    for name in (scan.name, f"votes/{vote.pk}/paper/paper-1.png"):
        with pytest.raises(Http404):
            _dev_media_get(name)


def test_a_proxy_authorization_is_not_reachable_under_media(estate):
    vote = open_vote(estate)
    owner_party = party(estate, "D")
    owner = link_user(owner_party)
    auth = services.proxy_request(
        actor=owner,
        vote=vote,
        party=owner_party,
        proxy_user=make_user(),
        document=SimpleUploadedFile("authorization.pdf", b"%PDF-1.7\n", "application/pdf"),
    )
    stored = Path(auth.document.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert "authorization" not in auth.document.name
    with pytest.raises(Http404):
        _dev_media_get(auth.document.name)
