"""Uploaded evidence: accept only allowed types within the size limit; serve it as a download.

Two helpers every app with uploads adopts:

``validate_upload(file)``
    A Django validator (use it in ``FileField(validators=[validate_upload])`` or call it from a
    form's ``clean_<field>``). Checks the extension against ``settings.UPLOAD_ALLOWED_EXTENSIONS``,
    the size against ``settings.UPLOAD_MAX_BYTES``, and that the first bytes really are a PDF,
    JPEG or PNG (a renamed HTML or script file is refused). Errors are translated.

``private_storage()`` and ``PrivateUploadTo(prefix)``
    Every uploaded file lives in private storage (``settings.PRIVATE_MEDIA_ROOT``, outside
    ``MEDIA_ROOT``, with no URL) under a random name: ``FileField(storage=private_storage,
    upload_to=PrivateUploadTo("votes/paper"))``. Nothing a person uploads is ever reachable
    under ``/media/``, in any setting.

``serve_private_file(request, fieldfile, filename=None)``
    Streams a stored file as an attachment (``Content-Disposition: attachment``) with the content
    type derived from the extension (never ``text/html``: anything not known is
    ``application/octet-stream``) and ``X-Content-Type-Options: nosniff``, so a browser never
    renders or executes an upload. The calling view does the permission check first; private
    files are never put under a public ``/media/`` URL.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from portal.core.words import join_list

# Leading bytes of each allowed type (extension -> signatures).
MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def _head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else None
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        return file.read(size) or b""
    finally:
        if position is not None and hasattr(file, "seek"):
            file.seek(position)


def validate_upload(file) -> None:
    """Refuse a file of a type not allowed, too large, or whose content is not what its name says.

    Works on ``UploadedFile``, ``File`` and ``FieldFile`` alike (reads the first bytes, then
    restores the position). Raises ``ValidationError`` with a message in the user's language.
    """
    allowed = [e.lower() for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    ext = extension(getattr(file, "name", ""))
    if ext not in allowed:
        raise ValidationError(
            _("Files of this type are not accepted. Allowed: %(types)s.")
            % {"types": join_list(allowed)},
            code="upload_type",
        )
    size = getattr(file, "size", None)
    if size is None:
        raise ValidationError(_("The file could not be read."), code="upload_unreadable")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(limit)s).")
            % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="upload_size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="upload_empty")
    signatures = MAGIC.get(ext)
    if signatures is not None:
        head = _head(file)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(
                _("The file's content does not match its type (.%(ext)s).") % {"ext": ext},
                code="upload_content",
            )


def content_type_for(name: str) -> str:
    """The content type served for a file name: known types only, never HTML."""
    return CONTENT_TYPES.get(extension(name), FALLBACK_CONTENT_TYPE)


def serve_private_file(request, fieldfile, filename: str | None = None) -> FileResponse:
    """A download response for a stored file (after the view has checked permission).

    ``filename`` is the name the browser saves it under (defaults to the stored base name).
    Raises 404 when the field is empty or the file is missing from storage.
    """
    if not fieldfile:
        raise Http404
    name = filename or PurePath(fieldfile.name).name
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type_for(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def private_storage() -> FileSystemStorage:
    """Storage for every upload: under ``PRIVATE_MEDIA_ROOT`` with no public URL; files are served
    only by a view that checks permission first (``serve_private_file``)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


@deconstructible
class PrivateUploadTo:
    """``upload_to`` giving a random stored name below ``prefix/YYYY/MM/``: the name a person gave
    the file is never part of the path (keep it in a model field if it must be shown)."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = extension(filename)
        suffix = f".{ext}" if ext else ""
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix


def move_into_private_storage(model, field: str) -> None:
    """Data-migration step: move the files of ``model.field`` stored under ``MEDIA_ROOT`` (before
    every upload became private) to ``PRIVATE_MEDIA_ROOT``, keeping their stored names."""
    import shutil
    from pathlib import Path

    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True):
        source, target = public / name, private / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))
