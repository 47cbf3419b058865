"""The config file: defaults, where it is found, each key, and the errors a typo gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxtui.config import Config, ConfigError, Thresholds, load_config, parse_duration


@pytest.fixture(autouse=True)
def _empty_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user config folder into tmp_path so the real home is never read."""
    home_config = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home_config))
    return home_config


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_no_file_exists(tmp_path: Path) -> None:
    config = load_config(tmp_path / "data")
    assert config == Config()
    assert config.timezone == "UTC"
    assert config.sl_target_seconds == 20
    assert config.default_window == "7d"
    assert config.default_window_seconds == 7 * 86400
    assert config.mask_pii is False
    assert config.thresholds == Thresholds()
    assert config.source is None
    assert load_config(None) == Config()


def test_every_top_level_key_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.toml",
        'timezone = "Europe/London"\nsl_target_seconds = 30\n'
        'default_window = "30d"\nmask_pii = true\n',
    )
    config = load_config(None, path)
    assert config.timezone == "Europe/London"
    assert config.sl_target_seconds == 30
    assert config.default_window == "30d"
    assert config.default_window_seconds == 30 * 86400
    assert config.mask_pii is True
    assert config.source == path


def test_live_channels_default_to_phone_and_chat_and_can_be_named(tmp_path: Path) -> None:
    assert Config().live_channels == ("phone", "chat")
    path = _write(tmp_path / "c.toml", 'live_channels = ["phone", "chat", "whatsapp", "phone"]\n')
    assert load_config(None, path).live_channels == ("phone", "chat", "whatsapp")


def test_a_figure_on_too_few_answers_is_not_graded() -> None:
    thresholds = Thresholds()
    # CSAT 0% is red on 30 answers, but on 29 (or 1) it is "low": shown, not graded
    assert thresholds.grade("csat", 0.0, 30) == "bad"
    assert thresholds.grade("csat", 0.0, 29) == "low"
    assert thresholds.grade("nps", -50.0, 1) == "low"
    assert thresholds.grade("abandonment_rate", 0.222, 9) == "low"
    assert thresholds.grade("abandonment_rate", 0.222, 20) == "bad"
    assert thresholds.grade("service_level", 0.5, 19) == "low"
    # counts of breaches have no sample: any number is graded
    assert thresholds.grade("sla_breached", 50, 1) == "bad"
    assert thresholds.grade("csat", None, 1) == "none"


THRESHOLD_VALUES = {
    "first_response_median_warn": (600, 600),
    "first_response_median_bad": ('"2h"', 7200),
    "sla_breached_warn": (3, 3),
    "sla_breached_bad": (20, 20),
    "agent_sla_breached_warn": (2, 2),
    "agent_sla_breached_bad": (9, 9),
    "nps_warn": (20, 20.0),
    "nps_bad": (-10, -10.0),
    "csat_warn": (85.5, 85.5),
    "csat_bad": (60, 60.0),
    "oldest_open_warn": ('"12h"', 43200),
    "oldest_open_bad": (172800, 172800),
    "abandonment_rate_warn": (0.02, 0.02),
    "abandonment_rate_bad": (0.2, 0.2),
    "service_level_warn": (0.9, 0.9),
    "service_level_bad": (0.5, 0.5),
    "min_survey_responses": (50, 50),
    "min_contacts": (0, 0),
}


def test_each_threshold_key_is_read(tmp_path: Path) -> None:
    lines = "\n".join(f"{name} = {value}" for name, (value, _) in THRESHOLD_VALUES.items())
    config = load_config(None, _write(tmp_path / "c.toml", f"[thresholds]\n{lines}\n"))
    assert set(THRESHOLD_VALUES) == set(vars(Thresholds()))  # every key is covered
    for key, (_, expected) in THRESHOLD_VALUES.items():
        assert getattr(config.thresholds, key) == expected, key
        assert expected != getattr(Thresholds(), key), f"{key}: pick a value unlike the default"


def test_a_partial_thresholds_table_keeps_the_other_defaults(tmp_path: Path) -> None:
    config = load_config(None, _write(tmp_path / "c.toml", "[thresholds]\nnps_warn = 50\n"))
    assert config.thresholds.nps_warn == 50.0
    assert config.thresholds.nps_bad == Thresholds().nps_bad
    assert config.thresholds.csat_warn == Thresholds().csat_warn


def test_data_folder_file_is_preferred_over_the_user_file(
    tmp_path: Path, _empty_user_config: Path
) -> None:
    data = tmp_path / "data"
    _write(_empty_user_config / "cxtui" / "config.toml", "sl_target_seconds = 60\n")
    assert load_config(data).sl_target_seconds == 60  # only the user file exists
    _write(data / "cxtui.toml", "sl_target_seconds = 45\n")
    assert load_config(data).sl_target_seconds == 45
    explicit = _write(tmp_path / "explicit.toml", "sl_target_seconds = 15\n")
    assert load_config(data, explicit).sl_target_seconds == 15


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("timezone_name = 'UTC'\n", "timezone_name"),
        ("[thresholds]\nnps_warning = 10\n", "thresholds.nps_warning"),
        ("[display]\ncolour = true\n", "display"),
    ],
)
def test_unknown_key_is_an_error_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=f"unknown key '{named}'"):
        load_config(None, _write(tmp_path / "c.toml", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timezone = 5\n", "timezone"),
        ("timezone = 'Mars/Olympus'\n", "not a known time zone"),
        ("sl_target_seconds = true\n", "sl_target_seconds"),
        ("sl_target_seconds = 2.5\n", "sl_target_seconds"),
        ("sl_target_seconds = 0\n", "more than zero"),
        ("default_window = 'a week'\n", "default_window"),
        ("default_window = 7\n", "default_window"),
        ("mask_pii = 'yes'\n", "mask_pii must be true or false"),
        ("mask_pii = 1\n", "mask_pii must be true or false"),
        ("live_channels = 'phone'\n", "live_channels must be a list"),
        ("live_channels = ['phone', '']\n", "live_channels must be a list"),
        ("[thresholds]\nmin_contacts = -1\n", "thresholds.min_contacts"),
        ("[thresholds]\nmin_survey_responses = 2.5\n", "thresholds.min_survey_responses"),
        ("thresholds = 3\n", "must be a table"),
        ("[thresholds]\nnps_warn = 'high'\n", "thresholds.nps_warn"),
        ("[thresholds]\nnps_warn = 150\n", "from -100 to 100"),
        ("[thresholds]\ncsat_bad = -1\n", "thresholds.csat_bad"),
        ("[thresholds]\nservice_level_warn = 80\n", "from 0 to 1"),
        ("[thresholds]\nsla_breached_warn = 1.5\n", "whole number"),
        ("[thresholds]\noldest_open_warn = '3 days'\n", "thresholds.oldest_open_warn"),
        ("[thresholds]\nnps_warn = 0\nnps_bad = 10\n", "nps_bad .* must not be above"),
        ("[thresholds]\nsla_breached_bad = 0\n", "sla_breached_bad .* must not be below"),
        ("timezone = \n", "not valid TOML"),
    ],
)
def test_bad_values_are_errors_with_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError, match=message) as raised:
        load_config(None, path)
    assert str(path) in str(raised.value)


def test_an_explicit_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(None, tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("24h", 86400),
        ("7d", 604800),
        ("30d", 2592000),
        ("90m", 5400),
        ("3600s", 3600),
        ("1h", 3600),
        ("365d", 31536000),
        (" 12H ", 43200),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "cannot read duration"),
        ("7", "unit"),
        ("d", "cannot read duration"),
        ("7w", "unit s, m, h or d"),
        ("1.5h", "whole number"),
        ("-3d", "cannot read duration"),
        ("0h", "longer than zero"),
        ("7d 2h", "cannot read duration"),
        ("99999999d", "longer than 100 years"),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_parse_duration_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="must be text"):
        parse_duration(7)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("metric", "value", "band"),
    [
        # Higher is worse: defaults warn 3600 s, bad 14400 s.
        ("first_response_median", 3599, "ok"),
        ("first_response_median", 3600, "warn"),
        ("first_response_median", 14400, "bad"),
        # Lower is worse: defaults warn 30, bad 0.
        ("nps", 30.1, "ok"),
        ("nps", 30, "warn"),
        ("nps", 0, "bad"),
        ("service_level", 0.69, "bad"),
        ("sla_breached", 0, "ok"),
        ("sla_breached", 1, "warn"),
        ("nps", None, "none"),
    ],
)
def test_grade_follows_each_metrics_direction(metric: str, value: float | None, band: str) -> None:
    assert Thresholds().grade(metric, value) == band
