"""PAdES signatures with pyHanko, and the self-signed demo key pair.

The key and certificate (PEM) come from settings.SIGNING_KEY_PATH / SIGNING_CERT_PATH. In
production these are the official's certificate (e.g. from BSrE); the demo pair made by
`manage.py make_demo_signing_key` is self-signed, so a PDF reader shows the signature as
present but its signer as not trusted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

_signer_cache: dict[tuple[str, str, float, float], _KeptKeySigner] = {}
# Room in the CMS beyond the certificates and the signature value: signed attributes
# (content type, digest, signing time, CMS algorithm protection), algorithm identifiers and
# the DER framing. ~600 bytes in practice; the margin keeps a certificate renewal safe.
_CMS_OVERHEAD = 2048
_lock = threading.Lock()


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the private key again for every signature, and for RSA
    that includes cryptography's key check (~35 ms, more than the signature itself). This one
    parses it once per process; mechanisms other than RSA PKCS#1 v1.5 and ECDSA go the
    library's way."""

    _kept_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
            return super().sign_raw(data, digest_algorithm)
        if self._kept_key is None:
            self._kept_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "ecdsa":
            return self._kept_key.sign(data, ec.ECDSA(hash_algo))
        return self._kept_key.sign(data, padding.PKCS1v15(), hash_algo)


class SigningUnavailable(Exception):
    """No signing key or certificate where the settings say."""


def make_demo_pair(key_path: Path, cert_path: Path, *, common_name: str, organisation: str) -> bool:
    """Writes a self-signed RSA key and certificate unless both exist. True when written."""
    if key_path.exists() and cert_path.exists():
        return False
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return True


def _signer() -> _KeptKeySigner:
    key_path, cert_path = Path(settings.SIGNING_KEY_PATH), Path(settings.SIGNING_CERT_PATH)
    if settings.DEBUG:
        # Development: a fresh checkout (or a cleaned var/) signs with a new demo pair.
        make_demo_pair(
            key_path, cert_path, common_name=settings.SIGNER_NAME, organisation=settings.AGENCY_NAME
        )
    if not key_path.exists() or not cert_path.exists():
        raise SigningUnavailable(
            f"Kunci tanda tangan tidak ditemukan ({key_path}, {cert_path}). "
            "Jalankan `manage.py make_demo_signing_key` untuk pasangan demo."
        )
    cache_key = (str(key_path), str(cert_path), key_path.stat().st_mtime, cert_path.stat().st_mtime)
    with _lock:
        signer = _signer_cache.get(cache_key)
        if signer is None:
            passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() or None
            loaded = signers.SimpleSigner.load(
                str(key_path), str(cert_path), key_passphrase=passphrase
            )
            if loaded is None:
                raise SigningUnavailable("Kunci atau sertifikat tanda tangan tidak terbaca.")
            signer = _KeptKeySigner(
                signing_cert=loaded.signing_cert,
                signing_key=loaded.signing_key,
                cert_registry=loaded.cert_registry,
            )
            _signer_cache.clear()
            _signer_cache[cache_key] = signer
    return signer


def _bytes_reserved(signer: signers.SimpleSigner) -> int:
    """The hex room for this signer's CMS, worked out once from its certificates and key
    size, so pyHanko signs once instead of first making a dummy signature to measure."""
    reserved = getattr(signer, "_paksemmok_bytes_reserved", None)
    if reserved is None:
        cert = signer.signing_cert
        der = len(cert.dump()) + sum(len(c.dump()) for c in signer.cert_registry)
        signature = max(cert.public_key.bit_size // 8, 72) + 16
        # Written as a hex string: two characters per byte (pyHanko's note on bytes_reserved).
        reserved = 2 * (der + signature + _CMS_OVERHEAD)
        # Kept on the (per-process, cached) signer, so a new key pair gets its own size.
        signer._paksemmok_bytes_reserved = reserved  # type: ignore[attr-defined]
    return reserved


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with an invisible PAdES (B-B) signature by the configured official."""
    signer = _signer()
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik",
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))

    def sign() -> bytes:
        out = signers.sign_pdf(writer, meta, signer=signer, bytes_reserved=_bytes_reserved(signer))
        return out.getvalue()

    # pyHanko's synchronous sign_pdf wraps asyncio.run(), which refuses to start inside a
    # thread that already runs an event loop (an ASGI worker, a Playwright-driven test). There
    # the signature is made on a short-lived thread of its own.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()
