"""Template helpers of the dashboards: look up a figure and format it by its kind."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from portal.core.templatetags.numbers import format_area, format_count, format_money
from portal.indicators import GROUPS
from voting.models import Channel

register = template.Library()


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def by_group(indicators):
    """``indicators`` under their group titles, in the order of the groups, leaving out groups
    with none of them: the places' table is one table per group, narrow enough for a screen
    (eighteen figures side by side were twice as wide as a desktop)."""
    return [
        (title, group)
        for key, title in GROUPS.items()
        if (group := [i for i in indicators if i.group == key])
    ]


@register.filter
def when(value):
    """A date as the portal's pages write it (2026-11-26), a time with its minutes (2026-11-26
    08:00, local time); anything else as it is."""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return date_format(value, "Y-m-d")
    return value


@register.simple_tag
def figure(figures, indicator):
    """The figure of ``indicator`` in ``figures``, formatted by kind (— when undefined)."""
    value = figures.get(indicator.key) if figures is not None else None
    if value is None:
        return "—"
    if indicator.kind == "percent":
        return f"{value}%"
    # The label names the unit ("… (yuan)", "… (m²)"): the one number format, without it.
    if indicator.kind == "money":
        return format_money(value, "plain")
    if indicator.kind == "area":
        return format_area(value, "plain")
    return format_count(value)


@register.filter
def share(value):
    """A percentage of the adoption indicators (one place), — when undefined."""
    return "—" if value is None else f"{value}%"


@register.filter
def channel_label(channel):
    """The name of a voting channel (online, paper ballot, proxy) in the reader's language."""
    return Channel(channel).label
