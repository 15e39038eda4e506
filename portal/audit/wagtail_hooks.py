"""The audit log in Wagtail admin: read-only, and scoped to the viewer's jurisdiction."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.permissions import scope_q

from .models import AuditEvent


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Nobody, not even a superuser, may add, change or delete an audit event."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(AuditEvent, ReadOnlyPolicy(AuditEvent))


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        qs = super().get_base_queryset()
        if self.request.user.is_superuser:
            return qs
        return qs.filter(scope_q(self.request.user, "jurisdiction_path"))


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    # Phone numbers in names are masked for display (AuditEvent.get_*_display).
    list_display = [
        "at",
        Column("actor_label", label=_("actor"), accessor="get_actor_label_display"),
        "action",
        Column("object_repr", label=_("object"), accessor="get_object_repr_display"),
        "jurisdiction_path",
    ]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor_label"]
    inspect_view_fields = [
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "jurisdiction_path",
        "details",
    ]
    form_fields = []


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("audit")
