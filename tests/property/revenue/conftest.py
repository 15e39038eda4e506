from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.property.fund.factories import cast

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def aware(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h))


def voucher(name="收据.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def c(world, settings):
    settings.GONGZHI = {**settings.GONGZHI, "REVENUE_START_MONTH": "2026-01"}
    return cast(world)
