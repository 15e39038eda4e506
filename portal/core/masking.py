"""Masking personal data for anyone but its owner: one helper, used by pages, the audit log,
account names, the SMS development backends and the log redaction (``portal.core.logging``).

Plain Python (no Django), so every layer may use it.
"""

import re

# A mainland mobile number, with or without +86: 1[3-9]x xxxx xxxx.
PHONE_RE = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str:
    """A phone number as others may see it: ``+8613912345678`` → ``139****5678``.

    A mainland mobile number keeps its first three and last four digits; any other number
    keeps only its last four digits. Empty stays empty."""
    value = (phone or "").replace(" ", "").replace("-", "")
    if not value:
        return ""
    match = PHONE_RE.fullmatch(value)
    if match:
        return f"{match.group(2)}****{match.group(4)}"
    digits = re.sub(r"\D", "", value)
    return "****" + digits[-4:] if len(digits) > 4 else "****"


def mask_phones_in(text: str) -> str:
    """Every mainland mobile number inside ``text`` masked (a ``+86`` written before it stays):
    ``"sms to +8613912345678"`` → ``"sms to +86139****5678"``."""
    if not text:
        return text
    return PHONE_RE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text)


def mask_name(name: str | None) -> str:
    """A person's name as others may see it: the first character, one star for each other
    (``张三丰`` → ``张**``; ``Li`` → ``L*``); an empty name is ``*``."""
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, len(name) - 1)


def mask_label(label: str | None) -> str:
    """A party's label of one or more names joined by ``+`` (co-owners), each masked:
    ``李四+赵六`` → ``李*、赵*``."""
    parts = [p.strip() for p in (label or "").replace("＋", "+").split("+")]
    return "、".join(mask_name(p) for p in parts if p) or "*"
