"""Helpers for the Admin page: the users and audit tables with translated headers. No widgets here."""

from __future__ import annotations

import pandas as pd

from briefing import TableMeta
from data.access import Role
from data.regions import RegionRegistry
from data.store import AuditEntry, User
from data.store.audit import COLUMNS, trail_frame
from ui.i18n import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def action_filters(actions: dict[str, Role], system: frozenset[str]) -> list[str]:
    """What the action filter offers: each family (``upload`` finds upload.prepare and upload.commit), then each
    action."""
    names = sorted({*actions, *system})
    families = sorted({n.split(".")[0] for n in names if "." in n})
    return families + [n for n in names if n not in families]


def users_table(users: list[User], regions: RegionRegistry, lang: str) -> pd.DataFrame:
    """One row per user: login name, display name, role, scope, who changed it last and when."""
    return pd.DataFrame(
        {
            t("admin.user", lang): [u.user for u in users],
            t("admin.name", lang): [u.name for u in users],
            t("admin.role", lang): [t(f"auth.role_{u.role.label}", lang) for u in users],
            t("admin.scope", lang): [
                regions.name(u.scope, lang) if u.scope else t("admin.scope_all", lang) for u in users
            ],
            t("admin.col_updated_by", lang): [u.updated_by for u in users],
            t("admin.col_updated_at", lang): [u.updated_at.strftime("%Y-%m-%d %H:%M") for u in users],
        }
    )


def trail_table(entries: list[AuditEntry], lang: str) -> pd.DataFrame:
    """The audit trail as shown and exported, with headers in `lang` (times in UTC)."""
    frame = trail_frame(entries)
    frame["at"] = frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S") if len(frame) else frame["at"]
    for column in ("version_before", "version_after"):
        frame[column] = frame[column].astype("Int64")
    return frame.rename(columns={c: t(f"admin.col_{c}", lang) for c in COLUMNS})


BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def trail_meta(backend: str, lang: str) -> TableMeta:
    """Title and source line of an exported audit trail: the trail of this installation's store, named by its kind
    (SQLite / PostgreSQL) — never its path or address, which stay on the Data page's technical detail."""
    name = BACKEND_NAMES.get(backend, backend)
    return TableMeta(title=t("admin.tab_audit", lang), source=t("admin.audit_source", lang, backend=name))
