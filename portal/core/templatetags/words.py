"""``{% load words %}``: ``{{ names|join_list }}`` joins a list the way the active language does
(网上投票、纸质投票 / Online, Paper ballot); ``{% quarter year q %}`` names a quarter
(2026年第4季度 / 2026 Q4), ``{% quarter year q as label %}`` for a translated sentence;
``{{ period|half_year }}`` names a half-year of statements (2026H1: 2026年上半年 / 2026 H1);
``{{ day|date:"Y-m-d"|nowrap }}`` keeps a date (or any short value) on one line inside a translated
sentence, so a phone never breaks 2026-09-30 at its hyphen."""

from django import template
from django.utils.html import format_html

from portal.core import words

register = template.Library()


@register.filter
def join_list(items):
    return words.join_list(items or [])


@register.simple_tag
def list_separator():
    """The separator alone, for lists built in a loop:
    ``{% if not forloop.last %}{% list_separator %}{% endif %}``."""
    return words.list_separator()


@register.simple_tag
def quarter(year, q):
    return words.quarter_label(year, q)


@register.filter
def half_year(period):
    return words.half_year_label(period)


@register.filter
def nowrap(value):
    """``value`` escaped, in a ``span.nowrap``: safe to pass into ``blocktranslate``."""
    return format_html('<span class="nowrap">{}</span>', value)
