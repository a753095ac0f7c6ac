"""The local cloud's TLS material: a CA of its own and a certificate for 127.0.0.1.

Made once with ``cryptography`` and kept in the local cloud's folder (beside the state
file). Clients trust the CA (``REQUESTS_CA_BUNDLE``, ``connection_verify``); certificate
checks are never turned off. Private keys are written readable by the user only (0600).
The server certificate is made again when it is about to expire or does not match the CA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "aci-tutorial local cloud CA"
#: A CA for ten years, the server certificate for one (renewed 30 days before it ends).
CA_DAYS, SERVER_DAYS, RENEW_DAYS = 3650, 365, 30


@dataclass(frozen=True)
class TlsFiles:
    """Paths of the PEM files: the CA to trust, the server's certificate chain and key."""

    ca: Path
    cert: Path
    key: Path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` created 0600 (never readable by others, even briefly)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o600)  # whatever the umask
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _make_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aci-tutorial")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    now = _now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .sign(key, hashes.SHA256()))
    write_private(folder / "ca-key.pem", _key_pem(key))
    _write_public(folder / "ca.pem", cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _make_server(folder: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=True, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    write_private(folder / "server-key.pem", _key_pem(key))
    _write_public(folder / "server.pem", cert.public_bytes(serialization.Encoding.PEM))


def _load_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    try:
        cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((folder / "ca-key.pem").read_bytes(), None)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or \
            cert.not_valid_after_utc < _now() + dt.timedelta(days=RENEW_DAYS):
        return None
    return cert, key


def _server_ok(folder: Path, ca: x509.Certificate) -> bool:
    try:
        cert = x509.load_pem_x509_certificate((folder / "server.pem").read_bytes())
        serialization.load_pem_private_key((folder / "server-key.pem").read_bytes(), None)
        cert.verify_directly_issued_by(ca)
    except (OSError, ValueError, TypeError, Exception):  # noqa: BLE001 - any doubt: make anew
        return False
    return cert.not_valid_after_utc > _now() + dt.timedelta(days=RENEW_DAYS)


def ensure(folder: str | os.PathLike) -> TlsFiles:
    """The CA and server certificate in ``folder``, made (or renewed) when missing or stale.

    The folder is created readable by the user only; keys are 0600."""
    path = Path(folder)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    loaded = _load_ca(path)
    if loaded is None:
        loaded = _make_ca(path)
    ca, ca_key = loaded
    if not _server_ok(path, ca):
        _make_server(path, ca, ca_key)
    for name in ("ca-key.pem", "server-key.pem"):   # a copy restored with other modes
        if (path / name).stat().st_mode & 0o077:
            os.chmod(path / name, 0o600)
    return TlsFiles(path / "ca.pem", path / "server.pem", path / "server-key.pem")
