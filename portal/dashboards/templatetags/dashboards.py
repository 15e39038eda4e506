"""Template helpers of the dashboards: look up a figure and format it by its kind."""

from django import template

from portal.core.templatetags.numbers import format_area, format_count, format_money

register = template.Library()


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


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
