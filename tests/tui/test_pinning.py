"""When the app moves the moment the numbers are for by itself, and when it only says so."""

from __future__ import annotations

import pytest

from cxtui.tui.pinning import LIVE, AsOf, arriving, follow_data, given

NOW = 1_000_000
WEEK = 7 * 86_400
OLD = NOW - 10 * 86_400  # older than the week ending now
RECENT = NOW - 3_600  # inside it


@pytest.mark.parametrize(
    ("before", "latest", "opening", "after"),
    [
        # Opening: old data pins, recent data stays (or goes back to) live.
        (LIVE, OLD, True, AsOf("latest", OLD)),
        (LIVE, RECENT, True, LIVE),
        (AsOf("latest", OLD - 60), RECENT, True, LIVE),
        (LIVE, None, True, LIVE),
        # Pinned at the latest data, newer but still old data moves the pin, opening or not.
        (AsOf("latest", OLD - 60), OLD, False, AsOf("latest", OLD)),
        # Once open, recent rows leave the pin where it is (arriving says so) ...
        (AsOf("latest", OLD), RECENT, False, AsOf("latest", OLD)),
        # ... and live stays live, whatever the data.
        (LIVE, OLD, False, LIVE),
        # What the supervisor chose is never undone.
        (AsOf("live", chosen=True), OLD, True, AsOf("live", chosen=True)),
        (AsOf("latest", OLD, chosen=True), RECENT, True, AsOf("latest", OLD, chosen=True)),
        (given(OLD - 86_400), OLD, True, given(OLD - 86_400)),
    ],
)
def test_follow_data(before: AsOf, latest: int | None, opening: bool, after: AsOf) -> None:
    assert follow_data(before, latest, NOW, WEEK, opening=opening) == after


def test_arriving_means_newer_than_the_pin_and_inside_the_live_window() -> None:
    assert arriving(AsOf("latest", OLD), RECENT, NOW, WEEK)
    assert arriving(given(OLD), RECENT, NOW, WEEK)
    assert not arriving(AsOf("latest", OLD), OLD, NOW, WEEK)  # nothing newer
    assert not arriving(AsOf("latest", OLD - 60), OLD, NOW, WEEK)  # newer, but not live
    assert not arriving(given(NOW), RECENT, NOW, WEEK)  # the pin is ahead of the data
    assert not arriving(LIVE, RECENT, NOW, WEEK)
