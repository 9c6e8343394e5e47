"""Real receivers for the alert tests, on loopback: an SMTP server (aiosmtpd) and an HTTP receiver (http.server in a
thread) that can be told to fail its first N requests; and a small store holding one monthly PMI series."""

from __future__ import annotations

import email
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from alerts.config import Settings
from data.store import Store
from indicators import catalogue

PMI = "pmi_manufacturing"
NATIONAL = "100000"
RULE = "pmi_manufacturing_contraction"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received: one parsed message per mail (recipients in ``rcpt``)."""

    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        parsed.rcpt = list(envelope.rcpt_tos)
        self.messages.append(parsed)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 on a free port, started and stopped by the test."""

    def __init__(self):
        self.box = Mailbox()
        self.controller = Controller(self.box, hostname="127.0.0.1", port=free_port())

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def settings(self) -> Settings:
        return Settings(smtp_host="127.0.0.1", smtp_port=self.controller.port, sender="cockpit@office.test",
                        base_url="http://cockpit.office.test")  # fmt: skip

    def to(self, address: str) -> list:
        return [m for m in self.box.messages if address in m.rcpt]


class HttpReceiver:
    """An HTTP server on loopback that keeps every JSON body it accepts and answers 503 to its first `fail` posts."""

    def __init__(self, fail: int = 0, reply: dict | None = None):
        self.bodies: list[dict] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.refused < fail:
                    receiver.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.bodies.append(json.loads(body))
                answer = json.dumps(reply or {"errcode": 0}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook?key=secret-token"


def pmi_frame(last: float, months: int = 36) -> pd.DataFrame:
    """National manufacturing PMI, monthly from 2023-01: noisy values around 51, and `last` as the final month."""
    values = np.random.default_rng(7).normal(51.0, 0.6, months)
    values[-1] = last
    return pd.DataFrame(
        {
            "indicator_id": PMI,
            "region_code": NATIONAL,
            "period": pd.date_range("2023-01-01", periods=months, freq="MS"),
            "freq": "M",
            "value": values,
        }
    )


def pmi_dataset() -> str:
    return catalogue().get(PMI).source


def pmi_store(url: str, last: float = 51.2) -> Store:
    """A store holding only the PMI series (the shipped datasets are not seeded: a check then reads only this)."""
    store = Store.open(url)
    store.seed({pmi_dataset(): lambda: pmi_frame(last)})
    return store


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA (an office's internal CA, in small), and its key, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.office.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _login(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=good, handled=False)  # not handled: the server answers 535 itself

    return authenticator


class TlsSmtpServer(SmtpServer):
    """aiosmtpd with TLS (STARTTLS required, or implicit TLS) and a login, as an office relay is set up."""

    def __init__(self, folder: Path, *, implicit: bool, user: str = "cockpit", password: str = "s3cret"):
        self.box = Mailbox()
        self.cafile, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cafile, key)
        common = {"hostname": "127.0.0.1", "port": free_port(), "authenticator": _login(user, password)}
        if implicit:
            self.controller = Controller(self.box, ssl_context=context, auth_require_tls=False, **common)
        else:
            self.controller = Controller(
                self.box, tls_context=context, require_starttls=True, auth_require_tls=True, **common
            )
