"""The one text module: every string in Chinese and English with the same placeholders, every key the code uses
defined (keys built with f-strings are listed below, family by family), and rendering by key, language and facts."""

from __future__ import annotations

import pickle
import re
import string
from pathlib import Path

import pytest
from test_architecture import LAYERS  # "app" first, then every package

from common.text import (
    LANGS,
    DuplicateKey,
    Message,
    Text,
    UnknownKey,
    UnsupportedLanguage,
    both,
    check_lang,
    render,
    strings,
)
from data import errors
from data.upload.validation import ERROR_CODES, WARNING_CODES
from forecasting.registry import model_names
from indicators.targets import COMPARATORS
from maps.classify import SCHEMES
from services.derive import PROBLEMS
from services.importer import FIELDS

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Every source file of the project: app.py and the layers the architecture test knows.
CODE = [ROOT / "app.py", *(p for d in LAYERS[1:] for p in sorted((ROOT / d).rglob("*.py")))]
CALL = r"""\b(?:t|render|both|Message|from_key)\(\s*"""
LITERAL = re.compile(CALL + r"""(["'])([a-z_]+\.[A-Za-z0-9_.]+)\1""")
BUILT = re.compile(CALL + r"""f(["'])([a-z_]+\.[^"']*\{[^"']*)\1""")
EXCEPTION_CODES = {
    code
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.DataError)
    for code in {cls.code, *cls.codes} - {""}
}

# Every key family the code builds with an f-string: the template as written (what is inside {…} reduced to {}),
# and the keys it can produce. A new f-string key fails `test_every_built_key_family_is_listed` until listed here.
BUILT_KEYS: dict[str, set[str]] = {
    "narrative.{}": {f"narrative.{k}" for k in ("previous", "year_ago", "target_about", "higher_is_better",
                     "lower_is_better", "neutral", "target_at_least_met", "target_at_least_short",
                     "target_at_most_met", "target_at_most_over")},
    "narrative.{}_points": {"narrative.up_points", "narrative.down_points"},
    "pack.progress.{}": {f"pack.progress.{k}" for k in ("chart", "table", "pptx", "pdf")},
    "error.{}": {f"error.{code}" for code in EXCEPTION_CODES},
    "upload.{}": {f"upload.{code}" for code in ERROR_CODES | WARNING_CODES},
    "upload.field.{}": {f"upload.field.{k}" for k in ("region", "period", "indicator", "value")},
    "freq.{}": {"freq.annual", "freq.quarterly", "freq.monthly"},
    "category.{}": {f"category.{k}" for k in ("all", "macro", "service", "governance")},
    "polarity.{}": {f"polarity.{k}" for k in ("higher_is_better", "lower_is_better", "neutral")},
    "view.{}": {f"view.{k}" for k in ("level", "yoy", "per_capita", "share", "index")},
    "views.name.{}": {f"views.name.{k}" for k in ("level", "yoy", "per_capita", "share", "index")},
    "warning.{}": {"warning.below", "warning.above"},
    "warning.run.{}": {"warning.run.A", "warning.run.Q", "warning.run.M"},
    "warning.model.{}": {"warning.model.naive", "warning.model.seasonal_naive"},
    "target.comparator.{}": {f"target.comparator.{c}" for c in COMPARATORS},
    "choropleth.{}": {"choropleth.darker_better", "choropleth.darker_higher"},
    "accuracy.{}": {"accuracy.percent", "accuracy.points", "accuracy.percent_one", "accuracy.points_one"},
    "format.change_{}": {"format.change_pp", "format.change_pct"},
    "forecast.break_{}": {"forecast.break_level", "forecast.break_outlier"},
    "admin.export_{}": {"admin.export_csv", "admin.export_xlsx"},
    "auth.role_{}": {f"auth.role_{r}" for r in ("viewer", "analyst", "steward", "admin")},
    "admin.col_{}": {f"admin.col_{c}" for c in ("at", "user", "role", "action", "object", "version_before",
                     "version_after", "address", "result", "detail")},
    "forecast.break_mark_{}": {"forecast.break_mark_level", "forecast.break_mark_outlier"},
    "scenario.per.{}": {"scenario.per.A", "scenario.per.Q", "scenario.per.M"},
    "scenario.growth.{}": {"scenario.growth.A", "scenario.growth.Q", "scenario.growth.M"},
    "scenario.level_shift_{}": {"scenario.level_shift_up", "scenario.level_shift_down"},
    "scenario.growth_shock_{}": {"scenario.growth_shock_up", "scenario.growth_shock_down"},
    "scenario.target_path_{}": {"scenario.target_path_level", "scenario.target_path_rate"},
    "scenario.driver_percent_{}": {"scenario.driver_percent_up", "scenario.driver_percent_down"},
    "scenario.driver_growth_{}": {"scenario.driver_growth_up", "scenario.driver_growth_down"},
    "scenario.driver_via_{}": {"scenario.driver_via_elasticity", "scenario.driver_via_var"},
    "scenario.path_fact_{}": {"scenario.path_fact_level", "scenario.path_fact_rate"},
    "scenario.target_{}": {f"scenario.target_{c}" for c in COMPARATORS},
    "briefing.format_{}": {f"briefing.format_{k}" for k in ("pptx", "pdf", "both")},
    "briefing.download_{}": {f"briefing.download_{k}" for k in ("png", "svg", "pdf", "csv", "xlsx")},
    "briefing.download_pack_{}": {"briefing.download_pack_pptx", "briefing.download_pack_pdf"},
    "briefing.kind_{}": {"briefing.kind_chart", "briefing.kind_table"},
    "briefing.{}": {"briefing.up", "briefing.down"},
    "data.stage_{}": {f"data.stage_{k}" for k in ("read", "parse", "validate", "write")},
    "data.layout_{}": {f"data.layout_{k}" for k in ("auto", "long", "wide_periods", "wide_regions",
                       "wide_indicators")},
    "data.mode_{}": {"data.mode_merge", "data.mode_replace"},
    "data.kind_{}": {"data.kind_seed", "data.kind_upload"},
    "data.severity_{}": {"data.severity_error", "data.severity_warning"},
    "data.col_{}": {f"data.col_{k}" for k in ("severity", "cells", "header", "value", "message")},
    "data.test_{}": {f"data.test_{k}" for k in ("overlap", "continuity", "none")},
    "forecast.{}": {f"forecast.{k}" for k in ("history", "forecast", "band80", "band95")},
    "forecast.model_{}": {f"forecast.model_{name}" for name in (*model_names(), "ensemble")},
    "map.level_{}": {"map.level_china", "map.level_world"},
    "overview.vs_previous_{}": {f"overview.vs_previous_{f}" for f in ("a", "q", "m")},
    "services.vs_previous_{}": {f"services.vs_previous_{g}" for g in ("day", "week", "month")},
    "services.grain_{}": {f"services.grain_{g}" for g in ("day", "week", "month")},
    "services.measure_{}": {f"services.measure_{m}" for m in ("volume", "on_time_rate", "median_hours",
                            "satisfied_rate")},
    "services.col_{}": {f"services.col_{c}" for c in ("volume", "on_time_rate", "median_hours", "overdue", "backlog",
                        "satisfied_rate", "share")},
    "services.problem_{}": {f"services.problem_{p}" for p in PROBLEMS},
    "services.effect_{}": {f"services.effect_{p}" for p in PROBLEMS},
    "services.series_{}": {f"services.series_{s}" for s in ("backlog", "overdue")},
    "services.{}": {f"services.{c}" for c in ("topic", "unit", "area")},
    "services.field_{}": {f"services.field_{f}" for f in FIELDS},
    "services.import_{}": {f"services.import_{c}" for c in ("bad_time", "bad_rating", "bad_days")},
    "overview.status_{}": {f"overview.status_{k}" for k in ("on_track", "at_risk", "off_track", "no_data",
                           "no_target")},
    "overview.reason_{}": {f"overview.reason_{k}" for k in ("no_series", "no_value", "year_incomplete")},
    "alerts.threshold_{}": {f"alerts.threshold_{k}" for k in ("above", "below", "change_points", "change_pct",
                            "outside_band", "anomaly", "target_red")},
    "alerts.event_{}": {"alerts.event_raised", "alerts.event_cleared"},
    "alerts.subject_{}": {"alerts.subject_raised", "alerts.subject_cleared"},
    "alerts.subject_digest_{}": {"alerts.subject_digest_daily", "alerts.subject_digest_weekly"},
    "alerts.severity_{}": {f"alerts.severity_{k}" for k in ("critical", "warning", "notice")},
    "alerts.kind_{}": {f"alerts.kind_{k}" for k in ("above", "below", "change_points", "change_pct", "outside_band",
                       "target_red")},
    "alerts.target_kind_{}": {f"alerts.target_kind_{k}" for k in ("rule", "indicator", "region", "all")},
    "alerts.mode_{}": {f"alerts.mode_{k}" for k in ("immediate", "daily", "weekly")},
    "alerts.channel_{}": {f"alerts.channel_{k}" for k in ("mail", "webhook", "wecom", "dingtalk", "feishu")},
    "overview.kind_{}": {f"overview.kind_{k}" for k in ("threshold", "anomaly", "gap", "surge", "overdue")},
    "scenarios.{}": {f"scenarios.{k}" for k in ("history", "baseline", "baseline80", "baseline95", "band80")},
    "scenarios.tab_{}": {f"scenarios.tab_{k}" for k in ("growth", "level", "path", "driver", "manage")},
    "scenarios.mode_{}": {"scenarios.mode_percent", "scenarios.mode_growth_pp"},
    "scenarios.method_{}": {"scenarios.method_elasticity", "scenarios.method_var"},
    "scenarios.measure_{}": {"scenarios.measure_level", "scenarios.measure_growth"},
    "scenarios.comparator_{}": {f"scenarios.comparator_{c}" for c in COMPARATORS},
    "scenarios.unit_{}": {"scenarios.unit_percent", "scenarios.unit_units"},
    "scenarios.err_{}": {k for k in strings() if k.startswith("scenarios.err_")},
    "track.kind_{}": {"track.kind_forecast", "track.kind_scenario_set"},
    "track.card_{}": {"track.card_model", "track.card_step"},
    "track.card_title_{}": {"track.card_title_model", "track.card_title_step"},
}  # fmt: skip


def template(text: str) -> str:
    return re.sub(r"\{[^{}]*\}", "{}", text)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- the strings ---------------------------------------------------------------------------------------------------


def test_every_key_has_both_languages():
    assert len(strings()) > 500  # the files really were read
    for key, texts in strings().items():
        assert set(texts) == set(LANGS), f"{key}: languages {sorted(texts)}"
        assert all(isinstance(v, str) and v.strip() for v in texts.values()), f"{key}: empty translation"


def test_placeholders_agree_between_languages():
    for key, texts in strings().items():
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), f"{key}: placeholders differ"


def test_chinese_strings_are_chinese():
    language_neutral = {"app.language"}
    for key, texts in strings().items():
        words = re.sub(r"\{\w+\}", "", texts["en"])  # placeholders are not words
        if key not in language_neutral and re.search(r"[A-Za-z]{4,}", words):
            assert CJK.search(texts["zh"]) or texts["zh"] != texts["en"], f"{key}: zh looks untranslated"


def test_keys_are_namespaced_by_area():
    for key in strings():
        assert re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)+", key), f"{key!r} is not area.name"


def test_a_key_defined_twice_is_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text("x.one: {zh: 一, en: one}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x.one: {zh: 一, en: one}\n", encoding="utf-8")
    with pytest.raises(DuplicateKey, match="x.one.*a.yaml"):
        strings(tmp_path)
    (tmp_path / "b.yaml").write_text("x.two: {zh: 二, en: two}\nx.two: {zh: 二, en: two}\n", encoding="utf-8")
    with pytest.raises(DuplicateKey, match="line 2"):
        strings(tmp_path)


# --- every key the code uses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_keys_used_in_code_are_defined(path):
    text = path.read_text(encoding="utf-8")
    missing = [key for _, key in LITERAL.findall(text) if key not in strings()]
    assert not missing, f"{path.relative_to(ROOT)} uses undefined string keys {missing}"


def test_every_built_key_family_is_listed():
    found = {}
    for path in CODE:
        for _, built in BUILT.findall(path.read_text(encoding="utf-8")):
            found.setdefault(template(built), path.relative_to(ROOT).as_posix())
    unlisted = {t: where for t, where in found.items() if t not in BUILT_KEYS}
    assert not unlisted, f"f-string keys not listed in BUILT_KEYS: {unlisted}"
    assert len(found) > 40  # the scan really finds the built keys


@pytest.mark.parametrize("family", sorted(BUILT_KEYS))
def test_every_listed_key_of_a_family_is_defined(family):
    keys = BUILT_KEYS[family]
    assert keys, family
    assert not [k for k in keys if k not in strings()], family
    assert all(re.fullmatch(re.escape(family).replace(r"\{\}", ".+"), k) for k in keys), family


def test_the_data_layers_messages_are_exactly_its_codes():
    """No code without its message, and no message without a code (upload.field.* are the report's words)."""
    defined = {k.split(".", 1)[1] for k in strings() if k.startswith("error.")}
    assert defined == EXCEPTION_CODES
    report = {k.split(".", 1)[1] for k in strings() if k.startswith("upload.") and not k.startswith("upload.field.")}
    assert report == ERROR_CODES | WARNING_CODES


def test_every_map_scheme_and_dynamic_freq_word_is_defined(cat):
    for ind in cat:
        for key in (f"freq.{ind.frequency}", f"category.{ind.category}", f"polarity.{ind.polarity}"):
            assert key in strings(), key
    assert {s.label["en"] for s in SCHEMES.values()} == {"Quantiles", "Equal interval", "Natural breaks (Jenks)"}


# --- rendering -----------------------------------------------------------------------------------------------------


def test_render_fills_bilingual_values_lists_and_numbers():
    assert render("error.unknown_version", "zh", dataset="gdp", version=3, versions=["v1", "v2"]) == (
        "数据集“gdp”没有版本 v3。现有版本：v1、v2。"
    )
    assert render("error.unknown_version", "en", dataset="gdp", version=3, versions=[]) == (
        "Dataset 'gdp' has no version v3. Its versions: none."
    )
    assert render("upload.missing_key", "zh", field=Text("地区", "region")) == "此行缺少地区。"
    assert render("upload.missing_key", "en", field={"zh": "地区", "en": "region"}) == "This row has no region."
    assert render("upload.gap_kept", "en", old=1234567.5) == (
        "The cell is empty in the file but the store holds 1,234,567.5; the stored value is kept."
    )
    assert both("pack.count", count=3) == ("共 3 项图表和表格", "3 charts and tables")


def test_a_string_without_fields_is_returned_as_written():
    assert render("pack.title", "en") == "Briefing"


def test_a_message_is_a_fact_rendered_late():
    inner, hint = Message("upload.field.period"), Message("upload_hint.period")
    message = Message("upload.key_required", field=inner, hint=hint)
    assert (
        message.render("en")
        == message["en"]
        == (
            "The file has no period column and no period was chosen. "
            "Add a period column to the file, or head the value columns with years (periods)."
        )
    )
    assert message == Message("upload.key_required", field=Message("upload.field.period"), hint=hint)
    assert pickle.loads(pickle.dumps(message)) == message  # cached by the UI layer
    assert "upload.key_required" in repr(message)


def test_an_unknown_key_fails_where_it_is_written():
    with pytest.raises(UnknownKey, match="warning.nope"):
        Message("warning.nope")
    with pytest.raises(UnknownKey):
        render("nope.nope", "zh")


@pytest.mark.parametrize("lang", ["fr", "", None, "ZH"])
def test_an_unsupported_language_is_refused(lang):
    with pytest.raises(UnsupportedLanguage, match="unsupported language"):
        render("pack.title", lang)
    with pytest.raises(KeyError, match="unsupported language"):
        check_lang(lang, KeyError)
    assert check_lang("en") == "en"
