"""portal.core PDFs: rendering with an embedded CJK font, PAdES signing under the portal's
certificate, the public certificate URL, and QR codes (docs/contracts.md, "portal.core PDF")."""

import re
import stat
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.utils import translation

from portal.core import signing
from portal.core.pdf import qr_svg, render_pdf, sign_pdf
from tests.pdfcheck import pdf_fonts, pdf_text, signature_valid

TITLE = "维修资金使用公示"


def _sample(rows=3, **extra) -> bytes:
    data = [
        {
            "label": f"{i + 1}号楼 {i + 1}01室",
            "area": Decimal("89.50"),
            "amount": Decimal("1234.56"),
        }
        for i in range(rows)
    ]
    context = {"title": TITLE, "rows": data, "total": Decimal("3703.68"), **extra}
    with translation.override("zh-hans"):
        return render_pdf("pdf/example.html", context)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_pdf():
    return _sample()


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.BOARD_KEY_DIR = tmp_path / "keys"
    return settings.BOARD_KEY_DIR


def test_render_returns_pdf_with_chinese_title_and_figures(sample_pdf):
    """render_pdf turns a template into a PDF whose text (pdftotext) gives back the Chinese
    title, the row labels and the money figures exactly."""
    assert sample_pdf.startswith(b"%PDF-")
    text = pdf_text(sample_pdf)
    assert TITLE in text
    assert "1号楼 101室" in text and "3号楼 301室" in text
    assert "1234.56" in text and "89.50" in text and "3703.68" in text


def test_header_and_page_numbers_in_chinese(sample_pdf):
    """Every page carries the brand 共治, the issuing body and "第 N 页 / 共 M 页"."""
    text = pdf_text(sample_pdf)
    assert "共治" in text
    assert "芜湖市住房和城乡建设局" in text
    assert "第1页/共1页" in _squeeze(text)  # pdftotext drops the spaces around CJK


def test_long_table_paginates_with_page_count():
    """A table longer than a page flows onto further pages, each numbered of the total."""
    pdf = _sample(rows=120)
    text = pdf_text(pdf)
    assert "120号楼 12001室" in text
    numbers = re.findall(r"第(\d+)页/共(\d+)页", _squeeze(text))
    total = int(numbers[0][1])
    assert total >= 3
    assert numbers == [(str(n), str(total)) for n in range(1, total + 1)]


def test_cjk_font_is_embedded(sample_pdf):
    """pdffonts lists WenQuanYi Zen Hei, embedded ("emb" yes), so readers without the font
    show the Chinese."""
    fonts = pdf_fonts(sample_pdf)
    rows = [line.split() for line in fonts.splitlines() if "WenQuanYi" in line]
    assert rows, fonts
    for row in rows:
        # columns after the encoding: emb sub uni object-id generation
        assert row[-5] == "yes", fonts


def test_remote_resources_are_not_fetched(settings):
    """Templates may show user content: render_pdf fetches only data: URLs and local theme,
    static or media files, never a network URL (no server-side request forgery)."""
    from portal.core.pdf import _url_fetcher

    fetcher = _url_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_signed_pdf_validates_against_portal_certificate(sample_pdf, key_dir):
    """sign_pdf adds a PAdES signature that pyHanko finds intact, valid and trusted with
    the portal certificate as trust root; the text is unchanged."""
    signed = sign_pdf(sample_pdf, reason="公示文件")
    assert signed.startswith(sample_pdf)  # incremental update: the original bytes are kept
    assert signature_valid(signed)
    assert not signature_valid(sample_pdf)  # unsigned
    assert TITLE in pdf_text(signed)


def test_signature_records_reason_location_and_pades(sample_pdf, key_dir):
    """The signature dictionary is PAdES (ETSI.CAdES.detached) with reason and location."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = sign_pdf(sample_pdf, reason="公示文件")
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    sig = embedded.sig_object
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Reason"] == "公示文件"
    assert sig["/Location"] == "芜湖市"


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_one_changed_byte_breaks_the_signature(sample_pdf, key_dir, where):
    """A signed PDF with one byte changed after signing no longer validates."""
    signed = bytearray(sign_pdf(sample_pdf, reason="公示文件"))
    index = {"header": 10, "middle": len(sample_pdf) // 2, "end": len(sample_pdf) - 20}[where]
    signed[index] ^= 0x01
    assert not signature_valid(bytes(signed))


def test_signature_by_another_key_is_not_trusted(sample_pdf, settings, tmp_path):
    """A PDF signed with a different certificate is intact but not trusted by the portal's."""
    settings.BOARD_KEY_DIR = tmp_path / "other"
    signed = sign_pdf(sample_pdf, reason="公示文件")
    settings.BOARD_KEY_DIR = tmp_path / "portal"
    assert not signature_valid(signed)


def test_credentials_generated_once_and_reused(key_dir):
    """The certificate is generated on first use and reused afterwards (same serial), the
    key file is mode 0600 in a 0700 folder, and the subject, validity and key usage are
    as specified."""
    first = signing.credentials().certificate
    signing._cache.clear()  # a fresh process reads the same files
    second = signing.credentials().certificate
    assert first.serial_number == second.serial_number
    key_mode = stat.S_IMODE((key_dir / signing.KEY_FILE).stat().st_mode)
    assert key_mode == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700

    subject = first.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "共治 Gongzhi 平台"
    assert (
        subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
        == "芜湖市住房和城乡建设局 (demo)"
    )
    assert first.issuer == subject
    lifetime = first.not_valid_after_utc - first.not_valid_before_utc
    assert 5 * 365 <= lifetime.days <= 5 * 366
    usage = first.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign


def test_half_present_credentials_are_refused(key_dir):
    """A key without its certificate (or the reverse) is an operator error: no silent
    regeneration that would orphan the published certificate."""
    signing.credentials()
    (key_dir / signing.CERT_FILE).unlink()
    signing._cache.clear()
    with pytest.raises(RuntimeError):
        signing.credentials()


@pytest.mark.urls("portal.core.urls")
def test_certificate_served_publicly(client, key_dir):
    """/.well-known/gongzhi/pdf-signing-cert.pem serves the portal certificate's PEM to
    anyone (no login), so readers can check signed PDFs."""
    response = client.get("/.well-known/gongzhi/pdf-signing-cert.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content == signing.certificate_pem()
    cert = x509.load_pem_x509_certificate(response.content)
    assert cert.serial_number == signing.credentials().certificate.serial_number
    assert client.post("/.well-known/gongzhi/pdf-signing-cert.pem").status_code == 405


def _svg_size(markup: str) -> int:
    root = ElementTree.fromstring(markup)
    assert root.tag.endswith("svg")
    view_box = root.attrib["viewBox"].split()
    return int(float(view_box[2]))


def test_qr_svg_is_svg_markup_sized_to_the_data():
    """qr_svg returns SVG markup (no XML declaration, safe to embed) whose module count
    grows with the amount of data encoded."""
    small = qr_svg("GZ-1")
    large = qr_svg("https://gongzhi.example.cn/votes/verify/" + "a" * 200)
    assert small.startswith("<svg") and "<path" in small
    assert "<?xml" not in small
    assert hasattr(small, "__html__")  # marked safe for templates
    assert _svg_size(large) > _svg_size(small)


def _dark_modules(markup: str) -> set[tuple[int, int]]:
    path = ElementTree.fromstring(markup).find("{http://www.w3.org/2000/svg}path").attrib["d"]
    return {tuple(map(int, square.split("H")[0].split(","))) for square in path.split("M")[1:]}


def test_qr_svg_draws_the_modules_of_the_data():
    """The SVG's dark squares are exactly the QR matrix of the data (error correction M,
    2-module quiet zone), so a scanner reads the data back; other data draws another code."""
    import qrcode

    data = "https://gongzhi.example.cn/v/abc123"
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    expected = {
        (x, y) for y, row in enumerate(qr.get_matrix()) for x, dark in enumerate(row) if dark
    }
    assert _dark_modules(qr_svg(data)) == expected
    assert _dark_modules(qr_svg(data + "x")) != expected


def test_qr_embeds_in_pdf():
    """A QR code from qr_svg renders inside a PDF (WeasyPrint draws inline SVG)."""
    pdf = _sample(
        qr=qr_svg("https://gongzhi.example.cn/v/1"), verify_url="https://gongzhi.example.cn/v/1"
    )
    assert "https://gongzhi.example.cn/v/1" in pdf_text(pdf)


def test_fixed_width_lines_line_up_wide_and_narrow_characters():
    """Cells padded per column, a Chinese character counting two narrow ones: every line of a
    column of unit codes, areas and balances has the same width, numbers right-aligned."""
    from portal.core.pdf import display_width, fixed_width_lines

    lines = fixed_width_lines(
        [
            ("房号", "面积", "余额"),
            ("商铺1-01", "1,234.56", "987,654.32"),
            ("1-1-0101", "68.33", "7.80"),
        ],
        align="<>>",
    )
    assert lines == [
        "房号          面积        余额",
        "商铺1-01  1,234.56  987,654.32",
        "1-1-0101     68.33        7.80",
    ]
    assert {display_width(line) for line in lines} == {30}


def test_warm_up_renders_but_never_creates_signing_keys(key_dir):
    """warm_up (called as a server process starts) renders and, where the credentials exist,
    signs a small document; it never generates the signing key of a fresh installation."""
    from portal.core.pdf import warm_up

    warm_up()
    assert not (key_dir / signing.KEY_FILE).exists()
    signing.credentials()
    key = (key_dir / signing.KEY_FILE).read_bytes()
    warm_up()
    assert (key_dir / signing.KEY_FILE).read_bytes() == key
