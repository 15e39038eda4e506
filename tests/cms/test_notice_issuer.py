# ruff: noqa: F811 (the people fixture is imported from test_workflow)
"""A notice is issued in its author's own name: a district officer could save a notice in the
city bureau's name. The admin form offers only the editor's own organisations and refuses any
other; an approver editing a notice keeps its issuer."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import NoticePage
from tests.cms.test_workflow import people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _post(client, site, organisation, slug, language="zh-hans"):
    url = reverse(
        "wagtailadmin_pages:add", args=["cms", "noticepage", site.district_sections[0].pk]
    )
    data = nested_form_data(
        {
            "title": "以他人名义",
            "slug": slug,
            "category": "notice",
            "organisation": organisation.pk,
            "body": streamfield([]),
            "attachments": inline_formset([]),
        }
    )
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def test_district_officer_cannot_issue_in_the_city_bureau_s_name(people, world, site, client):
    client.force_login(people["officer"])
    response = _post(client, site, world.bureau, "in-the-city-s-name")
    assert response.status_code == 200
    assert not NoticePage.objects.filter(slug="in-the-city-s-name").exists()
    form = response.context["form"]
    assert "organisation" in form.errors
    # the choice offered is the officer's own bureau only
    assert list(form.fields["organisation"].queryset) == [people["bureau1"]]


def test_district_officer_issues_in_own_name(people, site, client):
    client.force_login(people["officer"])
    response = _post(client, site, people["bureau1"], "in-own-name")
    assert response.status_code == 302, response.context["form"].errors
    assert NoticePage.objects.get(slug="in-own-name").organisation == people["bureau1"]


def test_approver_editing_keeps_the_author_s_issuer(people, site, client):
    client.force_login(people["officer"])
    _post(client, site, people["bureau1"], "kept-issuer")
    page = NoticePage.objects.get(slug="kept-issuer")
    from cms.models import NoticePageForm

    form_class = NoticePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, NoticePageForm)
    form = form_class(instance=page, for_user=people["other_approver"])
    assert page.organisation in form.fields["organisation"].queryset
