"""``{{ phone|masked_phone }}``: a phone number as anyone but its owner may see it (139****5678).
Built in to every template (``settings.TEMPLATES``), like the number filters."""

from django import template

from portal.core.masking import mask_phone

register = template.Library()


@register.filter
def masked_phone(value) -> str:
    return mask_phone(value)
