"""Identity numbers, phone numbers and secrets never reach the logs (portal.core.logging)."""

import io
import logging

import pytest

from portal.core.logging import RedactPersonalData, redact
from tests.factories import identity_number

ID = identity_number(7)


def test_identity_number_masked():
    """An 18-character identity number keeps only its first 4 and last 4 characters."""
    out = redact(f"claim by {ID} refused")
    assert ID not in out
    assert out == f"claim by {ID[:4]}{'*' * 10}{ID[-4:]} refused"


def test_identity_number_with_x_checksum_masked():
    """The checksum character may be X; those are masked too."""
    assert "34020219800101123X" not in redact("id=34020219800101123X")


def test_phone_numbers_masked():
    """Mobile numbers, with or without +86, lose their middle four digits."""
    assert redact("sms to +8613912345678") == "sms to +86139****5678"
    assert redact("call 13912345678.") == "call 139****5678."


@pytest.mark.parametrize(
    "text",
    [
        "login password=Sup3r-secret! from 1.2.3.4",
        "{'password': 'Sup3r-secret!', 'login': 'a@b.cn'}",
        '{"api_key": "Sup3r-secret!"}',
        "Authorization: Sup3r-secret!",
        "token=Sup3r-secret!&next=/",
        "totp_secret=Sup3r-secret!",
        "sms_code=Sup3r-secret!",
    ],
)
def test_secret_values_masked(text):
    """Values of password, token, key, secret and code fields are replaced by ***."""
    out = redact(text)
    assert "Sup3r-secret!" not in out and "***" in out


def test_ordinary_figures_untouched():
    """Amounts, dates, status codes and unit codes are not mistaken for personal data."""
    text = "vote 12 counted: 1234 ballots, status_code=200, 2026-11-24, unit 1-1-0101, ¥123456.78"
    assert redact(text) == text


@pytest.fixture
def captured_console():
    """The configured console handler (settings.LOGGING), writing into a buffer."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    handler = next(h for h in handlers if any(isinstance(f, RedactPersonalData) for f in h.filters))
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)


def test_real_logger_call_through_settings_logging(captured_console):
    """A real logger call (lazy %-args, as code writes it) goes through the redacting filter."""
    logger = logging.getLogger("property.registry.test")
    logger.warning("claim for %s by %s with password=%s", ID, "+8613912345678", "hunter22")
    out = captured_console.getvalue()
    assert out, "the console handler of settings.LOGGING wrote nothing"
    assert ID not in out and "13912345678" not in out and "hunter22" not in out
    assert ID[:4] in out and "****5678" in out


def test_traceback_redacted(captured_console):
    """An exception message carrying an identity number is masked in the logged traceback."""
    logger = logging.getLogger("voting.test")
    try:
        raise ValueError(f"bad identity {ID}")
    except ValueError:
        logger.exception("import failed")
    out = captured_console.getvalue()
    assert "Traceback" in out and "ValueError" in out
    assert ID not in out
