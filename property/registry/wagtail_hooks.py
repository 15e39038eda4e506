"""Wagtail admin: the holiday calendar, kept as data and edited by the housing bureau.

The fund's review deadlines and the credit rating's objection window both count working days
on it (``property.registry.calendar.working_calendar()``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.core.text import PlainTextViewSetMixin
from portal.permissions import is_bureau_staff

from .models import Holiday


class BureauOnlyPolicy(ModelPermissionPolicy):
    """Housing bureau staff (any level, any role) and superusers manage the calendar."""

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or bool(is_bureau_staff(user))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):  # pragma: no cover - not used by the viewset
        return super().users_with_any_permission(actions)


register_permission_policy(Holiday, BureauOnlyPolicy(Holiday))


class HolidayViewSet(PlainTextViewSetMixin, ModelViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("Holiday calendar")
    menu_order = 910
    add_to_admin_menu = True
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    form_fields = ["date", "kind", "name"]
    inspect_view_enabled = False
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_holiday_viewset():
    return HolidayViewSet("holidays")
