"""Public views of the CMS outside the page tree: search and notice feeds."""

from __future__ import annotations

from django import forms
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.core.links import absolute_reverse, page_url
from portal.organisations.models import Jurisdiction, Organisation
from portal.permissions import gate

from . import selectors
from .models import NoticeCategory, NoticePage


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + NoticeCategory.choices
    )
    organisation = forms.ModelChoiceField(
        label=_("Issued by"),
        required=False,
        queryset=Organisation.objects.filter(notices__live=True).distinct().order_by("name"),
        empty_label=_("All"),
    )
    date_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


@gate(public=True)
def search(request):
    """Search pages and notices; Chinese words match inside Chinese text."""
    form = SearchForm(request.GET or None)
    results, searched = [], False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        org = data.get("organisation")
        searched = any([data["q"], data["category"], org, data["date_from"], data["date_to"]])
        if searched:
            results = selectors.search_pages(
                data["q"],
                category=data["category"] or None,
                organisation_id=org.pk if org else None,
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
    return render(
        request,
        "cms/search.html",
        {"form": form, "results": results, "searched": searched, "query": request.GET.get("q", "")},
    )


class NoticeFeed(Feed):
    """RSS 2.0 feed of the notices of one jurisdiction (its own, its ancestors', city-wide)."""

    description_template = "cms/feeds/notice_description.html"

    def get_object(self, request, code: str):
        return get_object_or_404(Jurisdiction, code=code)

    def title(self, obj):
        return _("Notices · %(place)s") % {"place": obj.name}

    feed_view = "cms:notice_feed"

    # Links are absolute from PORTAL_BASE_URL (Django's syndication would use the request host).
    def link(self, obj):
        return absolute_reverse("cms:notice_feed", obj.code)

    def feed_url(self, obj):
        return absolute_reverse(self.feed_view, obj.code)

    def description(self, obj):
        return _("Notices, policies and announcements for %(place)s.") % {"place": obj.name}

    def items(self, obj):
        return selectors.notices_for_jurisdiction(obj)[:50]

    def item_title(self, item: NoticePage):
        return item.title

    def item_link(self, item: NoticePage):
        return page_url(item)

    def item_pubdate(self, item: NoticePage):
        return item.first_published_at or timezone.now()

    def item_updateddate(self, item: NoticePage):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item: NoticePage):
        return item.organisation.name

    def item_categories(self, item: NoticePage):
        return [item.get_category_display()]


class NoticeAtomFeed(NoticeFeed):
    feed_type = Atom1Feed
    feed_view = "cms:notice_feed_atom"

    def subtitle(self, obj):
        return self.description(obj)
