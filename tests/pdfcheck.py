"""Test helpers for PDFs (docs/pdf.md): text and fonts through poppler, layout through
pdfplumber, signatures through pyHanko with the portal's certificate as the only trust root."""

import re
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


def pdf_lines(pdf: bytes) -> list[str]:
    """The lines of ``pdf`` as a reader sees them: ``pdftotext -layout`` (one line per line of
    print, table cells of a row side by side), each run of spaces made one space, blank lines
    dropped. Compare key lines of a document word for word with ``assert line in lines``."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    lines = (re.sub(r"\s+", " ", line).strip() for line in result.stdout.decode().splitlines())
    return [line for line in lines if line]


def pdf_fonts(pdf: bytes) -> str:
    """The ``pdffonts`` table of ``pdf`` (name, type, encoding, emb, sub, uni)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True, timeout=60
        )
    return result.stdout.decode("utf-8")


# Two glyph boxes closer than this (points) are not counted as overlapping: neighbouring
# glyphs touch, and box edges come from font metrics rounded by the PDF's number format.
_TOLERANCE = 0.4
# A line or rectangle at most this thick (points) and at least _RULE_LENGTH long is a rule:
# a table border, the header's underline, a chart's grid line.
_RULE_THICKNESS = 1.0
_RULE_LENGTH = 4.0


def _rules(page) -> list[dict]:
    rules = []
    for shape in [*page.lines, *page.rects]:
        width, height = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
        if min(width, height) <= _RULE_THICKNESS and max(width, height) >= _RULE_LENGTH:
            rules.append(shape)
    return rules


def _context(chars: list[dict], char: dict) -> str:
    """The text of the printed line around ``char``, to name a fault."""
    line = sorted(
        (c for c in chars if abs(c["top"] - char["top"]) < 1 and abs(c["x0"] - char["x0"]) < 120),
        key=lambda c: c["x0"],
    )
    return "".join(c["text"] for c in line)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def pdf_layout_faults(pdf: bytes) -> list[str]:
    """What a reader would see as broken print, one sentence per fault (empty: none):

    * two glyphs drawn over each other (text boxes that overlap: a label on a label, a figure
      running into the next cell's figure);
    * a word crossed by a rule (text running out of its table cell over the border into the
      next column, or out of its row);
    * a glyph outside the page.

    Reads the glyph boxes and the drawn lines of every page with pdfplumber (pdfminer).
    """
    import pdfplumber

    faults: list[str] = []
    with pdfplumber.open(BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            chars = [c for c in page.chars if c["text"].strip()]
            for c in chars:
                if c["x0"] < -_TOLERANCE or c["top"] < -_TOLERANCE:
                    faults.append(f"page {number}: {_context(chars, c)!r} leaves the page")
                elif c["x1"] > page.width + _TOLERANCE or c["bottom"] > page.height + _TOLERANCE:
                    faults.append(f"page {number}: {_context(chars, c)!r} leaves the page")
            ordered = sorted(chars, key=lambda c: c["x0"])
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if b["x0"] >= a["x1"] - _TOLERANCE:
                        break
                    wide = _overlap(a["x0"], a["x1"], b["x0"], b["x1"])
                    high = _overlap(a["top"], a["bottom"], b["top"], b["bottom"])
                    if wide > _TOLERANCE and high > _TOLERANCE:
                        faults.append(
                            f"page {number}: {_context(chars, a)!r} and {_context(chars, b)!r}"
                            " overlap"
                        )
            words = page.extract_words(x_tolerance=1, y_tolerance=1)
            for rule in _rules(page):
                vertical = rule["x1"] - rule["x0"] <= _RULE_THICKNESS
                if vertical:
                    at = (rule["x0"] + rule["x1"]) / 2
                else:
                    at = (rule["top"] + rule["bottom"]) / 2
                for w in words:
                    if vertical:
                        crossed = w["x0"] + _TOLERANCE < at < w["x1"] - _TOLERANCE
                        along = _overlap(w["top"], w["bottom"], rule["top"], rule["bottom"])
                        size = w["bottom"] - w["top"]
                    else:
                        crossed = w["top"] + _TOLERANCE < at < w["bottom"] - _TOLERANCE
                        along = _overlap(w["x0"], w["x1"], rule["x0"], rule["x1"])
                        size = min(w["x1"] - w["x0"], 5.0)
                    if crossed and along > size / 2:
                        faults.append(
                            f"page {number}: {w['text']!r} runs over a rule"
                            f" ({'vertical' if vertical else 'horizontal'} at {at:.1f} pt)"
                        )
    return list(dict.fromkeys(faults))


def pdf_pages_png(pdf: bytes, folder, stem: str, *, dpi: int = 80) -> list:
    """Render every page of ``pdf`` to ``folder/stem-N.png`` with ``pdftoppm`` (to look at)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-", str(folder / stem)],
        input=pdf,
        check=True,
        timeout=120,
    )
    return sorted(folder.glob(f"{stem}-*.png"))


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
