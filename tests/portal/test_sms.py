"""SMS codes: 6-digit 验证码, and the development backends never show a whole phone number
(issue 14, finding 13a; issue 15, "the SMS code is NPPF-RPKV labelled 代码")."""

import json
import logging
import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal.accounts.sms import ConsoleSMSBackend, FileSMSBackend, LocmemSMSBackend

pytestmark = pytest.mark.django_db

PHONE = "+8613912345678"


@pytest.fixture(autouse=True)
def clean():
    cache.clear()
    LocmemSMSBackend.outbox.clear()


def test_console_backend_masks_the_phone_number(caplog, capsys):
    with caplog.at_level(logging.INFO):
        ConsoleSMSBackend().send(PHONE, "您的共治验证码是123456，请勿告诉他人。")
    shown = caplog.text + "".join(capsys.readouterr())
    assert "139****5678" in shown and "123456" in shown
    assert "13912345678" not in shown


def test_console_backend_goes_through_the_log_redaction():
    """The message is a log record, so the handlers' redaction filter sees it."""
    from portal.core.logging import RedactPersonalData

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep()
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("portal.accounts.sms")
    logger.addHandler(handler)
    try:
        ConsoleSMSBackend().send(PHONE, f"也发到 {PHONE}")
    finally:
        logger.removeHandler(handler)
    assert seen and "13912345678" not in seen[0].getMessage()


def test_file_backend_masks_the_phone_number_and_keeps_the_code(tmp_path):
    """The browser tests read codes from this file: the code stays, the number does not."""
    path = tmp_path / "sms.jsonl"
    with override_settings(SMS_FILE_PATH=str(path)):
        FileSMSBackend().send(PHONE, "您的共治验证码是123456，请勿告诉他人。")
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["phone"] == "139****5678"
    assert "123456" in row["message"]
    assert "13912345678" not in path.read_text(encoding="utf-8")


def _sign_up(client, phone="13955507777"):
    return client.post(
        "/accounts/signup/",
        {"phone": phone, "password1": "Lantern-Harbour-2026", "password2": "Lantern-Harbour-2026"},
    )


def test_phone_verification_code_is_six_digits(client):
    _sign_up(client)
    ((phone, message),) = LocmemSMSBackend.outbox
    assert phone == "+8613955507777"
    codes = re.findall(r"[A-Z0-9][A-Z0-9-]{3,}", message)
    assert len(codes) == 1 and re.fullmatch(r"\d{6}", codes[0]), message
    assert "验证码" in message


def test_code_page_says_verification_code_in_chinese(client):
    response = _sign_up(client)
    page = client.get(response["Location"]).content.decode()
    assert "验证码" in page
    assert "代码" not in page


def test_phone_verification_accepts_the_six_digit_code(client):
    from portal.accounts.models import User

    response = _sign_up(client)
    ((_phone, message),) = LocmemSMSBackend.outbox
    code = re.search(r"\d{6}", message).group(0)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert User.objects.get(phone="+8613955507777").phone_verified


def test_wrong_code_says_so_in_chinese(client):
    response = _sign_up(client)
    ((_phone, message),) = LocmemSMSBackend.outbox
    code = re.search(r"\d{6}", message).group(0)
    wrong = "000000" if code != "000000" else "111111"
    page = client.post(response["Location"], {"code": wrong}).content.decode()
    assert "验证码不正确" in page


@pytest.mark.parametrize(
    ("password", "english"),
    [
        ("Ab1-xyz", "This password is too short"),
        ("12345678987", "This password is entirely numeric"),
        ("password", "This password is too common"),
    ],
)
def test_password_errors_in_chinese(client, password, english):
    page = client.post(
        "/accounts/signup/", {"phone": "13955508888", "password1": password, "password2": password}
    ).content.decode()
    assert english not in page
    assert "密码" in page
