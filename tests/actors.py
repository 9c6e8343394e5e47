"""Acting users for tests: one per role, by name."""

from __future__ import annotations

from data.access import Actor, Role


def steward(user: str = "staff") -> Actor:
    """A data steward (may upload, commit, roll back and update shipped data)."""
    return Actor(user, Role.STEWARD, address="127.0.0.1")


def analyst(user: str = "analyst") -> Actor:
    """An analyst (may save scenarios and targets)."""
    return Actor(user, Role.ANALYST, address="127.0.0.1")


def viewer(user: str = "viewer") -> Actor:
    """A viewer (reads and exports only)."""
    return Actor(user, Role.VIEWER, address="127.0.0.1")


def admin(user: str = "admin") -> Actor:
    """An administrator."""
    return Actor(user, Role.ADMIN, address="127.0.0.1")
