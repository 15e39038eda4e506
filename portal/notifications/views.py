"""A person's notifications (the bell's list), opening one, and what they are told by email/SMS."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.permissions import gate, roles_of

from . import kinds, selectors, services
from .models import Notification, Preference

PAGE_SIZE = 30


@gate()
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@gate()
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go where it points (a path on the portal)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:list"
    return redirect(target)


@gate()
@require_POST
def notification_read_all(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("Every notification is marked as read."))
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    """One email and one SMS box per kind that can reach the person, grouped by area.

    A kind is offered when its audience holds one of the person's roles
    (``portal.permissions.roles_of``, the roles that give them workbench sections), or when
    they have received it anyway (a staff member asked to act as a proxy). Only the offered
    kinds are saved: the stored choices of the others stay as they are. The portal's own list
    always shows every notification, of every kind.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {p.kind: p for p in Preference.objects.filter(user=user)}
        received = Notification.objects.filter(recipient=user).values_list("kind", flat=True)
        self.groups = []
        self.rows = []
        for area, area_kinds in kinds.by_area(roles_of(user), also=set(received)):
            rows, mutes = [], []
            for kind in area_kinds:
                p = stored.get(kind.code)
                self.fields[f"{kind.code}:email"] = forms.BooleanField(
                    label=pgettext("channel", "Email"),
                    required=False,
                    initial=p.email if p else kind.email,
                )
                self.fields[f"{kind.code}:sms"] = forms.BooleanField(
                    label=pgettext("channel", "SMS"),
                    required=False,
                    initial=p.sms if p else kind.sms,
                )
                rows.append((kind, self[f"{kind.code}:email"], self[f"{kind.code}:sms"]))
                if kind.can_mute:
                    self.fields[f"{kind.code}:mute"] = forms.BooleanField(
                        label=_("Do not send me this at all: %(kind)s") % {"kind": kind.label},
                        required=False,
                        initial=p.muted if p else False,
                    )
                    mutes.append(self[f"{kind.code}:mute"])
            self.groups.append((area, rows, mutes))
            self.rows += rows

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind.code: (
                self.cleaned_data[f"{kind.code}:email"],
                self.cleaned_data[f"{kind.code}:sms"],
                *((self.cleaned_data[f"{kind.code}:mute"],) if kind.can_mute else ()),
            )
            for kind, _e, _s in self.rows
        }


@gate()
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "has_phone": bool(request.user.phone and request.user.phone_verified),
        },
    )
