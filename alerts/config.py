"""The office's delivery settings: the SMTP relay, webhook timeouts and the base URL of links back to the app.

Read from a TOML file named by ``$COCKPIT_ALERTS_CONFIG`` (sections ``[smtp]``, ``[webhook]``, ``[links]``; see the
README), then overridden by single environment variables (``COCKPIT_SMTP_HOST`` …). Secrets (the SMTP password)
live only here, never in the store; the Admin page shows the settings without them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_FILE = "COCKPIT_ALERTS_CONFIG"
SECURITY = ("none", "starttls", "ssl")
ENV_KEYS = {
    "COCKPIT_SMTP_HOST": ("smtp", "host", str),
    "COCKPIT_SMTP_PORT": ("smtp", "port", int),
    "COCKPIT_SMTP_SECURITY": ("smtp", "security", str),
    "COCKPIT_SMTP_USER": ("smtp", "user", str),
    "COCKPIT_SMTP_PASSWORD": ("smtp", "password", str),
    "COCKPIT_MAIL_FROM": ("smtp", "sender", str),
    "COCKPIT_SMTP_TIMEOUT": ("smtp", "timeout", float),
    "COCKPIT_SMTP_CAFILE": ("smtp", "cafile", str),
    "COCKPIT_WEBHOOK_TIMEOUT": ("webhook", "timeout", float),
    "COCKPIT_BASE_URL": ("links", "base_url", str),
}


class AlertConfigError(ValueError):
    """The alert settings are wrong (names the file or variable and the field)."""


@dataclass(frozen=True)
class Settings:
    """Delivery settings of one office."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_user: str = ""
    smtp_password: str = ""
    sender: str = "cockpit@localhost"
    smtp_timeout: float = 20.0
    smtp_cafile: str = ""  # the office's own CA (PEM) when the relay's certificate is not from a public one
    webhook_timeout: float = 10.0
    base_url: str = "http://localhost:8501"

    def public(self) -> dict[str, object]:
        """The settings an admin may see: everything but the password (shown as set or not)."""
        return {
            "smtp_host": self.smtp_host, "smtp_port": self.smtp_port, "smtp_security": self.smtp_security,
            "smtp_user": self.smtp_user, "smtp_password": "••••" if self.smtp_password else "",
            "sender": self.sender, "smtp_cafile": self.smtp_cafile, "webhook_timeout": self.webhook_timeout,
            "base_url": self.base_url,
        }  # fmt: skip


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``$COCKPIT_ALERTS_CONFIG`` (TOML) and the environment (which wins).

    Raises:
        AlertConfigError: an unreadable file, a value of the wrong type, an unknown TLS mode.
    """
    env = os.environ if env is None else env
    sections: dict[str, dict] = {}
    if env.get(ENV_FILE):
        path = Path(env[ENV_FILE]).expanduser()
        try:
            sections = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise AlertConfigError(f"{path}: {err}") from None
    for name, (section, field, kind) in ENV_KEYS.items():
        if env.get(name):
            try:
                sections.setdefault(section, {})[field] = kind(env[name])
            except ValueError:
                raise AlertConfigError(f"${name}: expected {kind.__name__}, got {env[name]!r}") from None
    smtp, hook, links = sections.get("smtp", {}), sections.get("webhook", {}), sections.get("links", {})
    security = str(smtp.get("security", "none")).lower()
    if security not in SECURITY:
        raise AlertConfigError(f"smtp.security must be one of {', '.join(SECURITY)}; got {security!r}")
    default = Settings()
    try:
        return Settings(
            smtp_host=str(smtp.get("host", "")),
            smtp_port=int(smtp.get("port", 465 if security == "ssl" else 587 if security == "starttls" else 25)),
            smtp_security=security,
            smtp_user=str(smtp.get("user", "")),
            smtp_password=str(smtp.get("password", "")),
            sender=str(smtp.get("sender", default.sender)),
            smtp_timeout=float(smtp.get("timeout", default.smtp_timeout)),
            smtp_cafile=str(smtp.get("cafile", "")),
            webhook_timeout=float(hook.get("timeout", default.webhook_timeout)),
            base_url=str(links.get("base_url", default.base_url)).rstrip("/"),
        )
    except (TypeError, ValueError) as err:
        raise AlertConfigError(f"alert settings: {err}") from None
