"""`[[alert]]` rules and `on_alert` in cxtui.toml: what is read, and the one-line errors that
name the rule; and the `alerts` key `cxtui report --format json` gains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxtui.alert_rules import FIGURES, Rule
from cxtui.config import ConfigError, Thresholds, load_config
from tests.cli_helpers import run_cli

RULE = """
[[alert]]
name = "Billing breaches"
metric = "sla_breached"
queue = "billing"
comparison = "above"
threshold = 5
clear = 2
for = "5m"
severity = "critical"
quiet_hours = "22:00-07:00"
bell = true
"""


@pytest.fixture(autouse=True)
def _empty_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cxtui.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rule_is_read_with_every_key(tmp_path: Path) -> None:
    config = load_config(None, _config(tmp_path, RULE))
    assert config.alerts == (
        Rule(
            name="Billing breaches",
            metric="sla_breached",
            comparison="above",
            threshold=5.0,
            clear=2.0,
            for_seconds=300,
            severity="critical",
            queue="billing",
            quiet_hours=(22 * 60, 7 * 60),
            bell=True,
        ),
    )


def test_defaults_clear_at_the_threshold_at_once_as_a_warning(tmp_path: Path) -> None:
    text = (
        '[[alert]]\nname = "Slow"\nmetric = "first_response_median"\n'
        'comparison = "above"\nthreshold = "30m"\nwindow = "24h"\n'
    )
    (rule,) = load_config(None, _config(tmp_path, text)).alerts
    assert (rule.threshold, rule.clear, rule.for_seconds) == (1800.0, 1800.0, 0)
    assert (rule.severity, rule.bell, rule.scope) == ("warning", False, "overall")
    assert rule.window == "24h"


def test_on_alert_is_split_without_a_shell_or_taken_as_a_list(tmp_path: Path) -> None:
    text = 'on_alert = "notify --room \'floor one\'"\non_alert_timeout = "30s"\n'
    config = load_config(None, _config(tmp_path, text))
    assert config.on_alert == ("notify", "--room", "floor one")
    assert config.on_alert_timeout == 30
    listed = load_config(None, _config(tmp_path, 'on_alert = ["notify", "a;b"]\n'))
    assert listed.on_alert == ("notify", "a;b")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('metric = "service_level"', "threshold for service level must be from 0 to 1"),
        ('metric = "waiting"', "alert 'Billing breaches': metric must be one of open_queue"),
        ('comparison = "over"', "alert 'Billing breaches': comparison must be 'above' or"),
        ("clear = 7", "alert 'Billing breaches': clear (7) must not be above threshold (5)"),
        ('severity = "page"', "alert 'Billing breaches': severity must be 'warning' or"),
        ('quiet_hours = "22-07"', "alert 'Billing breaches': quiet_hours must be a range"),
        ('for = "soon"', "alert 'Billing breaches': for: cannot read duration 'soon'"),
        ('bell = "yes"', "alert 'Billing breaches': bell must be true or false"),
        ('queue = ""', "alert 'Billing breaches': queue must be a queue name"),
        ("colour = 1", "alert 'Billing breaches': unknown key 'colour'"),
        ('name = ""', "alert #1: name is missing"),
    ],
)
def test_a_bad_rule_is_one_line_naming_it(tmp_path: Path, change: str, message: str) -> None:
    key = change.split(" = ")[0]
    lines = [line for line in RULE.splitlines() if not line.startswith(f"{key} =")]
    path = _config(tmp_path, "\n".join([*lines, change]) + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(None, path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_two_rules_of_one_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="another alert has the same name"):
        load_config(None, _config(tmp_path, RULE + RULE))


def test_on_alert_must_name_a_program(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="on_alert must be a command"):
        load_config(None, _config(tmp_path, "on_alert = []\n"))
    with pytest.raises(ConfigError, match="on_alert: cannot split"):
        load_config(None, _config(tmp_path, 'on_alert = "notify \'open"\n'))


def test_the_cli_stops_with_exit_2_and_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _config(folder, RULE.replace("threshold = 5", "threshold = -1"))
    outcome = run_cli("report", str(folder), "--db", str(tmp_path / "x.db"))
    assert outcome.code == 2
    assert outcome.stderr.count("\n") == 1
    assert "alert 'Billing breaches': threshold for SLA breached must be at least 0" in (
        outcome.stderr
    )


def test_every_figure_reads_a_real_dashboard_field() -> None:
    """Each figure's paths exist on a Dashboard and its minimum is a known threshold metric
    (or none), so a rule can never point at nothing."""
    from cxtui.metrics import Dashboard

    for name, figure in FIGURES.items():
        top = figure.value.split(".")[0]
        assert top in Dashboard.__dataclass_fields__, name
        if figure.minimum:
            assert Thresholds().minimum(figure.minimum) > 0, name


def test_report_json_gains_the_rules_states(tmp_path: Path) -> None:
    """The fixed folder: three open tickets, two past their first-reply due time."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text(
        "id,created_at,status,channel,queue,first_response_due_at\n"
        "A,2026-03-01T08:00:00Z,open,email,billing,2026-03-01T09:00:00Z\n"
        "B,2026-03-01T08:00:00Z,open,email,billing,2026-03-01T09:00:00Z\n"
        "C,2026-03-01T08:00:00Z,open,email,tech,2026-03-02T09:00:00Z\n",
        encoding="utf-8",
    )
    _config(
        folder,
        RULE.replace("threshold = 5", "threshold = 1").replace("clear = 2", "clear = 0")
        + '\n[[alert]]\nname = "Tech"\nmetric = "sla_breached"\nqueue = "tech"\n'
        'comparison = "above"\nthreshold = 0\n'
        '\n[[alert]]\nname = "Queue"\nmetric = "open_queue"\ncomparison = "above"\n'
        "threshold = 2\n"
        '\n[[alert]]\nname = "NPS"\nmetric = "nps"\ncomparison = "below"\nthreshold = 0\n',
    )
    outcome = run_cli(
        "report",
        str(folder),
        "--db",
        str(tmp_path / "x.db"),
        "--as-of",
        "2026-03-01T12:00:00Z",
        "--format",
        "json",
    )
    assert outcome.code == 0, outcome.stderr
    report = json.loads(outcome.stdout)
    assert report["queue"]["sla_breached"] == 2  # the report's own keys are all still there
    states = {a["rule"]: (a["state"], a["value"]) for a in report["alerts"]}
    assert states == {
        "Billing breaches": ("pending", 2.0),  # 2 > 1, but it must hold for 5 minutes
        "Tech": ("ok", 0.0),  # C is due tomorrow
        "Queue": ("firing", 3.0),
        "NPS": ("not_judged", None),  # no answers at all
    }
    first = report["alerts"][0]
    assert first["scope"] == {"queue": "billing"}
    assert (first["threshold"], first["clear"], first["severity"]) == (1.0, 0.0, "critical")


def test_report_table_ends_with_the_rules(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text(
        "id,created_at,status,channel,queue\nA,2026-02-26T08:00:00Z,open,email,billing\n",
        encoding="utf-8",
    )
    _config(
        folder,
        '[[alert]]\nname = "Old"\nmetric = "oldest_open"\ncomparison = "above"\n'
        'threshold = "2d"\nseverity = "critical"\n'
        '[[alert]]\nname = "CSAT"\nmetric = "csat"\ncomparison = "below"\nthreshold = 80\n',
    )
    outcome = run_cli(
        "report", str(folder), "--db", str(tmp_path / "x.db"), "--as-of", "2026-03-01T12:00:00Z"
    )
    assert outcome.code == 0, outcome.stderr
    # A was opened 3 days 4 hours before the report's moment.
    assert outcome.stdout.endswith(
        "Alerts\n"
        "  Old   FIRING critical: oldest open 3d 04h above 2d 00h\n"
        "  CSAT  NOT JUDGED warning: CSAT — below 80.0 % (n=0, minimum 30)\n"
    )


def test_report_json_has_an_empty_alerts_list_without_rules(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    outcome = run_cli("report", str(folder), "--db", str(tmp_path / "x.db"), "--format", "json")
    assert json.loads(outcome.stdout)["alerts"] == []
