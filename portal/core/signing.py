"""The portal's PDF signing credentials and PAdES signing with pyHanko.

The credentials are an EC P-256 private key and a self-signed X.509 certificate (subject
CN "共治 Gongzhi 平台", O "芜湖市住房和城乡建设局 (demo)", valid five years, key usage
digitalSignature + nonRepudiation). They live in ``settings.BOARD_KEY_DIR``:

* ``pdf-signing-key.pem`` — PKCS#8 PEM, file mode 0600 (the folder is made 0700);
* ``pdf-signing-cert.pem`` — the certificate (PEM; in production it may be followed by its CA
  chain), public: served at ``/.well-known/gongzhi/pdf-signing-cert.pem``.

Both are generated on first use when missing (under a file lock, so parallel workers agree on
one key) and reused afterwards. Production points ``BOARD_KEY_DIR`` at its own key material:
put a key and a certificate issued by a real CA there under these two names, and nothing is
generated.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from django.conf import settings

KEY_FILE = "pdf-signing-key.pem"
CERT_FILE = "pdf-signing-cert.pem"
LOCK_FILE = ".pdf-signing.lock"
SIGNATURE_FIELD = "GongzhiSignature"
SUBJECT_CN = "共治 Gongzhi 平台"
SUBJECT_O = "芜湖市住房和城乡建设局 (demo)"
VALIDITY = dt.timedelta(days=5 * 365 + 1)


@dataclass(frozen=True)
class Credentials:
    private_key: PrivateKeyTypes
    certificate: x509.Certificate
    private_key_pem: bytes
    certificate_pem: bytes


_cache: dict[tuple, Credentials] = {}
_cache_lock = threading.Lock()


def key_dir() -> Path:
    return Path(settings.BOARD_KEY_DIR)


def _build_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, SUBJECT_O),
            x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT_CN),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write a new file with ``mode`` from the start (never briefly world-readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _generate(directory: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build_certificate(key)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_new(directory / KEY_FILE, key_pem, 0o600)
    _write_new(directory / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _ensure_files(directory: Path) -> None:
    if (directory / KEY_FILE).exists() and (directory / CERT_FILE).exists():
        return
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            key_exists = (directory / KEY_FILE).exists()
            cert_exists = (directory / CERT_FILE).exists()
            if key_exists != cert_exists:
                raise RuntimeError(
                    f"{directory}: found only one of {KEY_FILE} and {CERT_FILE}; "
                    "restore the missing file or remove both to generate new credentials"
                )
            if not key_exists:
                _generate(directory)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def credentials() -> Credentials:
    """The signing key and certificate, generated under ``BOARD_KEY_DIR`` on first use."""
    directory = key_dir()
    _ensure_files(directory)
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    stamp = (str(directory), key_path.stat().st_mtime_ns, cert_path.stat().st_mtime_ns)
    with _cache_lock:
        found = _cache.get(stamp)
        if found is None:
            key_pem = key_path.read_bytes()
            private_key = serialization.load_pem_private_key(key_pem, None)
            cert_pem = cert_path.read_bytes()
            certificate = x509.load_pem_x509_certificate(cert_pem)
            if private_key.public_key() != certificate.public_key():
                raise RuntimeError(f"{directory}: {KEY_FILE} does not match {CERT_FILE}")
            found = Credentials(private_key, certificate, key_pem, cert_pem)
            _cache.clear()
            _cache[stamp] = found
    return found


def certificate_pem() -> bytes:
    """The portal's signing certificate in PEM, for the public download and for verifiers."""
    return credentials().certificate_pem


def _signer():
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    creds = credentials()
    # The first certificate is the signer's; any after it (a CA chain in production) are
    # embedded so verifiers can build the path.
    chain = list(load_certs_from_pemder_data(creds.certificate_pem))
    return signers.SimpleSigner(
        signing_cert=chain[0],
        signing_key=load_private_key_from_pemder_data(creds.private_key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def sign_pdf(pdf: bytes, *, reason: str, location: str = "芜湖市") -> bytes:
    """Return ``pdf`` with an (invisible) PAdES signature by the portal's certificate.

    The signature is appended as an incremental update, so the signed bytes are the whole
    document; any later change shows up as a broken or partial signature in a PDF reader.
    The PDF must not already carry a field named ``GongzhiSignature`` (sign once).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(writer, meta, signer=_signer())
    return out.getvalue()
