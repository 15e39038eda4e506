"""The one error type of the domain (STYLE.md, "One error").

A service refuses a step the user can act on by raising a ``DomainError`` (each app has its
own subclass: ``voting.services.VoteError``, ``property.fund.services.FundError``,
``property.registry.services.ClaimError``). It carries:

- ``message``: the user-facing reason (a str or a lazy translation, optionally with
  ``params`` for ``%(name)s`` placeholders), rendered in the language active when it is read;
- ``code``: a short machine-readable reason (``"too_long"``, ``"bad_state"``...), the class's
  ``default_code`` when the raiser gives none;
- ``field``: the form field the error is about, or None.

A service that checks several fields at once may raise it with a dict ``{field: message}``
(as ``ValidationError`` takes); ``add_to_form`` then puts each message on its field.

It subclasses Django's ``ValidationError``, so ``.messages``, ``.message``, ``.code``,
``.params`` and ``form.add_error(None, exc)`` keep working; unlike ``ValidationError``,
``str(exc)`` is the message itself (not the repr of a list).

Views turn any of them into a form error with ``add_to_form`` or into a page message with
``message_text``, the same way everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refused step; ``str(exc)`` is the user-facing reason in the active language."""

    default_code = "invalid"

    def __init__(self, message, code: str | None = None, params=None, *, field: str | None = None):
        super().__init__(message, code=code or self.default_code, params=params)
        self.code = code or self.default_code  # also for a dict of field errors
        self.field = field

    def __str__(self) -> str:
        return message_text(self)


def message_texts(exc: Exception) -> list[str]:
    """Each user-facing message of ``exc`` in the active language (params applied)."""
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def message_text(exc: Exception) -> str:
    """The user-facing text of ``exc`` as one line, for ``messages.error``."""
    return " ".join(message_texts(exc))


def add_to_form(form, exc: Exception) -> None:
    """Put ``exc`` on ``form``: on its field when it names one of the form's fields, else as a
    non-field error; one form error per message, rendered in the active language. A dict of
    field errors puts each on its field (or among the non-field errors)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields else None
            for error in errors:
                for text in message_texts(error):
                    form.add_error(field, ValidationError(text, code=error.code))
        return
    field = getattr(exc, "field", None)
    if field not in form.fields:
        field = None
    code = getattr(exc, "code", None)
    for text in message_texts(exc):
        form.add_error(field, ValidationError(text, code=code))
