"""The SLA verdict (cxtui.sla) in words, one wording for the lists and the ticket screen."""

from __future__ import annotations

from cxtui.sla import Promise, SlaVerdict
from cxtui.tui import formatting as fmt

STATE_CELLS: dict[str, tuple[str, str]] = {
    "breached": ("BREACH", "bad"),
    "at_risk": ("risk", "warn"),
    "missed": ("missed", "bad"),
    "on_track": ("ok", "dim"),
    "met": ("met", "dim"),
    "none": ("", ""),
}
"""A ticket's state as a short list cell and its role colour."""

STATE_WORDS = {
    "breached": "breached (overdue now)",
    "at_risk": "at risk (due within the hour)",
    "missed": "missed (a due time was missed)",
    "on_track": "on track",
    "met": "met",
    "none": "no due time",
}


def due_cell(sla: SlaVerdict, as_of: int) -> tuple[str, str]:
    """When the next promise falls due ("in 12m", "overdue 2h 10m"), or how it ended."""
    if sla.next_due_at is not None:
        left = sla.next_due_at - as_of
        if left < 0:
            return f"overdue {fmt.duration(-left)}", "bad"
        return f"in {fmt.duration(left)}", "warn" if sla.state == "at_risk" else ""
    if sla.state in ("met", "missed"):
        return STATE_CELLS[sla.state]
    return "", ""


def promise_text(promise: Promise, as_of: int) -> tuple[str, str]:
    """How a first reply or a resolution stands against its due time, and its role colour."""
    due, done = promise.due_at, promise.done_at
    if due is None:
        return "no due time", "dim"
    if promise.state == "met" and done is not None:
        return f"met, {fmt.duration(due - done)} before due", "ok"
    if promise.state == "missed":
        if done is None:
            return f"missed: finished without it, due {fmt.duration(as_of - due)} ago", "bad"
        return f"missed by {fmt.duration(done - due)}", "bad"
    if promise.state == "overdue":
        return f"not yet, overdue by {fmt.duration(as_of - due)}", "bad"
    if promise.state in ("at_risk", "pending"):
        role = "warn" if promise.state == "at_risk" else ""
        return f"not yet, due in {fmt.duration(due - as_of)}", role
    return "not judged: the ticket ended without it", "dim"
