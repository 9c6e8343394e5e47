"""Roles, permissions and the audit trail, on SQLite and a real PostgreSQL: every write of the store called directly
with each role — allowed ones land and are audited, denied ones leave every table but the trail unchanged and are
audited as denied."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa
from actors import admin, analyst, steward, viewer
from frames import annual as frame
from pg import postgres_url

from data.access import ACTIONS, Actor, Role, check, in_scope, is_loopback, object_action, scope_frame
from data.errors import AccessDenied, BadRole, BadScope, BadUserName, NothingToCommit, UnknownUser
from data.store import Store
from data.store.audit import trail_frame
from data.store.schema import audit_table, metadata
from data.upload import UploadOptions, commit, prepare, specs_from_units

ROLES = {"viewer": viewer, "analyst": analyst, "steward": steward, "admin": admin}


V1 = frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 110.0)])
NEWER = frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 111.0), ("gdp", "110000", 2022, 120.0)])
LOADERS = {"toy": lambda: V1}
CSV = "indicator,region,period,value\ngdp,北京,2022,120\n"
SPECS = specs_from_units({"gdp": ["亿元"]}, datasets={"gdp": "toy"})


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A store seeded with one toy dataset (two versions, so a rollback has somewhere to go) and a saved scenario."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = Store.open(url)
    opened.seed(LOADERS)
    opened.commit("toy", frame([("gdp", "110000", 2021, 109.0)]), actor=steward("setup"))
    opened.objects.save("scenario_set", "基准", {"file": {}}, actor=analyst("setup"))
    opened.users.set("wang", "viewer", actor=admin("setup"))
    yield opened
    opened.close()


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table except the audit trail, in a stable order."""
    out = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name != audit_table.name:
                rows = conn.execute(sa.select(table)).all()
                out[table.name] = sorted((tuple(map(repr, r)) for r in rows), key=repr)
    return out


def upload(store: Store):
    return prepare(CSV.encode(), "gdp.csv", indicators=SPECS, store=store, options=UploadOptions())


# Each write of the library: its action, and a call that performs it as `actor`.
WRITES = {
    "upload.commit": lambda s, a: s.commit("toy", NEWER, actor=a),
    "upload.commit via upload": lambda s, a: commit(s, upload(s), actor=a),
    "upload.prepare": lambda s, a: prepare(CSV.encode(), "gdp.csv", indicators=SPECS, store=s, actor=a),
    "data.rollback": lambda s, a: s.rollback("toy", 1, actor=a),
    "data.update_shipped": lambda s, a: s.update_shipped("toy", actor=a, loaders={"toy": lambda: NEWER}),
    "scenario.save": lambda s, a: s.objects.save("scenario_set", "新情景", {"file": {}}, actor=a),
    "scenario.delete": lambda s, a: s.objects.delete("scenario_set", "基准", actor=a),
    "target.save": lambda s, a: s.objects.save("office_target", "gdp_2026", {"value": 5}, actor=a),
    "users.edit": lambda s, a: s.users.set("li", "analyst", actor=a, scope="440000"),
    "users.edit remove": lambda s, a: s.users.remove("wang", actor=a),
    "basket.add": lambda s, a: s.baskets.put("ind-ts-gdp", "table", "排名", "", '{"format": 1}', actor=a),
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_with_each_role(store, write, role):
    action = write.split(" ")[0]
    actor = ROLES[role](f"{role}-user")
    before = dump(store)
    if Role[role.upper()] >= ACTIONS[action]:
        WRITES[write](store, actor)
        entry = store.audit.trail(user=actor.user)[0]
        assert (entry.action, entry.result, entry.role, entry.address) == (action, "ok", role, "127.0.0.1")
        if action != "upload.prepare":  # preparing reads; everything else changes the store
            assert dump(store) != before
    else:
        with pytest.raises(AccessDenied) as caught:
            WRITES[write](store, actor)
        assert caught.value.action == action and "不能执行" in caught.value.message("zh")
        assert dump(store) == before  # nothing changed but the trail
        entries = store.audit.trail(user=actor.user)
        assert [(e.action, e.result) for e in entries] == [(action, "denied")]


def test_an_allowed_commit_records_versions_before_and_after(store):
    store.commit("toy", NEWER, actor=steward("王芳"))
    entry = store.audit.trail(action="upload")[0]
    assert (entry.user, entry.object, entry.version_before, entry.version_after) == ("王芳", "toy", 2, 3)
    assert "+1 ~1 -0" in entry.detail
    back = store.audit.trail(action="data.rollback")
    assert back == []
    store.rollback("toy", 1, actor=steward("李"), note="bad release")
    entry = store.audit.trail(action="data.rollback")[0]
    assert (entry.version_before, entry.version_after, entry.detail) == (3, 1, "bad release")


def test_a_failed_write_is_audited_as_failed_and_changes_nothing(store):
    before = dump(store)
    with pytest.raises(NothingToCommit):
        store.commit("toy", frame([("gdp", "110000", 2021, 109.0)]), actor=steward("a"))
    assert dump(store) == before
    assert [(e.action, e.result) for e in store.audit.trail(user="a")] == [("upload.commit", "failed")]


def test_seeding_is_recorded_as_the_system(store):
    seeds = store.audit.trail(action="data.seed")
    assert [(e.user, e.object, e.version_after) for e in seeds] == [("system", "toy", 1)]


def test_the_trail_is_append_only(store):
    with pytest.raises(sa.exc.DatabaseError), store.engine.begin() as conn:
        conn.execute(audit_table.update().values(user="someone else"))
    with pytest.raises(sa.exc.DatabaseError), store.engine.begin() as conn:
        conn.execute(audit_table.delete())
    assert {e.user for e in store.audit.trail()} == {"system", "setup"}


def test_the_trail_filters_by_user_action_result_and_day(store):
    store.audit.record(viewer("zhao"), "export.pack", object="pack.pptx")
    with pytest.raises(AccessDenied):
        store.rollback("toy", 1, actor=viewer("zhao"))
    assert [e.action for e in store.audit.trail(user="zhao")] == ["data.rollback", "export.pack"]
    assert [e.result for e in store.audit.trail(user="zhao", result="denied")] == ["denied"]
    assert [e.action for e in store.audit.trail(action="export")] == ["export.pack"]
    today = datetime.now(UTC).date()
    assert len(store.audit.trail(since=today, until=today)) == len(store.audit.trail())
    assert store.audit.trail(until=date(2000, 1, 1)) == []
    table = trail_frame(store.audit.trail(user="zhao"))
    assert list(table.columns)[:4] == ["at", "user", "role", "action"] and len(table) == 2
    assert "zhao" in store.audit.users()


def test_users_table_roles_and_scopes(store):
    assert store.users.get("wang").role is Role.VIEWER
    store.users.set("wang", "steward", actor=admin(), scope="440000", name="王芳")
    wang = store.users.get("wang")
    assert (wang.role, wang.scope, wang.name, wang.updated_by) == (Role.STEWARD, "440000", "王芳", "admin")
    assert store.audit.trail(action="users.edit")[0].detail == "viewer/all → steward/440000"
    for bad, error in [
        (("wang", "boss"), BadRole),
        (("wang", "viewer", "999999"), BadScope),
        (("", "viewer"), BadUserName),
    ]:
        with pytest.raises(error):
            store.users.set(*bad[:2], actor=admin(), scope=bad[2] if len(bad) > 2 else None)
    with pytest.raises(UnknownUser):
        store.users.remove("nobody", actor=admin())
    assert store.audit.trail(action="users.edit", result="failed")


def test_roles_include_the_ones_below():
    assert check(Actor("a", Role.ADMIN), "upload.commit") is None
    with pytest.raises(AccessDenied) as caught:
        check(Actor("v", Role.VIEWER), "scenario.save")
    assert "analyst" in caught.value.message("en")
    with pytest.raises(KeyError):
        check(Actor("a", Role.ADMIN), "upload.comit")  # a typo neither allows nor denies
    assert Role.parse(" Steward ") is Role.STEWARD
    assert object_action("scenario_set", "save") == "scenario.save"
    assert object_action("office_target", "delete") == "target.delete"


def test_a_scope_keeps_its_province_its_cities_and_the_nation():
    rows = pd.DataFrame({"region_code": ["100000", "440000", "440100", "110000", "CHN", "USA"], "value": range(6)})
    assert list(scope_frame(rows, "440000")["region_code"]) == ["100000", "440000", "440100", "CHN"]
    assert scope_frame(rows, None) is rows
    assert in_scope("440300", "440000") and not in_scope("450000", "440000") and in_scope("USA", None)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True), ("10.0.0.1", False),
     ("0.0.0.0", False), ("", False), (None, False), ("not an address", False)],
)  # fmt: skip
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback
