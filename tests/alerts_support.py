"""Real receivers for the alert tests, on loopback: an SMTP server (aiosmtpd) and an HTTP receiver (http.server in a
thread) that can be told to fail its first N requests; and a small store holding one monthly PMI series."""

from __future__ import annotations

import email
import json
import socket
import threading
from dataclasses import dataclass, field
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd
from aiosmtpd.controller import Controller

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
