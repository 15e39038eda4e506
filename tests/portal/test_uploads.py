"""Uploads are limited by type and size, checked by content, and served as inert downloads."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import path

from portal.core.uploads import content_type_for, serve_private_file, validate_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", PDF), ("photo.PNG", PNG), ("photo.jpg", JPG), ("scan.jpeg", JPG)],
)
def test_allowed_types_with_matching_content_pass(name, content):
    """PDF, JPEG and PNG whose first bytes match their extension are accepted."""
    validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "upload_type"),
        ("run.exe", b"MZ\x90\x00", "upload_type"),
        ("image.svg", b"<svg onload=alert(1)>", "upload_type"),
        ("noext", PDF, "upload_type"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "upload_content"),
        ("fake.png", JPG, "upload_content"),
        ("fake.jpg", PDF, "upload_content"),
        ("empty.pdf", b"", "upload_empty"),
    ],
)
def test_disallowed_or_disguised_files_refused(name, content, code):
    """A file of another type, or whose content is not what its extension claims, is refused."""
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile(name, content))
    assert info.value.code == code


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_size_limit_from_settings():
    """settings.UPLOAD_MAX_BYTES is the largest accepted file; one byte more is refused."""
    validate_upload(SimpleUploadedFile("ok.pdf", PDF.ljust(1024, b" ")))
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("big.pdf", PDF.ljust(1025, b" ")))
    assert info.value.code == "upload_size"


def test_error_message_in_chinese_by_default():
    """Bad input gets a clear error in the user's language (Chinese by default)."""
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("x.html", b"<html>"))
    assert "pdf" in info.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.messages[0])


def test_validator_restores_the_file_position():
    """The magic-bytes check reads the head and rewinds, so saving afterwards keeps every byte."""
    upload = SimpleUploadedFile("report.pdf", PDF)
    upload.seek(3)
    validate_upload(upload)
    assert upload.tell() == 3


def test_content_types_never_html():
    """Served content types come from a fixed table; unknown or active types are octet-stream."""
    assert content_type_for("a.pdf") == "application/pdf"
    assert content_type_for("a.PNG") == "image/png"
    for name in ("a.html", "a.htm", "a.svg", "a.js", "a", "a.xhtml"):
        assert content_type_for(name) == "application/octet-stream"


def field_file(storage, name):
    """A FieldFile over ``storage`` as a model's FileField would hand it to a view."""
    return FieldFile(None, SimpleNamespace(storage=storage, name="evidence"), name)


@pytest.fixture
def stored(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    return lambda name, content: field_file(storage, storage.save(name, ContentFile(content)))


def test_serve_private_file_is_an_inert_attachment(stored):
    """The download is an attachment with the right type, nosniff, and no caching."""
    response = serve_private_file(
        RequestFactory().get("/"), stored("evidence.pdf", PDF), "证据.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%81%E6%8D%AE.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_html_stored_by_mistake_is_not_served_as_html(stored):
    """Even a stored .html file (e.g. from before validation) downloads as octet-stream."""
    response = serve_private_file(RequestFactory().get("/"), stored("x.html", b"<script>"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_missing_or_empty_file_is_404(stored, tmp_path):
    """An empty field or a file gone from storage is a 404, not a server error."""
    ff = stored("gone.pdf", PDF)
    (tmp_path / ff.name).unlink()
    with pytest.raises(Http404):
        serve_private_file(RequestFactory().get("/"), ff)
    ff.name = ""
    with pytest.raises(Http404):
        serve_private_file(RequestFactory().get("/"), ff)


def dl_view(request):
    return serve_private_file(request, _DL["file"])


_DL: dict = {}
urlpatterns = [path("dl/", dl_view)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_csp_middleware_keeps_the_sandbox_header(client, stored):
    """Through the whole middleware stack the download keeps its own sandboxing CSP."""
    _DL["file"] = stored("a.pdf", PDF)
    response = client.get("/dl/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
