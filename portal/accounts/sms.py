"""Pluggable SMS backends for verification codes (``settings.SMS_BACKEND``).

A production deployment points ``SMS_BACKEND`` at a class with the same ``send`` method that
talks to the city's SMS gateway; development prints to the console, tests keep an outbox.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSMSBackend:
    def send(self, phone: str, message: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Prints each message to standard output, as Django's console email backend does."""

    def send(self, phone: str, message: str) -> None:
        print(f"[SMS to {phone}] {message}", flush=True)  # noqa: T201


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``outbox`` for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        LocmemSMSBackend.outbox.append((phone, message))


def send_sms(phone: str, message: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, message)


class FileSMSBackend(BaseSMSBackend):
    """Appends each message as one JSON line to ``settings.SMS_FILE_PATH`` (or the environment
    variable ``SMS_FILE_PATH``): for browser tests and staging, where a separate process (the
    test, or a person) reads the codes the server sent."""

    def send(self, phone: str, message: str) -> None:
        import json
        import os

        path = getattr(settings, "SMS_FILE_PATH", None) or os.environ["SMS_FILE_PATH"]
        line = json.dumps({"phone": phone, "message": message}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
