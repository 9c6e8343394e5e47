"""AppTest of the Overview page: cards, warnings, targets and standings show what the libraries compute."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from apptest import open_page, page_path, rendered
from streamlit.proto.LabelVisibility_pb2 import LabelVisibility
from streamlit.testing.v1 import AppTest

import data
import data.store
from data.nbs_portal import load_cn_prov_nbs
from indicators.kpi import headline_kpis, load_headlines
from indicators.standings import standings
from indicators.targets import load_targets
from indicators.warnings import current_alerts, load_rules
from services.boston import read_boston
from services.signals import compute, overview_alerts
from ui.overview import CAPTION_BREAK

ROOT = Path(__file__).resolve().parents[1]
NAT = "100000"


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    return open_page("overview", query, lang, timeout=60)


def _in_the_app(root: str) -> None:
    """The page inside a navigation like app.py's, so that its links to Indicators resolve."""
    import streamlit as st

    pages = [
        st.Page(f"{root}/pages/overview_page.py", url_path="overview", default=True),
        st.Page(f"{root}/pages/indicators_page.py", url_path="indicators"),
    ]
    st.navigation(pages, position="hidden").run()


def widget(elements, label: str):
    matches = [e for e in elements if e.label == label]
    assert len(matches) == 1, f"no single widget labelled {label!r}: {[e.label for e in elements]}"
    return matches[0]


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """Card label → (value, change). Cards fill a three-column grid, so AppTest lists them column by column."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def expected_card(kpi, ind, suffix: dict[str, str]) -> tuple[str, str]:
    """The card's number and change written out from the library's KPI, independently of the page's helpers."""
    decimals = 1 if kpi.change_unit == "pct" else ind.decimals
    value = f"{kpi.value:,.{ind.decimals}f}" + ("%" if ind.short_unit == "%" else "")
    if kpi.change_previous is None:  # e.g. no 2023 population in the shipped data: no change is shown
        return value, ""
    return value, f"{kpi.change_previous:+,.{decimals}f}{suffix[kpi.change_unit]}"


def latest_year(obs, indicator_id: str) -> int:
    """The latest year the shipped data report an indicator in (GDP: 2024, from the portal exports)."""
    return int(obs.loc[(obs["indicator_id"] == indicator_id) & obs["value"].notna(), "period"].max().year)


def test_national_cards_equal_the_library(obs, cat):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "总览"
    assert widget(at.selectbox, "范围").value == NAT
    shown = metrics(at)
    kpis = headline_kpis(obs, list(load_headlines().national), NAT, cat)
    assert len(shown) == len(kpis) == 9
    for kpi in kpis:
        ind = cat.get(kpi.indicator_id)
        assert shown[ind.name["zh"]] == expected_card(kpi, ind, {"pp": "个百分点", "pct": "%", "diff": ""})
    assert shown["居民消费价格同比涨幅"] == ("0.5%", "-0.5个百分点")  # July 2026, as published
    captions = [line for c in at.caption for line in c.value.split(CAPTION_BREAK)]
    assert "2025年目标：5%左右 · 2025年第4季度实际 5.0% · 差距 +0.0个百分点 · 2026年目标未录入" in captions
    assert "2025年目标：2%左右 · 2025年12月实际 0.0% · 差距 -2.0个百分点 · 2026年目标未录入" in captions
    badges = [line for line in captions if "-badge[" in line]  # the status: a line of a card's caption
    assert badges.count(":green-badge[:material/check_circle: 符合目标]") == 1
    assert badges.count(":red-badge[:material/cancel: 偏离目标]") == 1
    assert badges.count(":gray-badge[:material/remove_circle_outline: 无目标]") == 7
    year = str(latest_year(obs, "gdp"))
    assert year == "2024"
    query = {"lang": "zh", "scope": NAT, "tab": "standings", "rank": "gdp", "year": year}
    stored = data.store.open_store(seed=False)  # the app's test store: the data version the view was drawn from
    version = ".".join(str(stored.current_version(d) or 0) for d in data.OBSERVATION_LOADERS)
    assert dict(at.query_params) == query | {"data": version}


def test_national_warnings_are_the_library_alerts_most_severe_first(obs, cat):
    at = run_page()
    alerts = current_alerts(obs, NAT, list(load_headlines().national), load_rules(), load_targets(), cat)
    assert [a.rule_id for a in alerts] == ["pmi_manufacturing_contraction", "pmi_non_manufacturing_contraction"]
    boxes = [w.value for w in at.warning if " · 全国 · " in w.value]  # the case log's own warnings follow
    assert len(boxes) == 2 and not [e for e in at.error if " · 全国 · " in e.value]
    for box, alert in zip(boxes, alerts, strict=True):
        assert box.startswith(f"**{cat.get(alert.indicator_id).name['zh']}** · 全国 · 2026年7月 · 阈值")
        assert box.endswith(alert.message["zh"])
    assert at.subheader[1].value == "预警（2 条）"


@pytest.mark.parametrize(
    ("lang", "heading", "week"),
    [("zh", "波士顿 311 市民服务工单", "当周 · 诉求激增"), ("en", "Boston 311 service requests", "week of")],
)
def test_the_case_logs_surges_and_build_ups_are_among_the_national_warnings(lang, heading, week):
    expected = overview_alerts(*_boston_signals())
    at = run_page(lang=lang)
    boxes = [rendered(b.value) for b in [*at.error, *at.warning]]
    titles = [rendered(m.value) for m in at.markdown if heading in rendered(m.value)]
    assert len(expected) > 5 and len(titles) == 1 and f"{len(expected)}" in titles[0]
    for alert in expected[:5]:  # the most severe five; the page lists them all
        assert sum(box.endswith(alert.message[lang]) for box in boxes) == 1
    assert any(week in box for box in boxes)
    at_province = run_page({"scope": "440000"}, lang=lang)
    assert not [m for m in at_province.markdown if heading in rendered(m.value)]  # the office's view only


def _boston_signals():
    signals = compute(read_boston(), "W", "US")
    return signals.surges, signals.buildups


def test_targets_of_the_year_show_gaps_as_no_data():
    at = run_page({"tab": "targets"})
    assert [tab.label for tab in at.tabs] == ["地区排名", "目标完成情况"]  # a national view has no cities tab
    table = at.dataframe[0].value.set_index("目标")
    status = {goal: list(labels) for goal, labels in table["状态"].items()}  # one coloured label per cell
    assert status["国内生产总值增长"] == ["符合目标"]
    assert status["居民消费价格涨幅"] == ["偏离目标"]
    for unshipped in ("城镇调查失业率", "城镇新增就业"):
        assert table.loc[unshipped, "实际"] == "无数据" and status[unshipped] == ["无数据"]
    options = json.loads(at.dataframe[0].proto.columns)["状态"]["type_config"]["options"]
    colors = {o["value"]: o["color"] for o in options}
    assert (colors["符合目标"], colors["偏离目标"], colors["无数据"]) == ("green", "red", "gray")
    at = run_page({"tab": "targets", "target_year": "2022"})
    table = at.dataframe[0].value.set_index("目标")
    at.session_state["ov_tab"] = "地区排名"  # the standings: the year chosen stays in the link …
    assert at.run().query_params["target_year"] == "2022"
    at.session_state["ov_tab"] = "目标完成情况"  # … and comes back with its tab
    assert at.run().selectbox(key="ov_target_year").value == 2022
    assert table.loc["国内生产总值增长", ["表述", "实际", "差距"]].tolist() == ["5.5%左右", "3.1%", "-2.4个百分点"]


def test_provincial_scope_in_english(obs, cat, registry):
    at = run_page({"scope": "440000"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Overview"
    shown = metrics(at)
    kpis = headline_kpis(obs, list(load_headlines().province), "440000", cat)
    assert len(shown) == len(kpis)
    for kpi in kpis:
        ind = cat.get(kpi.indicator_id)
        assert shown[ind.name["en"]] == expected_card(kpi, ind, {"pp": " pp", "pct": "%", "diff": ""})
    # Guangdong GDP 2024 and its change on 2023, from the portal export itself.
    source = load_cn_prov_nbs().query("indicator_id == 'gdp' and region_code == '440000'").set_index("period")
    now, before = source.loc["2024-01-01", "value"], source.loc["2023-01-01", "value"]
    assert shown["Gross regional product"] == (f"{now:,.1f}", f"{(now / before - 1) * 100:+.1f}%")
    provinces = [r.code for r in registry.provinces()]
    year = latest_year(obs, "gdp")
    result = standings(obs, cat.get("gdp"), year, provinces)
    assert any(m.value == f"Guangdong ranks 1 of {result.ranked} in {year}; rank change +0." for m in at.markdown)
    top = at.dataframe[0].value
    assert top["Region"].tolist() == [registry.name(c, "en") for c in result.top["region_code"]]
    infos = [i.value for i in at.info]
    # The provincial cards are current (2024): no data-gap notice, although GDP per capita already has 2025.
    assert not any("Data gap" in i for i in infos)
    assert not at.tabs[1].info  # the targets tab: drawn when clicked
    at.session_state["ov_tab"] = "Targets"
    assert any("No targets on file for Guangdong" in i.value for i in at.run().tabs[1].info)


def test_switching_scope_changes_the_cards_and_the_url(obs, cat):
    at = run_page()
    widget(at.selectbox, "范围").set_value("540000").run()
    assert not at.exception
    assert set(metrics(at)) == {cat.get(i).name["zh"] for i in load_headlines().province}
    assert at.query_params["scope"] == "540000"
    alerts = current_alerts(obs, "540000", list(load_headlines().province), load_rules(), load_targets(), cat)
    shown = [box.value for box in (*at.error, *at.warning, *at.info) if box.value.startswith("**")]
    assert len(shown) == len(alerts)
    widget(at.selectbox, "范围").set_value(NAT).run()
    assert set(metrics(at)) == {cat.get(i).name["zh"] for i in load_headlines().national}


def test_a_link_reopens_the_same_view(cat):
    query = {"scope": "540000", "cards": "gdp,population", "rank": "fiscal_revenue", "year": "2010"}
    at = run_page(query)
    assert not at.exception
    assert set(metrics(at)) == {cat.get("gdp").name["zh"], cat.get("population").name["zh"]}
    assert widget(at.selectbox, "排名指标").value == "fiscal_revenue"
    assert widget(at.selectbox, "年份").value == 2010
    assert any(m.value.startswith("西藏在2010年排第") for m in at.markdown)
    assert {k: at.query_params[k] for k in query} == query


def test_bad_link_values_fall_back_to_defaults():
    at = run_page({"scope": "999999", "cards": "nope", "rank": "nope", "year": "abc", "target_year": "1990"})
    assert not at.exception
    assert widget(at.selectbox, "范围").value == NAT
    assert len(at.metric) == 9
    assert widget(at.selectbox, "排名指标").value == "gdp" and widget(at.selectbox, "年份").value == 2024
    at = run_page({"tab": "targets", "target_year": "1990"})
    assert widget(at.selectbox, "目标年份").value == 2025


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_card_links_open_the_indicators_page_with_the_selection(cat, lang):
    at = AppTest.from_function(_in_the_app, args=(str(ROOT),), default_timeout=60)
    at.session_state["lang"] = lang
    at.query_params["scope"] = "440000"
    at.run()
    assert not at.exception
    links = at.get("page_link")
    assert len(links) == 9
    first = links[0].proto
    assert first.label == ("在指标页查看" if lang == "zh" else "Open in Indicators") and first.page == "indicators"
    params = {k: v[0] for k, v in parse_qs(first.query_string).items()}
    assert params == {"indicator": "gdp", "regions": "440000", "lang": lang, "years": "2004-2024"}
    # Following the link: the Indicators page opens on that indicator, region and years.
    target = AppTest.from_file(str(page_path("indicators")), default_timeout=60)
    target.session_state["lang"] = lang
    for key, value in params.items():
        target.query_params[key] = value
    target.run()
    assert not target.exception
    assert next(s for s in target.selectbox if s.key == "ind_indicator").value == "gdp"
    assert next(m for m in target.multiselect if m.key == "ind_regions").value == ["440000"]
    assert next(s for s in target.slider if s.key == "ind_years").value == (2004, 2024)


def test_every_status_reason_and_kind_has_its_words():
    from common.text import strings
    from indicators.targets import STATUSES
    from indicators.warnings import KIND_ORDER
    from ui.overview import STATUS_COLOR

    keys = [f"overview.status_{s}" for s in (*STATUSES, "no_target")]
    keys += [f"overview.reason_{r}" for r in ("no_series", "no_value", "year_incomplete")]
    keys += [f"overview.kind_{k}" for k in KIND_ORDER] + [f"overview.vs_previous_{f}" for f in "mqa"]
    assert [k for k in keys if k not in strings()] == []
    assert set(STATUS_COLOR) == {*STATUSES, "no_target"}


# --- vintage: staleness and preliminary figures, said on the cards and the standings -----------------------------


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("zh", "最新数据为 2026年7月（按发布周期应已有 2026年10月数据）"),
        ("en", "Latest data: Jul 2026 (Oct 2026 should have been published by now)"),
    ],
)
def test_monthly_cards_say_their_data_are_behind_the_release_calendar(lang, note):
    at = run_page(lang=lang)  # the shipped monthly series end in July 2026; it is December 2026
    assert not at.exception
    captions = [rendered(line) for c in at.caption for line in c.value.split(CAPTION_BREAK)]
    assert sum(note in c for c in captions) == 8  # the eight monthly cards; the quarterly GDP card says its own
    quarterly = "2026年第1季度（按发布周期应已有 2026年第3季度数据）" if lang == "zh" else "2026 Q1 (2026 Q3 should"
    assert any(quarterly in c for c in captions)


@pytest.mark.parametrize(
    ("lang", "card", "heading", "footer"),
    [
        ("zh", "2025年（初步数） · 元", "排名年份：2025年，初步数（各指标按其最新年份排名）", "2025年为初步数"),
        (
            "en",
            "2025 (preliminary) · yuan",
            "Ranked in 2025, preliminary (each indicator in its latest year)",
            "2025: preliminary",
        ),
    ],
)
def test_preliminary_gdp_per_capita_is_marked_on_the_card_and_the_standings(lang, card, heading, footer):
    at = run_page({"scope": "440000", "rank": "gdp_per_capita"}, lang=lang)
    assert not at.exception
    captions = [rendered(line) for c in at.caption for line in c.value.split(CAPTION_BREAK)]
    assert card in captions
    assert not any("最新数据为" in c or "Latest data" in c for c in captions)  # provincial cards are current
    assert any(m.value == f"**{heading}**" for m in at.markdown)
    assert any(c.startswith(("来源", "Source")) and footer in c for c in captions)


@pytest.mark.parametrize(
    ("lang", "heading", "note"),
    [
        ("zh", "排名年份：2022年（各指标按其最新年份排名）", "最新数据为 2022年（按发布周期应已有 2024年数据）"),
        ("en", "Ranked in 2022 (each indicator in its latest year)", "Latest data: 2022 (2024 should have been"),
    ],
)
def test_standings_of_a_stale_indicator_say_which_year_and_that_it_is_old(lang, heading, note):
    at = run_page({"rank": "trade_total"}, lang=lang)
    assert not at.exception
    assert any(m.value == f"**{heading}**" for m in at.markdown)
    assert any(rendered(c.value).startswith(("来源", "Source")) and note in rendered(c.value) for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_officials_see_citations_and_data_dates_not_files_or_commits(lang):
    at = run_page(lang=lang)
    assert not at.exception
    words = [rendered(line) for e in (*at.caption, *at.markdown, *at.info) for line in e.value.split(CAPTION_BREAK)]
    developer = re.compile(r"\.ya?ml|indicators/|data/|commit|github|数据版本|Data version|仓库|licen[cs]e|许可", re.I)
    assert not [w for w in words if developer.search(w)]
    cards = [w for w in words if w.startswith(("来源：", "Source:"))]
    assert len(cards) >= 9  # one citation under every card
    zh = "来源：国家统计局、财政部、中国人民银行、海关总署月度发布 · 数据截至 2026年7月"
    assert any(c.startswith(zh if lang == "zh" else "Source: National Bureau of Statistics of China,") for c in cards)
    assert any(("数据截至" if lang == "zh" else "Data to") in c for c in cards)
    ranked = "来源：国家统计局 国家数据·分省年度数据（第五次经济普查修订后） · 数据截至 2024年"
    assert lang == "en" or any(c.startswith(ranked) for c in cards)  # the 2024 ranking cites the 2024 source only
    office = "本单位设定的预警规则" if lang == "zh" else "warning rules set by the office"
    assert any(office in w for w in words)


def test_clearing_every_card_stays_empty_and_says_so():
    at = run_page()
    at.multiselect(key="ov_cards").set_value([]).run()
    assert not at.exception
    assert at.multiselect(key="ov_cards").value == [] and at.query_params["cards"] == ""
    assert not at.metric
    assert any(i.value == "未选择指标。" for i in at.info)


def test_card_titles_wrap_above_the_metric():
    # A metric's own label is cut at one line ("General budget revenue growth (year to d…"): the card shows the
    # title as text that wraps, with the definition as its help, and keeps the metric's label only for screen readers.
    at = run_page(lang="en")
    assert not at.exception
    titles = {rendered(m.value): m.help for m in at.markdown if m.help}
    for metric in at.metric:
        assert metric.proto.label_visibility.value == LabelVisibility.LabelVisibilityOptions.COLLAPSED
        assert metric.label in titles and titles[metric.label]


def test_a_province_scope_shows_its_cities_ranked(obs, cat, registry):
    from indicators.standings import city_standings

    at = run_page({"scope": "440000", "tab": "cities"})
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["地区排名", "目标完成情况", "广东各地级市排名"]
    table = next(d.value for d in at.dataframe if "地区" in d.value.columns and len(d.value) == 21)
    expected = city_standings(obs, list(cat), [c.code for c in registry.cities("440000")])
    assert table["地区"].iloc[0] == "广州"
    rank_column = "常住人口（地级市普查）排名（共 21 个）"
    assert table[rank_column].tolist()[:3] == [1, 2, 3]
    value_column = next(c for c in table.columns if c.startswith("常住人口（地级市普查）（万人"))
    top = expected[0].top
    assert table[value_column].iloc[0] == pytest.approx(round(top["value"].iloc[0], 2))


def test_a_municipality_scope_has_no_city_table():
    at = run_page({"scope": "110000", "tab": "cities"})  # a link to the cities of a municipality: the standings
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["地区排名", "目标完成情况"] and at.query_params["tab"] == "standings"
