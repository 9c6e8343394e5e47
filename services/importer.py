"""An office's own case export (12345, 一网通办, 好差评) read into the canonical case table.

Three steps, each a plain function the page calls in turn: `read_export` reads the file with the upload limits of
`data.upload.read` (CSV or XLSX, UTF-8 or GBK); `propose` suggests which column holds each canonical field from the
headers real systems use (Chinese and English) or from the mapping remembered for this office; `convert` applies
the mapping the user confirmed. Personal data — names, phone numbers, addresses, free text, ID numbers — is never
carried over: such columns are dropped whatever the mapping says and listed in the report. A cell that cannot be
read (a time, a rating) is an error naming its row and column; a file with errors is not stored at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.upload.read import Limits, RawTable, read_upload
from services.cases import canonical, topics

# Canonical field → headers that mean it, most specific first (compared without spaces, case-insensitively).
FIELDS: dict[str, tuple[str, ...]] = {
    "case_id": (
        "工单编号",
        "工单号",
        "受理编号",
        "办件编号",
        "事项编号",
        "编号",
        "caseid",
        "case_id",
        "ticketid",
        "id",
    ),
    "opened": ("受理时间", "登记时间", "来电时间", "创建时间", "申请时间", "open_dt", "opened", "createdat", "created"),
    "due": (
        "承诺办结时间",
        "办理时限",
        "办结时限",
        "应办结时间",
        "截止时间",
        "target_dt",
        "due",
        "duedate",
        "deadline",
    ),
    "closed": ("办结时间", "完成时间", "结案时间", "closed_dt", "closed", "closedat", "resolved"),
    "status": ("办理状态", "工单状态", "状态", "case_status", "status"),
    "topic": ("诉求类型", "问题分类", "事项名称", "topic", "type", "category"),
    "topic_1": ("一级分类", "一级类别", "大类", "subject"),
    "topic_2": ("二级分类", "二级类别", "小类", "reason"),
    "topic_3": ("三级分类", "三级类别"),
    "unit": ("承办单位", "办理单位", "责任单位", "处置单位", "unit", "department", "agency", "queue"),
    "area": ("所属区县", "区县", "所属区域", "区域", "所属街道", "街道", "area", "district", "neighborhood"),
    "channel": ("来源渠道", "受理渠道", "渠道", "来源", "channel", "source"),
    "rating": ("满意度", "评价结果", "好差评", "评价", "rating", "satisfaction"),
    "followed_up": ("整改情况", "是否整改", "差评整改", "followedup", "follow_up", "followup"),
}
TOPIC_LEVELS = ("topic_1", "topic_2", "topic_3")
REQUIRED = ("case_id", "opened")
# A header containing any of these is personal data or free text: dropped, never stored.
PERSONAL = (
    "姓名", "联系人", "来电人", "申请人", "市民", "电话", "手机", "联系方式", "号码", "地址", "住址", "诉求内容",
    "问题描述", "描述", "内容", "回复", "答复", "意见", "身份证", "证件", "name", "phone", "mobile", "tel", "email",
    "address", "description", "content", "reply", "comment", "idcard", "idnumber", "passport",
    "经度", "纬度", "坐标", "latitude", "longitude", "coordinates",  # a case's exact place is its address
)  # fmt: skip
RATING_WORDS = {
    "非常满意": 5, "满意": 4, "基本满意": 3, "一般": 3, "不满意": 2, "非常不满意": 1, "verysatisfied": 5,
    "satisfied": 4, "neutral": 3, "basicallysatisfied": 3, "dissatisfied": 2, "verydissatisfied": 1,
}  # fmt: skip
YES = {"是", "已整改", "整改完成", "已完成", "yes", "y", "true", "1"}
NO = {"否", "未整改", "未完成", "no", "n", "false", "0"}
CLOSED_WORDS = {"已办结", "办结", "已完成", "完成", "结案", "已结案", "closed", "resolved", "done"}
OPEN_WORDS = {"办理中", "未办结", "待办", "待处理", "处理中", "open", "pending", "inprogress"}
MAX_LISTED = 20  # cell errors listed in a report (all are counted)


@dataclass(frozen=True)
class CellProblem:
    """A cell that cannot be read: its row as the file numbers it (the header is row 1), its column's header, what
    is wrong (code) and the value."""

    row: int
    column: str
    code: str  # bad_time | bad_rating | bad_days
    value: str


@dataclass(frozen=True)
class Proposal:
    """The headers of a file, the proposed column for each field (None: none found) and the personal columns."""

    headers: list[str]
    mapping: dict[str, str | None]
    personal: list[str]

    @property
    def usable(self) -> list[str]:
        """Headers a field may be mapped to (personal data never)."""
        return [h for h in self.headers if h not in self.personal]


@dataclass(frozen=True)
class ImportReport:
    """What converting a file gave: the case table (None when it has errors), what was dropped and why."""

    cases: pd.DataFrame | None
    rows: int
    dropped: list[str]  # personal-data columns dropped, by header
    unused: list[str]  # other columns no field was mapped to
    missing: list[str] = field(default_factory=list)  # required fields without a column
    problems: list[CellProblem] = field(default_factory=list)  # the first MAX_LISTED
    problem_count: int = 0
    duplicates: int = 0
    due_from_days: bool = False  # the due column held day counts (calendar days after opening)

    @property
    def ok(self) -> bool:
        return self.cases is not None


def _key(text: object) -> str:
    return re.sub(r"[\s_\-（）()]+", "", str(text)).lower()


def is_personal(header: str) -> bool:
    key = _key(header)
    return any(_key(word) in key for word in PERSONAL)


def read_export(source, file_name: str | None = None, limits: Limits | None = None) -> RawTable:
    """Read the file with the upload limits (raises the upload's named errors)."""
    return read_upload(source, file_name, limits=limits)


def headers_of(table: RawTable) -> list[str]:
    return [str(h).strip() if h is not None else "" for h in table.rows[0]]


def propose(headers: list[str], remembered: Mapping[str, str | None] | None = None) -> Proposal:
    """Which column holds each field: the remembered mapping where its headers are still there, else the first
    header matching the field's names (exactly, then as a part of the header)."""
    personal = [h for h in headers if h and is_personal(h)]
    usable = [h for h in headers if h and h not in personal]
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for name, words in FIELDS.items():
        choice = (remembered or {}).get(name)
        if choice not in usable:
            keys = {h: _key(h) for h in usable if h not in taken}
            choice = next((h for w in words for h, k in keys.items() if k == _key(w)), None)
            choice = choice or next((h for w in words if len(w) > 2 for h, k in keys.items() if _key(w) in k), None)
        mapping[name] = choice
        if choice:
            taken.add(choice)
    return Proposal(headers, mapping, personal)


def _text(values: pd.Series) -> pd.Series:
    out = values.map(lambda v: None if v is None else str(v).strip())
    return out.where(out != "", None).astype("string")


_ZH_TIME = str.maketrans({"年": "-", "月": "-", "日": " ", "时": ":", "分": ":", "秒": "", "/": "-", ".": "-"})


def _times(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parsed times and a mask of cells that held something unreadable."""
    as_text = values.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") else v)
    text = _text(as_text).str.translate(_ZH_TIME).str.replace(r"[\s:]+$", "", regex=True)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = parsed.isna() & text.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], errors="coerce", format="mixed")
    return parsed.astype("datetime64[ns]"), (parsed.isna() & text.notna()).to_numpy()


def _ratings(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = _text(values)
    words = text.map(lambda v: None if v is pd.NA else RATING_WORDS.get(_key(v)), na_action="ignore")
    numbers = pd.to_numeric(text, errors="coerce")
    numbers = numbers.where(numbers.isin([1, 2, 3, 4, 5]))
    rating = words.astype("Float64").fillna(numbers).astype("Int64")
    return rating, (rating.isna() & text.notna()).to_numpy()


def _flags(values: pd.Series) -> pd.Series:
    keys = _text(values).map(_key, na_action="ignore")
    return pd.Series(np.where(keys.isin(YES), True, np.where(keys.isin(NO), False, None)), dtype="boolean")


def convert(table: RawTable, mapping: Mapping[str, str | None]) -> ImportReport:
    """The canonical case table from a read file and the confirmed mapping (personal columns never read)."""
    headers = headers_of(table)
    body = pd.DataFrame(table.rows[1:], columns=range(len(headers)), dtype=object)
    personal = [h for h in headers if h and is_personal(h)]
    chosen = {name: h for name, h in mapping.items() if h and h in headers and h not in personal}
    column = {h: body[i] for i, h in reversed(list(enumerate(headers)))}  # a repeated header: its first column
    used = set(chosen.values())
    unused = [h for h in headers if h and h not in used and h not in personal]
    missing = [name for name in REQUIRED if name not in chosen]
    if missing:
        return ImportReport(None, len(body), personal, unused, missing=missing)
    problems: list[CellProblem] = []

    def note(mask: np.ndarray, header: str, code: str) -> None:
        for i in np.flatnonzero(mask):
            problems.append(CellProblem(int(i) + 2, header, code, str(body.iloc[i][headers.index(header)])))

    cases = pd.DataFrame(index=body.index)
    cases["case_id"] = _text(column[chosen["case_id"]])
    for name in ("opened", "closed"):
        if name in chosen:
            cases[name], bad = _times(column[chosen[name]])
            note(bad, chosen[name], "bad_time")
    due_from_days = False
    if "due" in chosen:
        raw = column[chosen["due"]]
        days = pd.to_numeric(_text(raw).str.extract(r"^(\d+(?:\.\d+)?)\s*(?:天|个?工作日|日|days?)?$")[0])
        if days.notna().sum() > _text(raw).notna().sum() / 2:  # a time limit in days, not a moment
            due_from_days = True
            cases["due"] = cases["opened"] + pd.to_timedelta(days, unit="D")
            note((days.isna() & _text(raw).notna()).to_numpy(), chosen["due"], "bad_days")
        else:
            cases["due"], bad = _times(raw)
            note(bad, chosen["due"], "bad_time")
    levels = [_text(column[chosen[lv]]) for lv in TOPIC_LEVELS if lv in chosen]
    finest = _text(column[chosen["topic"]]) if "topic" in chosen else None
    parts = levels + ([finest] if finest is not None else [])
    if parts:
        cases["topic"], cases["topic_path"] = topics(parts)
    for name in ("unit", "area", "channel"):
        if name in chosen:
            cases[name] = _text(column[chosen[name]])
    if "rating" in chosen:
        cases["rating"], bad = _ratings(column[chosen["rating"]])
        note(bad, chosen["rating"], "bad_rating")
    if "followed_up" in chosen and "rating" in chosen:
        cases["followed_up"] = _flags(column[chosen["followed_up"]]).where(cases["rating"] <= 2)
    cases["status"] = _status(cases, column[chosen["status"]] if "status" in chosen else None)
    cases = canonical(cases)
    duplicates = int(cases["case_id"].duplicated().sum())
    ok = not problems
    return ImportReport(
        cases if ok else None, len(body), personal, unused, [], problems[:MAX_LISTED], len(problems), duplicates,
        due_from_days,
    )  # fmt: skip


def _status(cases: pd.DataFrame, given: pd.Series | None) -> pd.Series:
    """The status column's word where it is one we know, else closed when a closing time is there."""
    derived = pd.Series(np.where(cases.get("closed", pd.Series(pd.NaT, index=cases.index)).notna(), "closed", "open"))
    if given is None:
        return derived.astype("string")
    keys = _text(given).map(_key, na_action="ignore")
    said = np.where(keys.isin(CLOSED_WORDS), "closed", np.where(keys.isin(OPEN_WORDS), "open", None))
    return pd.Series(said, index=cases.index).fillna(derived).astype("string")
