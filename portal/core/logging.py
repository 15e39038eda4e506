"""Logging filter that masks personal data and secrets in every log record.

Masks mainland identity numbers (18 characters, shown as the first 4 and last 4), mobile
numbers (middle four digits) and the values of secret-looking ``key=value`` / ``"key": "value"``
pairs (password, secret, token, api key, TOTP or SMS code, session id, authorization), in the message and in a formatted
traceback. Attached to every handler in ``settings.LOGGING`` (filter ``redact``).
"""

import logging
import re

from portal.core.masking import mask_phones_in

_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")
_SECRET_RE = re.compile(
    r"(?i)(?P<key>[\"']?[\w-]*(?:password|passwd|secret|token|api[_-]?key|totp|"
    r"(?:otp|sms|verification|mfa)[_-]?code|sessionid|authorization)[\w-]*[\"']?\s*[=:]\s*)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s,&;}]+)"
)


def _mask_secret(match: re.Match) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in "\"'" and len(value) >= 2 else ""
    return f"{match.group('key')}{quote}***{quote}"


def redact(text: str) -> str:
    text = _SECRET_RE.sub(_mask_secret, text)
    text = _ID_RE.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    return mask_phones_in(text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not drop the record
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now so the formatter uses the redacted text.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
