"""How soon a refresh asked for by new data may start: a share of a core, not more.

A folder that grows all day commits several times a second, and every commit asks for the
panes to be recomputed; on a big database each recompute costs a tenth of a second or more of
CPU, so a viewer that followed every commit would keep a core busy watching. Refreshing
spends from an allowance of CPU seconds that fills at BUDGET of a core up to BURST. After a
quiet spell the allowance is full and a change refreshes at once (the latency a supervisor
sees); while rows keep landing, refreshes come as often as the allowance pays for them, and
never further apart than MAX_WAIT, so the screen stays at most that far behind.

Only refreshes asked for by the data (and the minute tick) wait for the allowance; what the
supervisor asks for (another window, a filter, a moment) starts at once, and its cost is
charged like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BUDGET = 0.06
"""Share of one core that refreshing may spend while rows keep landing."""
BURST = 1.0
"""CPU seconds the allowance holds when full: a few refreshes at once after a quiet spell."""
MAX_WAIT = 10.0
"""The longest a refresh waits for the allowance, whatever the last one cost."""


@dataclass
class RefreshPace:
    """The allowance of CPU seconds for refreshing, on a clock the caller passes in."""

    budget: float = BUDGET
    burst: float = BURST
    max_wait: float = MAX_WAIT
    allowance: float = field(init=False)
    """Full to start with: the first refresh is never paced."""
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.allowance = self.burst

    def _fill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.allowance = min(self.burst, self.allowance + self.budget * (now - self.updated))
        if self.updated is None or now > self.updated:
            self.updated = now

    def spent(self, cpu_seconds: float, now: float) -> None:
        """A refresh finished at `now` having cost `cpu_seconds`."""
        self._fill(now)
        # A debt beyond one longest wait is forgiven, which caps the wait: however costly a
        # refresh, the screen stays at most max_wait behind.
        self.allowance = max(self.allowance - cpu_seconds, -self.budget * self.max_wait)

    def wait(self, now: float) -> float:
        """Seconds from `now` until a paced refresh may start."""
        self._fill(now)
        return max(0.0, -self.allowance / self.budget)
