"""Template helpers of the dashboards: look up a figure and format it by its kind."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

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
    if indicator.kind in ("area", "money"):
        return intcomma(f"{Decimal(value):.2f}", use_l10n=False)
    return intcomma(value, use_l10n=False)
