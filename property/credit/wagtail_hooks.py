"""Credit data the bureau edits in Wagtail admin: the record catalogue, the basic checklist
and each company's checklist points per year. Access: housing bureau staff (``rules.py``)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.text import PlainTextViewSetMixin

from .models import CatalogueItem, ChecklistEntry, ChecklistItem, ComplaintRule


class CatalogueItemViewSet(PlainTextViewSetMixin, ModelViewSet):
    model = CatalogueItem
    icon = "list-ul"
    menu_label = _("Record catalogue")
    copy_view_enabled = False
    list_display = [
        "code",
        "description",
        "kind",
        "points",
        "validity_days",
        "serious",
        "applies_to",
        "ban_days",
        "active",
    ]
    list_filter = ["kind", "serious", "applies_to", "active"]
    search_fields = ["code", "description"]
    form_fields = [
        "code",
        "description",
        "kind",
        "points",
        "validity_days",
        "serious",
        "applies_to",
        "ban_days",
        "active",
    ]


class ChecklistItemViewSet(PlainTextViewSetMixin, ModelViewSet):
    model = ChecklistItem
    icon = "tasks"
    menu_label = _("Basic checklist items")
    copy_view_enabled = False
    list_display = ["order", "code", "description", "max_points", "active"]
    form_fields = ["code", "description", "max_points", "order", "active"]


class ChecklistEntryViewSet(PlainTextViewSetMixin, ModelViewSet):
    model = ChecklistEntry
    icon = "form"
    menu_label = _("Checklist points")
    copy_view_enabled = False
    list_display = ["company", "year", "item", "points"]
    list_filter = ["year", "item"]
    search_fields = ["company__name"]
    form_fields = ["company", "year", "item", "points", "note"]


class ComplaintRuleViewSet(PlainTextViewSetMixin, ModelViewSet):
    """The complaint rules (issue 19): which tickets of a quarter propose which record."""

    model = ComplaintRule
    icon = "warning"
    menu_label = _("Complaint rules")
    copy_view_enabled = False
    list_display = ["name", "trigger", "categories", "deadline_days", "count", "item", "active"]
    list_filter = ["trigger", "active"]
    form_fields = [
        "name",
        "trigger",
        "categories",
        "deadline_days",
        "count",
        "min_satisfied",
        "item",
        "active",
    ]


class CreditViewSetGroup(ViewSetGroup):
    menu_label = _("Company credit")
    menu_icon = "pick"
    menu_order = 400
    items = (
        CatalogueItemViewSet("credit_catalogue"),
        ChecklistItemViewSet("credit_checklist_items"),
        ChecklistEntryViewSet("credit_checklist_entries"),
        ComplaintRuleViewSet("credit_complaint_rules"),
    )


@hooks.register("register_admin_viewset")
def register_credit_viewsets():
    return CreditViewSetGroup()


class BureauMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("credit.view_supervision")


@hooks.register("register_admin_menu_item")
def register_credit_pages():
    return BureauMenuItem(
        _("Credit objections and supervision"),
        "/credit/objections/",
        icon_name="warning",
        order=401,
    )
