"""Hostile and broken uploads (issue 14): every file is generated here, each gets its own bilingual message naming
the row or part where there is one, and the store is exactly as before — on SQLite and PostgreSQL. A seeded loop of
random byte mutations of good CSV and XLSX files proves `prepare` raises nothing but the product's own errors.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
import pandas as pd
import pytest
from actors import steward
from pg import postgres_url

from data import errors
from data.loaders import load_cn_prov_panel
from data.store import Store
from data.upload import Domain, IndicatorSpec, UploadOptions, commit, prepare
from data.upload.read import Limits

DATASET = "prov"
SPECS = [
    IndicatorSpec("gdp", frozenset({"亿元"}), frozenset({"地区生产总值"}), "A", DATASET, True, Domain(0, None, True)),
    IndicatorSpec("share", frozenset({"%"}), frozenset({"占比"}), "A", DATASET, False, Domain(0, 100)),
    IndicatorSpec("rank", frozenset({"名"}), frozenset({"排名"}), "A", DATASET, False, Domain(1, 193, integer=True)),
]
GDP = {"indicator_id": "gdp"}


def history() -> pd.DataFrame:
    """Shipped GDP of Beijing, Tianjin and Hong Kong 2015–2021 (provinces): the stored version 1."""
    panel = load_cn_prov_panel()
    keep = (
        (panel["indicator_id"] == "gdp")
        & panel["region_code"].isin(["110000", "120000"])
        & panel["period"].between("2015-01-01", "2021-01-01")
    )
    part = panel[keep].reset_index(drop=True)
    hk = part[part["region_code"] == "110000"].assign(region_code="810000")
    return pd.concat([part, hk], ignore_index=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    """A store holding a small provincial dataset as version 1, on each backend."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 's.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = Store.open(url)
    opened.seed({DATASET: history})
    yield opened
    opened.close()


def snapshot(store: Store) -> tuple:
    return store.observations(), [(v.number, v.current) for v in store.history(DATASET)], len(store.events(DATASET))


# --- generated files ----------------------------------------------------------------------------------------------


def xlsx(rows: list[list], cells: dict[tuple[int, int], object] | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for (r, c), value in (cells or {}).items():
        book.active.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_ROWS = [["地区", "2020", "2021"], ["北京", 36102.6, 40269.6], ["天津", 14083.7, 15695.1]]


def rezip(content: bytes, change: dict[str, bytes | None], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with some parts replaced (None removes one; a new name adds one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", compress) as dst:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info.filename, change[info.filename])
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, body in change.items():
            if name not in src.namelist() and body is not None:
                dst.writestr(name, body)
    return out.getvalue()


def part(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)


SHEET = "xl/worksheets/sheet1.xml"
GOOD = xlsx(GOOD_ROWS)
GOOD_SHEET = part(GOOD, SHEET)
SHEET_HEAD = GOOD_SHEET[: GOOD_SHEET.index(b"<sheetData>") + len(b"<sheetData>")]
SHEET_TAIL = GOOD_SHEET[GOOD_SHEET.index(b"</sheetData>") :]


def sheet_rows(n: int) -> bytes:
    """A sheet of a header and n data rows, written as XML (openpyxl would take long to build millions)."""
    body = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1"><v>2021</v></c></row>']
    body += [f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="B{i}"><v>1</v></c></row>'.encode() for i in range(2, n + 2)]
    return SHEET_HEAD + b"".join(body) + SHEET_TAIL


def with_shared_strings(strings: bytes, prolog: bytes = b"") -> bytes:
    xml = prolog + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    return rezip(GOOD, {"xl/sharedStrings.xml": xml})


def corrupt_member(content: bytes, name: str) -> bytes:
    """Flip bytes inside one member's compressed data (its CRC or inflate then fails)."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 5, start + min(info.compress_size, 40)):
        data[k] ^= 0x5A
    return bytes(data)


ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@dataclass(frozen=True)
class Bad:
    """A hostile file and what must be said about it."""

    content: bytes
    name: str = "r.xlsx"
    options: dict = field(default_factory=dict)
    raises: type | None = None  # a whole-file error …
    code: str | None = None  # … with this code, or a problem of the report with it
    row: int | None = None
    column: str | None = None
    zh: str = ""
    en: str = ""


SMALL = Limits(max_rows=1_000, max_cells=5_000, max_part_bytes=2**20, max_shared_strings_bytes=2**18)
CORPUS = {
    "csv-field-over-131072": Bad(
        ('地区,2021\n北京,1\n天津,"' + "x" * 140_000 + '"\n').encode(),
        "r.csv",
        GDP,
        errors.DamagedFile,
        "csv_field_too_long",
        zh="第 3 行",
        en="Row 3 has a cell longer than 131,072",
    ),
    "truncated-sheet-xml": Bad(
        rezip(GOOD, {SHEET: GOOD_SHEET[: len(GOOD_SHEET) // 2]}), raises=errors.DamagedFile, code="xlsx_bad_part"
    ),
    "corrupt-zip-member": Bad(corrupt_member(GOOD, SHEET), raises=errors.DamagedFile, zh="损坏", en="damaged"),
    "broken-styles": Bad(
        rezip(GOOD, {"xl/styles.xml": b"<styleSheet><numFmts count='x'><bogus"}),
        raises=errors.DamagedFile,
        code="xlsx_bad_part",
    ),
    "styles-wrong-types": Bad(
        rezip(
            GOOD,
            {
                "xl/styles.xml": b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<cellXfs count="1"><xf numFmtId="abc" fontId="-7"/></cellXfs></styleSheet>'
            },
        ),
        raises=errors.DamagedFile,
        code="xlsx_bad_part",
    ),
    "missing-workbook": Bad(
        rezip(GOOD, {"xl/workbook.xml": None}), raises=errors.DamagedFile, code="xlsx_not_workbook"
    ),
    "missing-sheet": Bad(rezip(GOOD, {SHEET: None}), raises=errors.DamagedFile, code="xlsx_bad_part"),
    "truncated-zip": Bad(GOOD[: len(GOOD) * 2 // 3], raises=errors.DamagedFile, code="xlsx_bad_zip"),
    "shared-string-index-out-of-range": Bad(
        rezip(GOOD, {SHEET: GOOD_SHEET.replace(b'<c r="A2" t="inlineStr">', b'<c r="A2" t="s"><v>999</v>', 1)}),
        raises=errors.DamagedFile,
    ),
    "number-cell-holds-text": Bad(
        rezip(GOOD, {SHEET: re.sub(rb'(<c r="B2"[^>]*>)<v>[^<]*</v>', rb"\1<v>abc</v>", GOOD_SHEET)}),
        raises=errors.DamagedFile,
        code="xlsx_bad_part",
    ),
    "xxe": Bad(
        rezip(GOOD, {SHEET: XXE + GOOD_SHEET[GOOD_SHEET.index(b"<worksheet") :]}),
        raises=errors.DamagedFile,
        code="xlsx_unsafe_xml",
        zh="实体",
        en="entities",
    ),  # fmt: skip
    "billion-laughs": Bad(
        with_shared_strings(b"<si><t>&b;</t></si>", prolog=LAUGHS),
        raises=errors.DamagedFile,
        code="xlsx_unsafe_xml",
    ),
    "shared-string-bomb": Bad(
        with_shared_strings(b"<si><t>" + b"A" * 2**19 + b"</t></si>"),
        options={"limits": SMALL},
        raises=errors.TooMuchContent,
        code="xlsx_part_too_large",
        en="xl/sharedStrings.xml",
    ),
    "too-many-shared-strings": Bad(
        with_shared_strings(b"<si><t>a</t></si>" * 6_000),
        options={"limits": SMALL},
        raises=errors.TooMuchContent,
        code="too_many_cells",
        en="5,000 cells",
    ),  # fmt: skip
    "rows-beyond-limit": Bad(
        rezip(GOOD, {SHEET: sheet_rows(1_500)}), options={"limits": SMALL}, raises=errors.TooManyRows, en="1,000 rows"
    ),
    "cells-beyond-limit": Bad(
        ("地区" + ",2021" * 9 + "\n" + "北京" + ",1" * 9 + "\n").encode() * 600,
        "r.csv",
        {"limits": SMALL},
        errors.TooMuchContent,
        "too_many_cells",
    ),
    "columns-over-18278": Bad(
        ("地区," + ",".join(str(1000 + i) for i in range(20_000)) + "\n北京,1\n").encode(),
        "r.csv",
        GDP,
        errors.TooMuchContent,
        "too_many_columns",
        zh="第 1 行",
        en="more than 16,384 columns",
    ),
    "data-far-below-the-table": Bad(
        xlsx(GOOD_ROWS, {(500_000, 1): "北京", (500_000, 2): 1}),
        raises=errors.TooMuchContent,
        code="data_far_below",
        en="Row 500,000",
    ),
    "password-protected": Bad(ENCRYPTED, raises=errors.DamagedFile, code="xlsx_password", zh="密码", en="password"),
    "gbk-one-bad-byte": Bad(
        "地区,2021年\n北京,1\n".encode("gbk") + b"\xff" + "天津,2\n".encode("gbk"),
        "r.csv",
        GDP,
        errors.DamagedFile,
        "bad_byte",
        zh="第 3 行",
        en="GBK/GB18030-encoded but line 3",
    ),
    "utf8-one-bad-byte": Bad(
        "地区,2021年\n北京,1\n天".encode() + b"\xff" + "津,2\n".encode(),
        "r.csv",
        GDP,
        errors.DamagedFile,
        "bad_byte",
        en="UTF-8-encoded but line 3 has a byte that cannot be decoded (FF) at character 2",
    ),
    # --- bad values: the report names the cell ---
    "1e400": Bad(
        b"\xe5\x9c\xb0\xe5\x8c\xba,2021\nBeijing,1e400\n",
        "r.csv",
        GDP,
        code="non_finite_number",
        row=2,
        column="B",
        zh="1e400",
        en="beyond the range",
    ),  # fmt: skip
    "400-digit-number": Bad(
        ("地区,2021\n北京,1\n天津," + "9" * 400 + "\n").encode(),
        "r.csv",
        GDP,
        code="non_finite_number",
        row=3,
        column="B",
    ),  # fmt: skip
    "xlsx-infinite-number": Bad(
        rezip(GOOD, {SHEET: re.sub(rb'(<c r="C3"[^>]*>)<v>[^<]*</v>', rb"\1<v>1E+400</v>", GOOD_SHEET)}),
        options=GDP,
        code="non_finite_number",
        row=3,
        column="C",
    ),
    "country-in-provincial-dataset": Bad(
        "地区,2021\n北京,1\nUSA,2\n".encode(),
        "r.csv",
        GDP,
        code="region_outside_geography",
        row=3,
        column="B",
        zh="不属于该数据集的地区范围（省级行政区）",
        en="'USA' (United States)",
    ),  # fmt: skip
    "world-in-provincial-dataset": Bad(
        "地区,2021\n北京,1\nWorld,2\n".encode(), "r.csv", GDP, code="region_outside_geography", row=3, column="B"
    ),
    "one-place-two-codes": Bad(
        "地区,2021\n香港,1\nHKG,2\n".encode(), "r.csv", GDP, code="duplicate_key", row=3, column="B", en="row 2"
    ),
    "negative-gdp": Bad(
        "地区,2021\n北京,-40269.6\n".encode(),
        "r.csv",
        GDP,
        code="outside_domain",
        row=2,
        column="B",
        zh="大于 0",
        en="it must be above 0",
    ),  # fmt: skip
    "zero-gdp": Bad("地区,2021\n北京,0\n".encode(), "r.csv", GDP, code="outside_domain", row=2, column="B"),
    "share-over-100": Bad(
        "地区,2021\n北京,101\n".encode(),
        "r.csv",
        {"indicator_id": "share"},
        code="outside_domain",
        row=2,
        column="B",
        en="at least 0 and at most 100",
    ),  # fmt: skip
    "fractional-rank": Bad(
        "地区,2021\n北京,2.5\n".encode(),
        "r.csv",
        {"indicator_id": "rank"},
        code="outside_domain",
        row=2,
        column="B",
        zh="为整数",
        en="a whole number",
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(CORPUS.values()), ids=list(CORPUS))
def test_a_hostile_file_gets_its_specific_message_and_the_store_is_unchanged(case: Bad, store):
    before = snapshot(store)
    options = UploadOptions(**case.options)
    if case.raises is not None:
        with pytest.raises(case.raises) as caught:
            prepare(case.content, case.name, indicators=SPECS, dataset_id=DATASET, store=store, options=options)
        if case.code:
            assert caught.value.code == case.code
        zh, en = caught.value.message("zh"), caught.value.message("en")
        assert re.search(r"[\u4e00-\u9fff]", zh) and zh != en
        assert case.zh in zh and case.en in en, (zh, en)
    else:
        upload = prepare(case.content, case.name, indicators=SPECS, dataset_id=DATASET, store=store, options=options)
        found = [p for p in upload.report.errors if p.code == case.code]
        assert found, upload.report.to_frame("en").to_string()
        assert (found[0].row, found[0].column) == (case.row, case.column)
        assert case.zh in found[0].message_zh and case.en in found[0].message_en, found[0]
        with pytest.raises(errors.ValidationFailed):
            commit(store, upload, actor=steward("test"))
    after = snapshot(store)
    pd.testing.assert_frame_equal(after[0], before[0])
    assert after[1:] == before[1:]


def test_a_known_place_under_its_other_code_lands_on_the_dataset_s_code(store):
    content = "地区,2021\nHKG,2\n".encode()
    upload = prepare(content, "r.csv", indicators=SPECS, store=store, options=UploadOptions(**GDP))
    assert upload.report.ok, upload.report.to_frame("en").to_string()
    assert list(upload.frame["region_code"]) == ["810000"]


def test_a_note_in_the_last_row_of_a_short_sheet_is_a_skipped_note_not_a_million_rows(store):
    content = xlsx(GOOD_ROWS, {(1_048_576, 1): "注：2021 年为初步数"})
    upload = prepare(content, "r.xlsx", indicators=SPECS, store=store, options=UploadOptions(**GDP))
    assert len(upload.frame) == 4 and upload.report.ok
    notes = [p for p in upload.report.warnings if p.code == "footnote_skipped"]
    assert [(p.row, p.value) for p in notes] == [(1_048_576, "注：2021 年为初步数")]


def test_cr_only_line_endings_read_every_row_and_progress_stays_within_its_total():
    rows = "".join(f"{1000 + i},1\r" for i in range(6_000))
    calls = []
    upload = prepare(
        f"年份,北京\r{rows}".encode(),
        "r.csv",
        indicators=[IndicatorSpec("gdp", freq="A", dataset=DATASET)],
        options=UploadOptions(indicator_id="gdp"),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert upload.raw.rows[-1][0] == "6999" and len(upload.raw.rows) == 6_001
    assert all(0 <= done <= total for _, done, total in calls), [c for c in calls if c[1] > c[2]]
    assert any(stage == "read" and 0 < done < total for stage, done, total in calls)


# --- random mutations: nothing but the product's own errors -----------------------------------------------------


def _mutations(good: bytes, rng: random.Random, n: int):
    for _ in range(n):
        data = bytearray(good)
        kind = rng.choice(["flip", "truncate", "insert", "duplicate", "zero"])
        at = rng.randrange(len(data))
        if kind == "flip":
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == "duplicate":
            data[at:at] = data[at : at + rng.randint(1, 200)]
        else:
            data[at : at + rng.randint(1, 64)] = b"\0" * len(data[at : at + 64])
        yield bytes(data)


def _xml_mutations(good: bytes, rng: random.Random, n: int):
    """Mutations inside the XML parts (rezipped with good CRCs), so the parser itself meets the damage."""
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    names = sorted(parts)
    for _ in range(n):
        name = rng.choice(names)
        mutated = next(_mutations(parts[name], rng, 1)) if parts[name] else b"<"
        yield rezip(good, {name: mutated})


def _check(content: bytes, name: str) -> None:
    try:
        prepare(content, name, indicators=SPECS, dataset_id=DATASET, options=UploadOptions(**GDP))
    except errors.DataError as err:  # the product's own, with a message in each language
        assert err.message("zh") and err.message("en")


def test_random_mutations_of_good_files_raise_only_the_product_s_errors():
    rng = random.Random(14)
    good_csv = "地区,2019年,2020年,2021年\n北京,1,2,3\n天津,4,5,6\n河北,7,8,9\n".encode("gbk")
    checked = 0
    for content in _mutations(good_csv, rng, 200):
        _check(content, "r.csv")
        checked += 1
    good_xlsx = xlsx([["地区", "2019年", "2020年"], ["北京", 1, 2], ["天津", "3", 4.5]])
    for content in [*_mutations(good_xlsx, rng, 80), *_xml_mutations(good_xlsx, rng, 160)]:
        _check(content, "r.xlsx")
        checked += 1
    assert checked == 440


def test_every_shipped_value_lies_in_its_indicator_s_declared_domain(obs, cat):
    """The declared domains are facts about the indicators: the shipped data never breaks one (indicators only
    imported case logs report have no shipped figures)."""
    declared = {i.id: Domain.of(i.domain) for i in cat if i.domain and not i.imported}
    assert {"gdp", "population", "wb_internet_users", "egdi", "egdi_rank"} <= set(declared)
    for indicator_id, domain in declared.items():
        values = obs.loc[(obs["indicator_id"] == indicator_id) & obs["value"].notna(), "value"]
        outside = [v for v in values if not domain.allows(v)]
        assert len(values) and not outside, (indicator_id, outside[:5])
