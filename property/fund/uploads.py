"""Checks on uploaded evidence (photos, inspection reports, invoices).

Allowed: the extensions in ``settings.UPLOAD_ALLOWED_EXTENSIONS`` (jpg, jpeg, png, pdf), at most
``settings.UPLOAD_MAX_BYTES``, and content that really is that type (magic bytes), so that a
renamed file is refused.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}


def check_upload(uploaded) -> str:
    """Validate an uploaded file; return its content type or raise ``ValidationError``."""
    name = str(getattr(uploaded, "name", ""))
    ext = Path(name).suffix.lower().lstrip(".")
    allowed = [e.lower() for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if ext not in allowed or ext not in SIGNATURES:
        raise ValidationError(
            _("%(name)s: only these file types are accepted: %(types)s.")
            % {"name": name, "types": ", ".join(allowed)}
        )
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    magic, content_type = SIGNATURES[ext]
    uploaded.seek(0)
    head = uploaded.read(len(magic))
    uploaded.seek(0)
    if head != magic:
        raise ValidationError(
            _("%(name)s is not really a %(type)s file.") % {"name": name, "type": ext}
        )
    return content_type
