"""Pluggable SMS backends for verification codes (``settings.SMS_BACKEND``).

A deployment points ``SMS_BACKEND`` at a class with a ``send(phone, message)`` method that
talks to the city's SMS gateway: ``HttpGatewaySMSBackend`` posts to a gateway over HTTPS, or a
class of the deployment's own. The production settings have no default and ``check --deploy``
refuses the development backends (``portal.accounts.checks``).

The development backends never show a whole phone number (``portal.core.masking``). They do
show the message, code included: that is how a developer signs up without a gateway (console)
and how the browser tests read the code (file). Tests keep an outbox (locmem).

Delivery receipts (送达回执): ``send`` returns the gateway's id for the text it accepted, or
``None``. A backend whose gateway later reports whether the text reached the phone sets
``reports_receipts = True`` and the deployment feeds each receipt to
``portal.notifications.services.delivery_receipt_record(gateway_ref=, delivered=, at=)``.
None of the development backends (console, file, locmem) reports a receipt: a text they
"send" stays "handed to the gateway" with no receipt.
"""

import json
import logging
import os

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from portal.core.masking import mask_phone

logger = logging.getLogger(__name__)


class BaseSMSBackend:
    #: Whether the gateway reports delivery receipts (see the module's docstring).
    reports_receipts = False

    def send(self, phone: str, message: str) -> str | None:  # pragma: no cover - interface
        """Hand the text to the gateway; return its id for the text (for receipts), or None."""
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Development: logs each message (through the redacting log handlers) to the console."""

    def send(self, phone: str, message: str) -> None:
        logger.warning("[SMS to %s] %s", mask_phone(phone), message)


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``outbox`` for tests; returns a reference (``locmem-<n>``) so that a test
    can feed a receipt to ``delivery_receipt_record``, though it reports none itself."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> str:
        LocmemSMSBackend.outbox.append((phone, message))
        return f"locmem-{len(LocmemSMSBackend.outbox)}"


class FileSMSBackend(BaseSMSBackend):
    """Development and browser tests: appends each message as one JSON line to
    ``settings.SMS_FILE_PATH`` (or the environment variable ``SMS_FILE_PATH``), with the phone
    number masked, for a separate process (the test, or a developer) to read the code."""

    def send(self, phone: str, message: str) -> None:
        path = getattr(settings, "SMS_FILE_PATH", None) or os.environ["SMS_FILE_PATH"]
        line = json.dumps({"phone": mask_phone(phone), "message": message}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


class HttpGatewaySMSBackend(BaseSMSBackend):
    """Production: posts ``{"phone": "+86…", "message": "…"}`` as JSON to ``SMS_GATEWAY_URL``
    (HTTPS) with ``Authorization: Bearer SMS_GATEWAY_TOKEN``; any answer but 2xx is an error.
    An ``id`` in a JSON answer is kept as the text's gateway reference, which a receipt the
    gateway reports later names. For a city SMS platform with another protocol, write a class
    with the same ``send``."""

    timeout = 10
    reports_receipts = True

    def send(self, phone: str, message: str) -> str | None:
        response = requests.post(
            settings.SMS_GATEWAY_URL,
            json={"phone": phone, "message": message},
            headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
            timeout=self.timeout,
        )
        response.raise_for_status()
        try:
            ref = response.json().get("id")
        except (ValueError, AttributeError):
            return None
        return str(ref)[:64] if ref else None


DEVELOPMENT_BACKENDS = (ConsoleSMSBackend, FileSMSBackend, LocmemSMSBackend)


def get_backend_class():
    if not settings.SMS_BACKEND:
        raise ImproperlyConfigured("SMS_BACKEND is not set: name the SMS gateway class.")
    return import_string(settings.SMS_BACKEND)


def send_sms(phone: str, message: str) -> str | None:
    """Send a text; returns the gateway's reference for it, or None."""
    return get_backend_class()().send(phone, message)
