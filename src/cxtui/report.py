"""The people-facing table of `cxtui report`: aligned, with units, from the same Dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cxtui.alert_rules import FIGURES
from cxtui.metrics import Change, Dashboard, FirstResponse
from cxtui.safe_text import visible


def plural(count: int, noun: str) -> str:
    """ "1 row", "2 rows", "1,200 rows": never "row(s)", which makes a person do the work."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def duration(seconds: float | None) -> str:
    """A duration in its two largest units, the smaller one cut (not rounded) and two digits
    wide: 45s, 4m 05s, 1h 44m, 1d 21h.

    The one way cxtui writes a wait, an age or a gap, in this table and on every screen
    (docs/metrics.md, "How durations are written")."""
    if seconds is None:
        return "—"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f} %"


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def interval(bounds: tuple[float, float] | None, scale: float = 1, unit: str = "") -> str:
    """A 95% interval as "21.0 to 100.0 %"; scale 100 turns fractions into percent."""
    if bounds is None:
        return "—"
    low, high = bounds
    return f"{scale * low:.1f} to {scale * high:.1f}{unit}"


def _replies(group: FirstResponse | None) -> str:
    if group is None:
        return "—"
    return (
        f"median {duration(group.median_seconds)}, p90 {duration(group.p90_seconds)}"
        f" (n={group.count})"
    )


def points(rate: float | None) -> str:
    """A difference of two rates, in percentage points."""
    return "—" if rate is None else f"{100 * rate:.1f} pts"


def _change(
    change: Change | None,
    show: Callable[[float | None], str],
    difference: Callable[[float | None], str] | None = None,
) -> str:
    """Before, then the difference with its sign, then (surveys) whether it is significant."""
    if change is None or change.difference is None:
        return "—"
    text = f"{show(change.previous)} before, {'+' if change.difference >= 0 else '-'}"
    text += (difference or show)(abs(change.difference))
    if change.significant is not None:
        text += (
            f" (significant: > ±{change.margin_95:.1f})"
            if change.significant
            else f" (no significant change: ±{change.margin_95:.1f})"
        )
    return text


def _counts(values: dict[str, int]) -> str:
    """Counts by a value from the files (a queue, a status), each value on this one line."""
    by_size = sorted(values.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{visible(k)} {v}" for k, v in by_size) or "—"


def _left_out(tickets: int) -> str:
    return f"{tickets} (left out of the times above)" if tickets else "0"


def report_table(d: Dashboard) -> str:
    """Every headline number of the dashboard as an aligned two-column table."""
    as_of = datetime.fromtimestamp(d.as_of, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    q, fr, res = d.queue, d.first_response, d.resolution
    buckets = d.queue.age_buckets
    live = ", ".join(d.live_channels) or "none"
    changes = d.changes
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "Report",
            [
                ("as of", as_of),
                ("window", duration(d.window_seconds)),
                ("clock", f"{d.clock} time (first response and resolution)"),
            ],
        ),
        (
            "Queue",
            [
                ("open", str(q.open)),
                ("by status", _counts(q.by_status)),
                ("by priority", _counts(q.by_priority)),
                ("by channel", _counts(q.by_channel)),
                ("by queue", _counts(q.by_queue)),
                ("awaiting first response", str(q.awaiting_first_response)),
                (
                    "age <1h / 1-4h / 4-24h / 1-7d / >7d",
                    " / ".join(
                        str(buckets[k]) for k in ("lt_1h", "1h_4h", "4h_24h", "1d_7d", "gt_7d")
                    ),
                ),
                ("oldest open", duration(q.oldest_open_age_seconds)),
                ("SLA breached", str(q.sla_breached)),
                ("SLA at risk (next hour)", str(q.sla_at_risk)),
            ],
        ),
        (
            "First response",
            [
                ("tickets", str(fr.count)),
                ("median", duration(fr.median_seconds)),
                ("p90", duration(fr.p90_seconds)),
                ("mean", duration(fr.mean_seconds)),
                (f"live ({live})", _replies(d.first_response_live)),
                ("async (every other channel)", _replies(d.first_response_async)),
            ],
        ),
        (
            "Resolution",
            [
                ("created / resolved", f"{res.created} / {res.resolved}"),
                ("resolution rate", percent(res.rate)),
                (
                    "solved in window (flow)",
                    f"{res.resolved_in_window} ({percent(res.flow_rate)} of created)",
                ),
                ("median time to resolve", duration(res.median_seconds)),
                ("p90 time to resolve", duration(res.p90_seconds)),
                ("first-contact resolution", percent(res.fcr_rate)),
                ("reopen rate", percent(res.reopen_rate)),
                ("mean handle time", duration(d.handle_time.mean_seconds)),
            ],
        ),
        (
            f"Live channels ({live})",
            [
                (
                    "abandoned / offered",
                    f"{d.abandonment.abandoned} / {d.abandonment.offered}"
                    f" ({percent(d.abandonment.rate)};"
                    f" 95% {interval(d.abandonment.interval_95, 100, ' %')})",
                ),
                (
                    f"service level (≤ {d.service_level.target_seconds}s)",
                    f"{percent(d.service_level.rate)}"
                    f" (95% {interval(d.service_level.interval_95, 100, ' %')})",
                ),
            ],
        ),
        (
            "Experience",
            [
                (
                    "NPS",
                    f"{number(d.nps.score)} ± {number(d.nps.margin_95)} (n={d.nps.responses})",
                ),
                ("NPS 95% interval (adjusted Wald)", interval(d.nps.interval_95)),
                (
                    "CSAT",
                    f"{number(d.csat.score_pct)} ± {number(d.csat.margin_95)} % satisfied,"
                    f" mean {number(d.csat.mean, 2)}"
                    f" (n={d.csat.responses})",
                ),
                ("CSAT 95% interval (Wilson)", interval(d.csat.interval_95, unit=" %")),
                ("CES", f"mean {number(d.ces.mean, 2)} (n={d.ces.responses})"),
            ],
        ),
        (
            "Change against the previous window",
            [
                (
                    "median first response",
                    _change(changes.get("first_response_median_seconds"), duration),
                ),
                ("resolution rate", _change(changes.get("resolution_rate"), percent, points)),
                ("abandonment rate", _change(changes.get("abandonment_rate"), percent, points)),
                ("service level", _change(changes.get("service_level_rate"), percent, points)),
                ("NPS", _change(changes.get("nps_score"), number)),
                ("CSAT % satisfied", _change(changes.get("csat_score_pct"), number)),
            ],
        ),
        (
            "Data",
            [
                ("quarantined rows", str(d.quarantine_rows)),
                (
                    "first reply before created",
                    _left_out(d.data_quality.first_response_before_created),
                ),
                ("resolved before created", _left_out(d.data_quality.resolved_before_created)),
                *_waiting(d.events_waiting),
            ],
        ),
    ]
    width = max(len(label) for _, rows in sections for label, _ in rows)
    lines: list[str] = []
    for title, rows in sections:
        lines.append(title)
        lines.extend(f"  {label:<{width}}  {value}" for label, value in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _figure(unit: str, value: float | None) -> str:
    """An alert figure in its unit, as the table above writes it."""
    if value is None:
        return "—"
    shown: dict[str, Callable[[float], str]] = {
        "seconds": duration,
        "rate": percent,
        "score": number,
        "percent": lambda v: f"{v:.1f} %",
        "mean": lambda v: number(v, 2),
    }
    return shown.get(unit, lambda v: f"{v:g}")(value)


def alerts_table(states: list[dict[str, Any]]) -> str:
    """The `[[alert]]` rules, each on one line: state, severity, figure against its line."""
    if not states:
        return ""
    width = max(len(visible(s["rule"])) for s in states)
    lines = ["Alerts"]
    for s in states:
        unit = FIGURES[s["metric"]].unit
        sample = "" if s["n"] is None else f" (n={s['n']}, minimum {s['minimum_n']})"
        lines.append(
            f"  {visible(s['rule']):<{width}}  {s['state'].upper().replace('_', ' ')}"
            f" {s['severity']}: {s['label']} {_figure(unit, s['value'])}"
            f" {s['comparison']} {_figure(unit, s['threshold'])}{sample}"
        )
    return "\n".join(lines) + "\n"


def _waiting(events: int) -> list[tuple[str, str]]:
    """A line only for a folder with event logs whose tickets are not all loaded yet."""
    return [("events waiting for their ticket", f"{events:,}")] if events else []
