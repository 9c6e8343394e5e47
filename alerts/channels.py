"""Channels a message leaves by, as a registry: mail through the office's SMTP relay, a generic JSON webhook, and the
robots of 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu/Lark), which take a JSON POST on private deployments too.

``CHANNELS[name].send(outgoing, address, settings)`` delivers or raises `DeliveryFailed` (the outbox retries it).
A new channel is one function registered with ``@channel("name", check=…)``. Only the standard library is used
(`smtplib`, `urllib.request`), with timeouts; nothing here reaches anywhere the office did not configure.
"""

from __future__ import annotations

import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from alerts.config import Settings

MAIL_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+")


class DeliveryFailed(Exception):
    """A channel could not deliver (server down, refused, an error answer); the text says why, without secrets."""


@dataclass(frozen=True)
class Outgoing:
    """One message, already in its recipient's language: a subject, a plain-text body, and the facts as JSON."""

    subject: str
    body: str
    lang: str
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Channel:
    name: str
    send: Callable[[Outgoing, str, Settings], None]
    check: Callable[[str], bool]


CHANNELS: dict[str, Channel] = {}


def channel(name: str, *, check: Callable[[str], bool]) -> Callable:
    """Register a channel: `send(outgoing, address, settings)` and a check of its addresses."""

    def register(send: Callable) -> Callable:
        CHANNELS[name] = Channel(name, send, check)
        return send

    return register


def check_address(name: str, address: str) -> None:
    """Raise ValueError unless `address` suits channel `name` (a mail address, an http(s) URL)."""
    if not CHANNELS[name].check(address.strip()):
        raise ValueError(f"{address!r} is not an address the {name} channel can use")


def masked(address: str) -> str:
    """An address as pages show it: a URL only to its host (robot URLs carry their token in the path or query)."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.scheme in ("http", "https") else address


def _is_url(address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in address)


@channel("mail", check=lambda a: bool(MAIL_ADDRESS.fullmatch(a)))
def send_mail(out: Outgoing, address: str, settings: Settings) -> None:
    """Through the relay: plain SMTP, STARTTLS or SSL, with a login when a user is configured."""
    if not settings.smtp_host:
        raise DeliveryFailed("no SMTP relay configured (smtp.host / $COCKPIT_SMTP_HOST)")
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = out.subject, settings.sender, address
    mail["Date"], mail["Message-ID"] = formatdate(localtime=False), make_msgid(domain="decision-cockpit")
    mail["Content-Language"] = "zh-CN" if out.lang == "zh" else "en"
    mail.set_content(out.body, charset="utf-8")
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout
    try:
        # Certificates are verified (host name included), against the office's CA when one is configured.
        context = ssl.create_default_context(cafile=settings.smtp_cafile or None)
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=context)
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as err:
        raise DeliveryFailed(f"SMTP {host}:{port}: {type(err).__name__}: {err}"[:300]) from None


def post_json(url: str, body: dict, timeout: float) -> None:
    """POST `body` as JSON; a non-2xx answer, a timeout or a robot's non-zero errcode/code is a failure."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    where = masked(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the office's own URL
            answer = response.read(65536)
    except urllib.error.HTTPError as err:
        raise DeliveryFailed(f"{where}: HTTP {err.code}") from None
    except (OSError, ValueError) as err:
        raise DeliveryFailed(f"{where}: {type(err).__name__}: {err}"[:300]) from None
    try:
        reply = json.loads(answer) if answer.strip() else {}
    except ValueError:
        return  # a plain-text 2xx answer is a delivery
    code = reply.get("errcode", reply.get("code", 0)) if isinstance(reply, dict) else 0
    if code not in (0, None, "0"):
        raise DeliveryFailed(
            f"{where}: the receiver answered code {code!r}: {str(reply.get('errmsg', reply.get('msg', '')))[:200]}"
        )


@channel("webhook", check=_is_url)
def send_webhook(out: Outgoing, address: str, settings: Settings) -> None:
    """A generic JSON body: the facts, the subject and the text, for the office's own receiver."""
    post_json(
        address, {**out.facts, "title": out.subject, "text": out.body, "lang": out.lang}, settings.webhook_timeout
    )


def _robot_text(out: Outgoing) -> str:
    # Plain text, never the robots' markdown: the body quotes user notes and must stay text.
    return f"{out.subject}\n{out.body}"


@channel("wecom", check=_is_url)
def send_wecom(out: Outgoing, address: str, settings: Settings) -> None:
    """企业微信 group robot: ``{"msgtype": "text", "text": {"content": …}}``."""
    post_json(address, {"msgtype": "text", "text": {"content": _robot_text(out)}}, settings.webhook_timeout)


@channel("dingtalk", check=_is_url)
def send_dingtalk(out: Outgoing, address: str, settings: Settings) -> None:
    """钉钉 custom robot: ``{"msgtype": "text", "text": {"content": …}}``."""
    post_json(address, {"msgtype": "text", "text": {"content": _robot_text(out)}}, settings.webhook_timeout)


@channel("feishu", check=_is_url)
def send_feishu(out: Outgoing, address: str, settings: Settings) -> None:
    """飞书 custom bot: ``{"msg_type": "text", "content": {"text": …}}``."""
    post_json(address, {"msg_type": "text", "content": {"text": _robot_text(out)}}, settings.webhook_timeout)
