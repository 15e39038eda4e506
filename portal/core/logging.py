"""Logging filter that masks mainland identity numbers and phone numbers in every log record."""

import logging
import re

_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def redact(text: str) -> str:
    text = _ID_RE.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    return _PHONE_RE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not drop the record
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
