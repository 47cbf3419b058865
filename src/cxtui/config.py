"""The optional TOML config file: time zone, service-level target, default window, colour
thresholds, PII masking, the centre's business hours and clock, files to ignore,
`[[mapping]]` tables for exports cxtui has no preset for, `[[alert]]` rules and the
`[themes]` of survey comments. Every key
and its default is described in docs/config.md.

A misspelt key is an error rather than a silent default, because a threshold that quietly
never applies looks exactly like a healthy contact centre.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir

from cxtui.alert_rules import Rule, RuleError, rules_from_config
from cxtui.business_hours import BusinessHours, WeekHours, parse_week
from cxtui.comment_themes import ThemeError, ThemeRule, themes_from_config
from cxtui.ingest.encodings import UTF8, EncodingError, check_encoding
from cxtui.ingest.mapping import ExportMapping, MappingError
from cxtui.ingest.presets import mappings_from_config

CONFIG_FILE_NAME = "cxtui.toml"
CLOCKS = ("calendar", "business")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+)\s*([smhd])")
_MAX_DURATION_SECONDS = 100 * 365 * 86400


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "90m", "24h", "7d" or "3600s" (one whole number, one unit)."""
    if not isinstance(text, str):
        raise ValueError(f"duration must be text such as '7d', not {text!r}")
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(
            f"cannot read duration {text!r}: use a whole number and a unit s, m, h or d, "
            "such as '90m', '24h' or '7d'"
        )
    seconds = int(match[1]) * _UNIT_SECONDS[match[2]]
    if seconds <= 0:
        raise ValueError(f"duration {text!r} must be longer than zero")
    if seconds > _MAX_DURATION_SECONDS:
        raise ValueError(f"duration {text!r} is longer than 100 years")
    return seconds


@dataclass
class Thresholds:
    """When a number turns amber ("warn") or red ("bad").

    For waits, breaches and abandonment a higher number is worse, so bad >= warn; for NPS, CSAT
    and service level a lower number is worse, so bad <= warn. Rates are fractions 0-1, CSAT is
    a percentage 0-100, NPS runs from -100 to 100.
    """

    first_response_median_warn: int = 3600
    first_response_median_bad: int = 4 * 3600
    sla_breached_warn: int = 1
    sla_breached_bad: int = 10
    agent_sla_breached_warn: int = 3
    """One agent's open tickets past a due time: the agents screen marks the row "watch"."""
    agent_sla_breached_bad: int = 6
    """... and "act" from here."""
    nps_warn: float = 30.0
    nps_bad: float = 0.0
    csat_warn: float = 80.0
    csat_bad: float = 70.0
    oldest_open_warn: int = 86400
    oldest_open_bad: int = 3 * 86400
    abandonment_rate_warn: float = 0.05
    abandonment_rate_bad: float = 0.10
    service_level_warn: float = 0.80
    service_level_bad: float = 0.70
    min_survey_responses: int = 30
    """Below this many answers NPS and CSAT are shown dimmed, "low n", and never graded."""
    min_contacts: int = 20
    """The same for the first-reply median, service level and abandonment."""

    def grade(self, metric: str, value: float | None, n: int | None = None) -> str:
        """The colour band of `value` for `metric` (e.g. "nps"): ok, warn, bad; none if None;
        low if `n`, the count it was measured over, is below the metric's minimum."""
        if value is None:
            return "none"
        if n is not None and n < self.minimum(metric):
            return "low"
        warn = getattr(self, f"{metric}_warn")
        bad = getattr(self, f"{metric}_bad")
        higher_is_worse = metric in _HIGHER_IS_WORSE
        if (value >= bad) if higher_is_worse else (value <= bad):
            return "bad"
        if (value >= warn) if higher_is_worse else (value <= warn):
            return "warn"
        return "ok"

    def minimum(self, metric: str) -> int:
        """The fewest answers or contacts `metric` is graded on (0: any number)."""
        if metric in _SURVEY_METRICS:
            return self.min_survey_responses
        if metric in _CONTACT_METRICS:
            return self.min_contacts
        return 0

    def target(self, metric: str) -> float:
        """The figure a metric should beat: its amber line, where it stops being on track."""
        return getattr(self, f"{metric}_warn")


@dataclass
class Config:
    """Settings from the config file, or the defaults when there is none."""

    timezone: str = "UTC"
    sl_target_seconds: int = 20
    live_channels: tuple[str, ...] = ("phone", "chat")
    default_window: str = "7d"
    thresholds: Thresholds = field(default_factory=Thresholds)
    mask_pii: bool = False
    source: Path | None = None
    clock: str = "calendar"
    week: WeekHours | None = None
    holidays: frozenset[date] = field(default_factory=frozenset)
    mappings: tuple[ExportMapping, ...] = ()
    encoding: str = UTF8
    """Of the CSV files no [[mapping]] gives an encoding (a byte order mark wins)."""
    ignore: tuple[str, ...] = ()
    """File patterns (e.g. "users*.csv", "archive/*") never read: the other tables of a
    helpdesk export that sit beside the tickets."""
    staffing_interval: str = "30m"
    """The span of recent arrivals the staffing screen plans for: "30m" or "60m"."""
    staffing_service_level: float = 0.8
    """The share of live contacts to answer within `sl_target_seconds`."""
    staffing_max_occupancy: float = 0.85
    staffing_shrinkage: float = 0.3
    """The share of paid time agents are not available (breaks, training, absence)."""
    alerts: tuple[Rule, ...] = ()
    """The `[[alert]]` rules, in the file's order."""
    on_alert: tuple[str, ...] = ()
    """The command (program and arguments, no shell) that hears each alert as JSON."""
    on_alert_timeout: int = 10
    themes: tuple[ThemeRule, ...] = ()
    """The `[themes]` of the survey comments: a name and the words or patterns meaning it."""

    @property
    def segments(self) -> tuple[str, ...]:
        """The survey segments the mappings keep, each once, in the order first named."""
        return tuple(dict.fromkeys(name for m in self.mappings for name in m.segments))

    @property
    def staffing_interval_seconds(self) -> int:
        return parse_duration(self.staffing_interval)

    @property
    def default_window_seconds(self) -> int:
        return parse_duration(self.default_window)

    @property
    def business_hours(self) -> BusinessHours:
        """The centre's calendar: `timezone`, the [business_hours] week and its holidays."""
        return BusinessHours(self.timezone, self.week, self.holidays)


# What each threshold measures, so a value can be checked against its sensible range.
_SECONDS_THRESHOLDS = ("first_response_median", "oldest_open")
_COUNT_THRESHOLDS = ("sla_breached", "agent_sla_breached")
_RANGES: dict[str, tuple[float, float]] = {
    "nps": (-100.0, 100.0),
    "csat": (0.0, 100.0),
    "abandonment_rate": (0.0, 1.0),
    "service_level": (0.0, 1.0),
}
_HIGHER_IS_WORSE = frozenset({*_SECONDS_THRESHOLDS, *_COUNT_THRESHOLDS, "abandonment_rate"})
_SURVEY_METRICS = frozenset({"nps", "csat", "ces"})
_CONTACT_METRICS = frozenset(
    {"first_response_median", "service_level", "abandonment_rate", "resolution_rate"}
)
_MINIMUMS = ("min_survey_responses", "min_contacts")


def user_config_path() -> Path:
    """~/.config/cxtui/config.toml on Linux (the platform's per-user config folder)."""
    return Path(user_config_dir("cxtui")) / "config.toml"


def config_path(data_dir: Path | None, path: Path | None = None) -> Path | None:
    """The file load_config would read: `path`, DATA_DIR/cxtui.toml, the user file, or None."""
    if path is not None:
        return Path(path)
    if data_dir is not None and (Path(data_dir) / CONFIG_FILE_NAME).is_file():
        return Path(data_dir) / CONFIG_FILE_NAME
    user_file = user_config_path()
    return user_file if user_file.is_file() else None


def load_config(data_dir: Path | None, path: Path | None = None) -> Config:
    """The config from `path`, else DATA_DIR/cxtui.toml, else the user file, else defaults.

    Raises ConfigError naming the file and key for a missing explicit file, bad TOML, an
    unknown key or a value of the wrong type or range.
    """
    source = config_path(data_dir, path)
    if source is None:
        return Config()
    try:
        with source.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {source} does not exist") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {source}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {source} is not valid TOML: {error}") from None
    return _config_from(document, source)


def _config_from(document: dict[str, object], source: Path) -> Config:
    known = {f.name for f in fields(Config)} - {"source", "week", "holidays", "mappings", "alerts"}
    known |= {"business_hours", "mapping", "alert"}
    _reject_unknown(document, known, source, "")
    config = Config(source=source)
    if "timezone" in document:
        config.timezone = _timezone(document["timezone"], source)
    if "sl_target_seconds" in document:
        config.sl_target_seconds = _seconds(
            document["sl_target_seconds"], source, "sl_target_seconds"
        )
    if "live_channels" in document:
        config.live_channels = _channels(document["live_channels"], source)
    if "default_window" in document:
        value = document["default_window"]
        try:
            parse_duration(value)  # type: ignore[arg-type]
        except ValueError as error:
            raise ConfigError(f"{source}: default_window: {error}") from None
        config.default_window = str(value)
    if "mask_pii" in document:
        value = document["mask_pii"]
        if not isinstance(value, bool):
            raise ConfigError(f"{source}: mask_pii must be true or false, not {value!r}")
        config.mask_pii = value
    if "encoding" in document:
        try:
            config.encoding = check_encoding(document["encoding"])
        except EncodingError as error:
            raise ConfigError(f"{source}: {error}") from None
    if "thresholds" in document:
        config.thresholds = _thresholds(document["thresholds"], source)
    if "clock" in document:
        if document["clock"] not in CLOCKS:
            raise ConfigError(f"{source}: clock must be 'calendar' or 'business'")
        config.clock = str(document["clock"])
    if "business_hours" in document:
        table = document["business_hours"]
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: business_hours must be a table ([business_hours])")
        try:
            config.week, config.holidays = parse_week(table)
        except ValueError as error:
            raise ConfigError(f"{source}: business_hours: {error}") from None
    if "ignore" in document:
        config.ignore = _patterns(document["ignore"], source)
    _staffing(document, config, source)
    if "mapping" in document:
        try:
            config.mappings = mappings_from_config(document["mapping"], source.name)
        except MappingError as error:
            raise ConfigError(f"{source}: {error}") from None
    if "alert" in document:
        try:
            config.alerts = rules_from_config(document["alert"], parse_duration)
        except RuleError as error:
            raise ConfigError(f"{source}: {error}") from None
    if "on_alert" in document:
        config.on_alert = _command(document["on_alert"], source)
    if "on_alert_timeout" in document:
        config.on_alert_timeout = _seconds(document["on_alert_timeout"], source, "on_alert_timeout")
    if "themes" in document:
        try:
            config.themes = themes_from_config(document["themes"])
        except ThemeError as error:
            raise ConfigError(f"{source}: {error}") from None
    return config


STAFFING_INTERVALS = (30 * 60, 60 * 60)


def _staffing(document: dict[str, object], config: Config, source: Path) -> None:
    if "staffing_interval" in document:
        value = document["staffing_interval"]
        try:
            seconds = parse_duration(value)  # type: ignore[arg-type]
        except ValueError as error:
            raise ConfigError(f"{source}: staffing_interval: {error}") from None
        if seconds not in STAFFING_INTERVALS:
            raise ConfigError(f"{source}: staffing_interval must be '30m' or '60m', not {value!r}")
        config.staffing_interval = str(value)
    if "staffing_service_level" in document:
        config.staffing_service_level = _ranged(
            document["staffing_service_level"], source, "staffing_service_level", 0.0, 0.999
        )
    if "staffing_max_occupancy" in document:
        config.staffing_max_occupancy = _ranged(
            document["staffing_max_occupancy"], source, "staffing_max_occupancy", 0.01, 1.0
        )
    if "staffing_shrinkage" in document:
        config.staffing_shrinkage = _ranged(
            document["staffing_shrinkage"], source, "staffing_shrinkage", 0.0, 0.95
        )


def _command(value: object, source: Path) -> tuple[str, ...]:
    """A program and its arguments: a list, or one string split as a shell would (shlex),
    though no shell ever runs it."""
    try:
        argv = shlex.split(value) if isinstance(value, str) else value
    except ValueError as error:
        raise ConfigError(f"{source}: on_alert: cannot split {value!r}: {error}") from None
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ConfigError(
            f'{source}: on_alert must be a command, such as on_alert = ["notify", "--chat"]'
        )
    if not argv[0].strip():
        raise ConfigError(f"{source}: on_alert names no program")
    return tuple(argv)


def _patterns(value: object, source: Path) -> tuple[str, ...]:
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not all(isinstance(p, str) and p.strip() for p in listed):
        raise ConfigError(
            f'{source}: ignore must list file patterns, such as ignore = ["users*.csv"]'
        )
    return tuple(p.strip() for p in listed)


def _reject_unknown(table: dict[str, object], known: set[str], source: Path, prefix: str) -> None:
    for key in table:
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(f"{source}: unknown key {prefix + key!r}; known keys: {choices}")


def _timezone(value: object, source: Path) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{source}: timezone must be a name such as 'Europe/London'")
    if value == "UTC":
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{source}: timezone {value!r} is not a known time zone") from None
    return value


def _seconds(value: object, source: Path, key: str) -> int:
    """Whole seconds, given as a number or a duration such as "4h"."""
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError as error:
            raise ConfigError(f"{source}: {key}: {error}") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{source}: {key} must be whole seconds or a duration such as '4h'")
    if value <= 0:
        raise ConfigError(f"{source}: {key} must be more than zero seconds, not {value}")
    return value


def _channels(value: object, source: Path) -> tuple[str, ...]:
    """Channel names as the tickets spell them (case matters, as in a filter)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f"{source}: live_channels must be a list of channel names such as ['phone', 'chat']"
        )
    return tuple(dict.fromkeys(value))


def _count(value: object, source: Path, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{source}: {key} must be a whole number of tickets (0 or more)")
    return value


def _ranged(value: object, source: Path, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{source}: {key} must be a number from {low:g} to {high:g}")
    if not low <= value <= high:
        raise ConfigError(f"{source}: {key} must be from {low:g} to {high:g}, not {value}")
    return float(value)


def _thresholds(table: object, source: Path) -> Thresholds:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: thresholds must be a table ([thresholds])")
    _reject_unknown(table, {f.name for f in fields(Thresholds)}, source, "thresholds.")
    thresholds = Thresholds()
    for key, value in table.items():
        metric = key.rsplit("_", 1)[0]
        name = f"thresholds.{key}"
        if key in _MINIMUMS:
            setattr(thresholds, key, _count(value, source, name))
        elif metric in _SECONDS_THRESHOLDS:
            setattr(thresholds, key, _seconds(value, source, name))
        elif metric in _COUNT_THRESHOLDS:
            setattr(thresholds, key, _count(value, source, name))
        else:
            low, high = _RANGES[metric]
            setattr(thresholds, key, _ranged(value, source, name, low, high))
    for metric in {f.name.rsplit("_", 1)[0] for f in fields(Thresholds) if f.name not in _MINIMUMS}:
        warn = getattr(thresholds, f"{metric}_warn")
        bad = getattr(thresholds, f"{metric}_bad")
        if metric in _HIGHER_IS_WORSE and bad < warn:
            raise ConfigError(
                f"{source}: thresholds.{metric}_bad ({bad:g}) must not be below "
                f"{metric}_warn ({warn:g}): a higher value is worse"
            )
        if metric not in _HIGHER_IS_WORSE and bad > warn:
            raise ConfigError(
                f"{source}: thresholds.{metric}_bad ({bad:g}) must not be above "
                f"{metric}_warn ({warn:g}): a lower value is worse"
            )
    return thresholds
