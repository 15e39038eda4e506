"""Test helpers for PDFs (contracts.md): text and fonts through poppler, signatures through
pyHanko with the portal's certificate as the only trust root."""

import subprocess
import tempfile
from io import BytesIO


def pdf_text(pdf: bytes) -> str:
    """The text of ``pdf`` as ``pdftotext`` extracts it (UTF-8, layout not kept)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def pdf_fonts(pdf: bytes) -> str:
    """The ``pdffonts`` table of ``pdf`` (name, type, encoding, emb, sub, uni)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True, timeout=60
        )
    return result.stdout.decode("utf-8")


def signature_valid(pdf: bytes) -> bool:
    """True when ``pdf`` carries a signature that is intact, cryptographically valid, made
    with a certificate that chains to the portal's certificate, and covers the whole file."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from portal.core.signing import certificate_pem

    trust_roots = list(load_certs_from_pemder_data(certificate_pem()))
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return False
        statuses = [
            validate_pdf_signature(embedded, ValidationContext(trust_roots=trust_roots))
            for embedded in signatures
        ]
        if not all(s.intact and s.valid and s.trusted for s in statuses):
            return False
        return statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    except Exception:  # noqa: BLE001 - a PDF pyHanko cannot even read is not validly signed
        return False
