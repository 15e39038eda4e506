"""Lists in messages are joined the way the reader's language joins them (issue 15)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.core.uploads import validate_upload


@pytest.mark.parametrize(
    "language, expected",
    [("zh-hans", "允许的类型：pdf、jpg、jpeg、png。"), ("en", "Allowed: pdf, jpg, jpeg, png.")],
)
def test_upload_type_error_lists_types_per_language(settings, language, expected):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
    with translation.override(language), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("a.exe", b"MZ" + b"0" * 32))
    assert expected in error.value.messages[0]
