"""``{% load words %}``: ``{{ names|join_list }}`` joins a list the way the active language does
(网上投票、纸质投票 / Online, Paper ballot)."""

from django import template

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
