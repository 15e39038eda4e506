"""``{% load links %}``: absolute links to the portal from ``PORTAL_BASE_URL`` (emails, feeds).

``{% absolute_url "voting:detail" vote.pk %}`` is ``{% url %}`` made absolute;
``{{ path|absolute }}`` makes a path (or a URL built elsewhere) absolute.
"""

from django import template

from portal.core.links import absolute_reverse
from portal.core.links import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(viewname, *args, **kwargs):
    return absolute_reverse(viewname, *args, **kwargs)


@register.filter
def absolute(path):
    return _absolute_url(str(path or "/"))
