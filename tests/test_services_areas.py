"""Area names of an imported log matched to registry codes (services/areas.py) where the log's region has known
children, and kept as names otherwise."""

from __future__ import annotations

import pandas as pd
from actors import steward
from test_services_log_figures import export_rows, read

from data.regions import region_registry
from data.store import Store
from services.areas import with_area_codes
from services.cases import CASE_COLUMNS, empty_cases
from services.logs import store_import, stored_cases


def cases_in(areas: list[str | None]) -> pd.DataFrame:
    frame = empty_cases().reindex(range(len(areas)))
    frame["area"] = areas
    return frame.astype(CASE_COLUMNS)


def test_a_provinces_cities_get_their_codes_other_names_stay_names():
    cases = cases_in(["深圳市", "广州", "Foshan", "福田区", "朝阳区", None, "深圳"])
    coded = with_area_codes(cases, "440000", region_registry())
    assert list(coded["area_code"].astype(object).where(coded["area_code"].notna(), None)) == [
        "440300", "440100", "440600", None, None, None, "440300"
    ]  # fmt: skip
    assert list(coded["area"].astype(object).fillna("")) == ["深圳市", "广州", "Foshan", "福田区", "朝阳区", "", "深圳"]


def test_the_country_codes_provinces_a_city_codes_nothing():
    cases = cases_in(["广东省", "Zhejiang", "深圳市"])
    code = next(r.code for r in region_registry().of_kind("national"))
    national = with_area_codes(cases, code, region_registry())
    assert list(national["area_code"].astype(object).where(national["area_code"].notna(), None)) == [
        "440000", "330000", None
    ]  # fmt: skip
    city = with_area_codes(cases, "440300", region_registry())
    assert city["area_code"].isna().all()  # a city's districts are not in the registry


def test_an_import_for_a_province_stores_the_codes(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    rows = export_rows("2024-03-01", "2024-03-31")
    for i, row in enumerate(rows):
        row[4] = ["深圳市", "惠州", "某开发区"][i % 3]
    store_import(store, "caselog_gd", "广东 12345", *read(rows), actor=steward(), region="440000")
    codes = stored_cases(store, "caselog_gd").drop_duplicates("area").set_index("area")["area_code"]
    assert codes["深圳市"] == "440300" and codes["惠州"] == "441300" and pd.isna(codes["某开发区"])
    store.close()
