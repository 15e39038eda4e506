"""Avatars drawn from a person's initials, on the portal itself: Gravatar is blocked on the
mainland and would tell a third party who opened the admin. Pure: no Django.

Chinese names show their last two characters, as Chinese office software does (张伟 → 张伟,
欧阳娜娜 → 娜娜); Latin names their initials (Li Wei → LW, alice@… → A), a phone number its last two digits. The colour is fixed per
person and white text on it meets 4.5:1.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote
from xml.sax.saxutils import escape

# White text on each of these has a contrast ratio of at least 4.5:1.
PALETTE = ("#a3141c", "#0b4f9c", "#1b6e2d", "#6a1b6e", "#8a4b00", "#3d4a5c", "#00606b", "#7a2e8c")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def initials(name: str) -> str:
    """The one or two characters shown in the avatar of ``name`` ("" gives "?")."""
    name = (name or "").strip()
    if "@" in name:
        name = name.split("@", 1)[0].replace(".", " ").replace("_", " ")
    cjk = [c for c in name if _is_cjk(c)]
    if cjk:
        return "".join(cjk[-2:])
    digits = name.lstrip("+").replace(" ", "").replace("-", "")
    if digits.isdigit():  # a phone number: its last two digits
        return digits[-2:]
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def colour(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def avatar_svg(name: str, key: str, size: int = 50) -> str:
    text = initials(name)
    font = size * (0.36 if len(text) > 1 else 0.46)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}"><rect width="{size}" height="{size}" fill="{colour(key)}"/>'
        f'<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff" '
        f'font-family="PingFang SC,Noto Sans CJK SC,WenQuanYi Zen Hei,Microsoft YaHei,sans-serif" '
        f'font-size="{font:.1f}">{escape(text)}</text></svg>'
    )


def avatar_data_url(name: str, key: str, size: int = 50) -> str:
    """The avatar as a ``data:`` URL, for an ``<img src>``: nothing is fetched from anywhere."""
    return "data:image/svg+xml," + quote(avatar_svg(name, key, size))
