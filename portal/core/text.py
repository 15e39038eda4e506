"""Text a person types: no invisible control or text-direction characters.

A right-to-left override (U+202E) makes a name or a title read differently from what it is
("张三" can hide "三张", a file "exe.txt" show as "txt.exe"); a NUL or an escape sequence in a
unit code breaks files, terminals and logs. One rule for every text the portal stores from a
person (names, titles, reasons, the cells of an import):

- refused everywhere: control characters (C0, DEL, C1), the bidirectional formatting
  characters (Unicode ``Bidi_Control``: embeddings, overrides, isolates, the LRM/RLM/ALM
  marks), line and paragraph separators, the zero-width space and word joiners, the byte-order
  mark, and lone surrogates;
- allowed in multi-line text only: tab, line feed and carriage return.

``validate_plain_text`` / ``validate_plain_multiline`` are Django validators; forms get them on
every text field with ``PlainTextFormMixin`` (``class MyForm(PlainTextFormMixin, forms.Form)``;
``with_plain_text(form_class)`` for a form class built elsewhere, ``PlainTextViewSetMixin`` for
a Wagtail ``ModelViewSet``; Wagtail pages set ``base_form_class``). The registry
import calls ``text_problem`` on each cell. The zero-width joiner (emoji, some scripts) stays.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
INVISIBLE = frozenset("\u200b\u2028\u2029\u2060\u2061\u2062\u2063\u2064\ufeff")
MULTILINE_ALLOWED = frozenset("\t\n\r")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that a person's text may not hold, as ``U+XXXX``, or
    None when the text is clean."""
    if not value:
        return None
    for ch in value:
        if ch.isprintable() and ch not in BIDI_CONTROLS and ch not in INVISIBLE:
            continue  # the common case: every printable character but those
        if multiline and ch in MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp") or ch in BIDI_CONTROLS or ch in INVISIBLE:
            return f"U+{ord(ch):04X}"
    return None


def _message(code: str) -> str:
    return _(
        "This text contains an invisible control or text-direction character (%(char)s): "
        "remove it and type the text again."
    ) % {"char": code}


def validate_plain_text(value) -> None:
    """Single-line text (a name, a title): no control, direction or invisible characters."""
    problem = text_problem(value or "")
    if problem:
        raise ValidationError(_message(problem), code="control_character")


def validate_plain_multiline(value) -> None:
    """Multi-line text (a reason, a description): as above, but tabs and line breaks allowed."""
    problem = text_problem(value or "", multiline=True)
    if problem:
        raise ValidationError(_message(problem), code="control_character")


class PlainTextFormMixin:
    """Put the plain-text validator on every text field of the form.

    A field with a one-line widget (``TextInput`` and its kinds) gets ``validate_plain_text``;
    any other text field (``Textarea``, rich text, hidden) ``validate_plain_multiline``.
    Password fields are left to the password rules.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.PasswordInput):
                continue
            if any(v in (validate_plain_text, validate_plain_multiline) for v in field.validators):
                continue
            one_line = isinstance(field.widget, forms.TextInput)
            field.validators.append(validate_plain_text if one_line else validate_plain_multiline)


@cache
def with_plain_text(form_class: type) -> type:
    """``form_class`` with :class:`PlainTextFormMixin` (itself if it has it already)."""
    if issubclass(form_class, PlainTextFormMixin):
        return form_class
    return type(form_class.__name__, (PlainTextFormMixin, form_class), {"__module__": __name__})


class PlainTextViewSetMixin:
    """For a Wagtail ``ModelViewSet`` whose form Wagtail builds: the same validators on it
    (``class HolidayViewSet(PlainTextViewSetMixin, ModelViewSet)``)."""

    def get_form_class(self, for_update=False):
        return with_plain_text(super().get_form_class(for_update))
