"""The cxtui app: owns the window, the filters and the refresh cycle; screens only draw.

Refreshing works like a single-lane road. Anything that may have moved the numbers (a
committed batch, another process's commit, the minute tick) only *asks* for a refresh. One
refresh runs at a time in a worker thread; asks that arrive meanwhile collapse into one
follow-up, started no sooner than a gap after the last began: at least REFRESH_GAP, and at
least twice as long as the last refresh took, so refreshing never takes more than half a
core however fast rows land. A slow query delays the next refresh instead of stacking a
queue of them; a quick one (the usual case) keeps the screen within a tenth of a second of
the data. While rows keep landing, refreshes asked for by the data also wait for an allowance
of CPU time (pace.py), so a viewer of a busy folder stays light; what the supervisor asks
for is shown at once.

The numbers are as of now (live), as of --as-of, as of the latest data (a folder whose rows
all predate the window opens there instead of on an empty screen, see pinning.py), or as of
a past moment travelled back to (b n B N @, see time_travel.py); L switches between live and
the latest data, and from the past goes live.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from textual import on, work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from cxtui import user_state
from cxtui.config import Config
from cxtui.ingest.loader import LoadResult
from cxtui.metrics import Filters, Window
from cxtui.queries import SurveyRow
from cxtui.store import open_engine
from cxtui.tui import formatting as fmt
from cxtui.tui import kiosk, live, pinning, source
from cxtui.tui.alerting import AlertsChanged, AlertWatch, OnAlertFinished
from cxtui.tui.base import CxScreen
from cxtui.tui.commands import JumpProvider
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.pace import RefreshPace
from cxtui.tui.panes import Pane
from cxtui.tui.pinning import AsOf
from cxtui.tui.source import Snapshot, View
from cxtui.tui.status_line import Status

WINDOWS = (24 * 3_600, 7 * 86_400, 30 * 86_400)
REFRESH_GAP = 0.1
REFRESH_SHARE = 0.5
"""The most of the time between two refresh starts that refreshing may take."""
TICK_SECONDS = 60.0
CLOCK_SECONDS = 1.0
"""How often the status line's wall clock looks at the time (it redraws once a minute)."""
HANGUP_EXIT_CODE = 128 + signal.SIGHUP
HANGUP_GRACE_SECONDS = 1.0


class DataCommitted(Message):
    """The folder watcher committed a batch of rows."""

    def __init__(self, result: LoadResult) -> None:
        super().__init__()
        self.result = result


class DatabaseChanged(Message):
    """Another process committed to the database."""


class DatabaseNotice(Message):
    """Something about the database the supervisor should know for the rest of the session:
    it was deleted or replaced and has been reopened, or it is read-only here."""

    def __init__(self, notice: str) -> None:
        super().__init__()
        self.notice = notice


class LoadProgressed(Message):
    """The backlog (first load or catch-up) has got this far."""

    def __init__(self, loading: live.Loading) -> None:
        super().__init__()
        self.loading = loading


class BacklogRead(Message):
    """The first pass over the folder is over: the figures stop being provisional."""


class BackgroundFailed(Message):
    """A background thread stopped; the status line says why."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class FilesSkipped(Message):
    """The files the watcher cannot load (file -> reason) changed."""

    def __init__(self, skipped: dict[str, str]) -> None:
        super().__init__()
        self.skipped = skipped


class SnapshotReady(Message):
    """A refresh finished; `view` and `as_of` are what it was computed for (either may have
    moved on since)."""

    def __init__(
        self,
        snapshot: Snapshot,
        view: View,
        as_of: AsOf,
        with_latest: bool,
        cpu_seconds: float = 0.0,
    ) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.view = view
        self.as_of = as_of
        self.with_latest = with_latest
        self.cpu_seconds = cpu_seconds
        """What computing it cost the worker thread."""


class SnapshotFailed(Message):
    """A refresh could not read the database."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class CxApp(App[int]):
    """The live supervisor dashboard over one database (and, with ingest, one folder)."""

    CSS_PATH = "app.tcss"
    TITLE = "cxtui"
    COMMANDS: ClassVar = App.COMMANDS | {JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Keys", key_display="?"),
        Binding("w", "cycle_window", "Window"),
        Binding("f", "filters", "Filters"),
        Binding("x", "quarantine", "Quarantine", show=False),
        Binding("S", "staffing", "Staffing", show=False),
        Binding("T", "comment_themes", "Comment themes", show=False),
        Binding("A", "agents", "Agents", show=False),
        Binding("exclamation_mark", "alerts", "Alerts", key_display="!", show=False),
        # One key, two meanings: only the one that applies is active (see check_action). The
        # dashboard's footer offers "L Live" while the numbers are pinned.
        Binding("l,L", "go_live", "Live", key_display="L", show=False),
        Binding("l,L", "pin_latest", "Latest data", key_display="L", show=False),
        # Time travel (time_travel.py): the whole screen as it stood earlier.
        Binding("b", "travel(-3600)", "Back 1h", show=False),
        Binding("n", "travel(3600)", "Forward 1h", show=False),
        Binding("B", "travel(-86400)", "Back 1 day", show=False),
        Binding("N", "travel(86400)", "Forward 1 day", show=False),
        Binding("at", "travel_to", "Go to a time", key_display="@", show=False),
    ]

    status: reactive[Status | None] = reactive(None)

    def __init__(
        self,
        *,
        engine: Engine,
        config: Config,
        window_seconds: int,
        as_of: int | None = None,
        data_dir: Path | None = None,
        ingest: bool = False,
        handle_hangup: bool = False,
        now: Callable[[], float] = time.time,
        theme: str | None = None,
        state_file: Path | None = None,
        kiosk: bool = False,
    ) -> None:
        super().__init__()
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # Off unless asked for: an animation over SSH is bytes spent on nothing.
            self.animation_level = "none"
        self.engine = engine
        self.config = config
        self.zone = ZoneInfo(config.timezone)
        self.now = now
        self.moment: AsOf = pinning.LIVE if as_of is None else pinning.given(as_of)
        self.travel_home: AsOf | None = None
        """Where time travel started from, while the moment is in the past."""
        self.latest: int | None = None
        """The newest moment in the data, when last read (only while it matters)."""
        self.arriving = False
        """Rows newer than the pinned moment are landing in the live window."""
        self.opened = False
        """The backlog is read and the moment to open at decided."""
        self._latest_wanted = False
        self.data_dir = data_dir
        self.ingest = ingest
        self.loading: live.Loading | None = (
            live.Loading() if ingest and data_dir is not None else None
        )
        self.handle_hangup = handle_hangup
        self.view = View(window_seconds)
        self.windows = tuple(sorted({*WINDOWS, window_seconds}))
        """What `w` steps through: the usual windows and the one the app opened with."""
        self.remembered_theme = theme
        self.state_file = state_file
        """Where the theme and window chosen are remembered (None: not remembered)."""
        self.kiosk = kiosk
        """Look around but change nothing (kiosk.py)."""
        self.generation = 0
        self.snapshot: Snapshot | None = None
        self.refreshing = False
        self.refreshes = 0
        self.last_change: int | None = None
        self.problem: str | None = None
        self.notice: str | None = None
        """Shown where problems are while there is none; unlike a problem, kept after the
        next refresh."""
        self.skipped: dict[str, str] = {}
        self.stop = threading.Event()
        self._refresh_wanted = False
        self._refresh_scheduled = False
        self._refresh_urgent = False
        """Something the supervisor did is waiting to be shown: not paced."""
        self._refresh_timer: Timer | None = None
        self.pace = RefreshPace()
        self._loop_cpu = time.thread_time()
        """The event loop's CPU seconds when the last refresh was charged to the pace."""
        self._last_refresh_started = 0.0
        self._last_refresh_seconds = 0.0
        self.commits = live.CommitWatch(engine)
        self.alerting = AlertWatch(config, self.zone)

    # --- the clock and the view ---------------------------------------------------------

    def as_of(self) -> int:
        """The moment the numbers are for: the pinned moment, or now."""
        if self.moment.at is not None:
            return self.moment.at
        return int(self.now())

    def window(self) -> Window:
        return Window(as_of=self.as_of(), seconds=self.view.window_seconds)

    def set_view(self, view: View) -> None:
        """Change the window or filters: every pane and the list in front follow at once."""
        if view == self.view:
            return
        self.view = view
        self.show_status()
        self.request_refresh()
        if isinstance(self.screen, CxScreen):
            self.screen.catch_up()

    def set_window(self, seconds: int) -> None:
        self.set_view(View(seconds, self.view.filters))
        self._remember(window=fmt.window_name(seconds))

    def set_filters(self, filters: Filters | None) -> None:
        if filters is not None:
            self.set_view(View(self.view.window_seconds, filters))

    # --- starting and stopping ----------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return DashboardScreen(self.config)

    @property
    def dashboard(self) -> DashboardScreen:
        return next(s for s in self.screen_stack if isinstance(s, DashboardScreen))

    def on_mount(self) -> None:
        if self.remembered_theme in self.available_themes:
            self.theme = self.remembered_theme
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember(theme=theme.name))
        self.show_status()
        self.request_refresh()
        self.set_interval(TICK_SECONDS, self._tick)
        self.set_interval(CLOCK_SECONDS, self._clock_tick)
        report = self._from_thread
        if self.alerting.active:
            self.alerting.start(self, self.now, report)
        if self.ingest and self.data_dir is not None:
            live.start_ingest(
                self.engine,
                self.data_dir,
                self.config,
                self.stop,
                on_commit=lambda result: report(DataCommitted(result)),
                on_error=lambda error: report(BackgroundFailed(error)),
                on_notice=lambda notice: report(DatabaseNotice(notice)),
                on_skipped=lambda skipped: report(FilesSkipped(skipped)),
                on_loading=lambda loading: report(LoadProgressed(loading)),
                on_loaded=lambda: report(BacklogRead()),
            )
        # Also with ingest on: when another cxtui already loads this folder, ours stands
        # aside and that process's commits are only seen here.
        live.start_poll(
            self.commits,
            self.stop,
            on_change=lambda: report(DatabaseChanged()),
            on_error=lambda error: report(BackgroundFailed(error)),
            on_reopen=lambda reason: report(DatabaseNotice(f"{reason} at {self._now_hhmm()}")),
        )
        if self.handle_hangup:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hang_up)

    @work(thread=True, group="remember", exit_on_error=False)
    def _remember(self, **changes: str) -> None:
        """Write the theme or window chosen to the state file, off the event loop."""
        if self.state_file is None:
            return
        try:
            user_state.remember(self.state_file, **changes)
        except OSError as exc:
            self._from_thread(DatabaseNotice(f"cannot remember settings: {exc.strerror or exc}"))

    def _now_hhmm(self) -> str:
        return fmt.moment(int(time.time()), self.zone)[11:]

    def _from_thread(self, message: Message) -> None:
        if not self.stop.is_set():
            self.post_message(message)

    def on_unmount(self) -> None:
        self.stop.set()
        if self.handle_hangup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    async def action_quit(self) -> None:
        self.stop.set()
        self.exit(0)

    def hang_up(self) -> None:
        """The terminal is gone: stop the threads, exit, and make sure the exit cannot stall.

        Textual restores the terminal as it exits. If its output thread already died writing
        to the dead terminal, that restore blocks for ever on the thread's full queue. So
        output goes to /dev/null from now on, and a guard thread first interrupts a stuck
        exit with SystemExit (callers' clean-up, such as the demo's temp folder, still runs)
        and, should even that stall, ends the process outright.
        """
        self.stop.set()
        detach_from_terminal()
        signal.signal(signal.SIGUSR1, _leave_after_hangup)
        threading.Thread(target=_guard_exit, name="cxtui-hangup-guard", daemon=True).start()
        self.exit(return_code=HANGUP_EXIT_CODE)

    # --- refreshing ---------------------------------------------------------------------

    @property
    def refresh_pending(self) -> bool:
        """A refresh is running or about to start (tests wait for this to clear)."""
        return self.refreshing or self._refresh_scheduled

    def request_refresh(self, paced: bool = False) -> None:
        """Ask for the panes to be recomputed; asks made while one runs become one follow-up.

        `paced`: asked by new data or the clock, so it may wait for the refresh allowance
        (pace.py); an ask that is not paced cuts such a wait short."""
        self._refresh_wanted = True
        self._refresh_urgent = self._refresh_urgent or not paced
        if self.refreshing:
            return
        if self._refresh_timer is not None and not paced:
            self._refresh_timer.stop()
            self._refresh_timer = None
            self._refresh_scheduled = False
        if self._refresh_scheduled:
            return
        self._refresh_scheduled = True
        now = time.monotonic()
        gap = max(REFRESH_GAP, self._last_refresh_seconds / REFRESH_SHARE)
        wait = self._last_refresh_started + gap - now
        if not self._refresh_urgent:
            wait = max(wait, self.pace.wait(now))
        if wait > 0:
            self._refresh_timer = self.set_timer(wait, self._start_refresh)
        else:
            self.call_next(self._start_refresh)

    def _start_refresh(self) -> None:
        self._refresh_scheduled = False
        self._refresh_timer = None
        if self.refreshing:
            return
        self._refresh_wanted = False
        self._refresh_urgent = False
        self.refreshing = True
        self._last_refresh_started = time.monotonic()
        # The newest moment costs a scan on a big database: read it only while it matters.
        with_latest = not self.opened or self.moment.pinned or self._latest_wanted
        self._compute(self.window(), self.view, self.moment, with_latest, self.loading is not None)

    @work(thread=True, group="dashboard", exit_on_error=False)
    def _compute(
        self, window: Window, view: View, moment: AsOf, with_latest: bool, provisional: bool
    ) -> None:
        started = time.thread_time()
        try:
            self.commits.mark_read()
            snapshot = source.snapshot(
                self.engine,
                window,
                view.filters,
                self.config,
                provisional=provisional,
                with_latest=with_latest,
            )
        except Exception as exc:  # shown in the status line; the next refresh tries again
            self._from_thread(SnapshotFailed(str(exc)))
            return
        cost = time.thread_time() - started
        self._from_thread(SnapshotReady(snapshot, view, moment, with_latest, cost))
        # Alerts judge the present: a trip to the past never rings, runs on_alert or clears.
        if self.alerting.active and moment.kind != "past":  # after the panes: a scan more
            outcome = self.alerting.look(self.engine, snapshot, window, view, self.now())
            self._from_thread(AlertsChanged(outcome))

    @on(SnapshotReady)
    def _snapshot_ready(self, message: SnapshotReady) -> None:
        self.refreshing = False
        self._last_refresh_seconds = time.monotonic() - self._last_refresh_started
        self.refreshes += 1
        current = message.view == self.view and message.as_of == self.moment
        if current and message.with_latest and self._follow_data(message.snapshot):
            current = False  # computed for the moment just left: show the next one instead
        if current:
            self.snapshot = message.snapshot
            self.problem = None
            self.dashboard.show(message.snapshot)
            self.show_status()
            if isinstance(self.screen, CxScreen):
                self.screen.catch_up()
        else:
            self._refresh_wanted = True
        # Charged: the worker's computing, and all the event loop did since the last charge
        # (drawing the last snapshot and this one among it).
        loop_cpu, self._loop_cpu = self._loop_cpu, time.thread_time()
        self.pace.spent(message.cpu_seconds + self._loop_cpu - loop_cpu, time.monotonic())
        if self._refresh_wanted:
            self.request_refresh(paced=not self._refresh_urgent)

    @on(SnapshotFailed)
    def _snapshot_failed(self, message: SnapshotFailed) -> None:
        self.refreshing = False
        self.problem = f"cannot read database: {message.error}"
        self.show_status()
        if self._refresh_wanted:
            self.request_refresh(paced=not self._refresh_urgent)

    @on(AlertsChanged)
    def _alerts_changed(self, message: AlertsChanged) -> None:
        self.alerting.announce(self, message.outcome, self._from_thread)
        self.show_alerts()

    @on(OnAlertFinished)
    def _on_alert_finished(self, message: OnAlertFinished) -> None:
        self.alerting.finished(message.run, message.failure)
        self.show_alerts()

    def show_alerts(self) -> None:
        """The status line, the panes and the alerts screen follow the alerts."""
        from cxtui.tui.alerts_screen import AlertsScreen

        self.show_status()
        self.alerting.mark(self.dashboard.panes)
        if isinstance(self.screen, AlertsScreen):
            self.screen.show_alerts()

    @on(DataCommitted)
    def _data_committed(self, message: DataCommitted) -> None:
        self._data_moved()

    @on(DatabaseChanged)
    def _database_changed(self) -> None:
        self._data_moved()

    def _data_moved(self) -> None:
        self.last_change = int(self.now())
        self.generation += 1
        self.request_refresh(paced=True)

    @on(DatabaseNotice)
    def _database_notice(self, message: DatabaseNotice) -> None:
        self.notice = message.notice
        self.show_status()

    def _follow_data(self, snapshot: Snapshot) -> bool:
        """Decide the moment from the newest data; True when it moved (the snapshot is stale).

        Called only for snapshots that read the newest moment."""
        latest = self.latest = snapshot.latest_activity
        now, seconds = int(self.now()), self.view.window_seconds
        if self._latest_wanted:
            self._latest_wanted = False
            moment = self.moment if latest is None else AsOf("latest", latest, chosen=True)
        else:
            moment = pinning.follow_data(self.moment, latest, now, seconds, opening=not self.opened)
        if not snapshot.provisional:
            self.opened = True
        arriving = pinning.arriving(moment, latest, now, seconds)
        if arriving != self.arriving:
            self.arriving = arriving
            self.show_status()
        if moment == self.moment:
            return False
        self.moment = moment
        self._moment_moved()
        return True

    def _moment_moved(self) -> None:
        """Every pane and the list in front follow a new moment, as they follow new data."""
        self.refresh_bindings()
        self.generation += 1
        self.show_status()
        self.request_refresh()
        if isinstance(self.screen, CxScreen):
            self.screen.catch_up()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_live":
            return self.moment.pinned
        if action == "pin_latest":
            return not self.moment.pinned
        return True

    def action_go_live(self) -> None:
        """L while pinned: the numbers follow the clock again, and stay live."""
        self.moment = AsOf("live", chosen=True)
        self.travel_home = None
        self.arriving = False
        self._moment_moved()

    def action_travel(self, seconds: int) -> None:
        """b n B N: the whole screen an hour or a day earlier or later, never past the present."""
        from cxtui.tui import time_travel

        home = time_travel.home_of(self.moment, self.travel_home)
        self._travel(time_travel.step(self.moment, home, seconds, int(self.now())), home)

    def action_travel_to(self) -> None:
        """@: the whole screen at a typed time."""
        from cxtui.tui import time_travel

        home = time_travel.home_of(self.moment, self.travel_home)
        now = int(self.now())
        dialog = time_travel.TimeTravelScreen(
            self.zone, time_travel.present(home, now), self.as_of()
        )

        def chosen(at: int | None) -> None:
            if at is not None:
                self._travel(time_travel.arrive(at, home, int(self.now())), home)

        if not isinstance(self.screen, time_travel.TimeTravelScreen):
            self.push_screen(dialog, chosen)

    def _travel(self, moment: AsOf, home: AsOf) -> None:
        if moment == self.moment:
            self.notify("Already there: time travel goes no further than the present", timeout=2)
            return
        self.travel_home = home if moment.kind == "past" else None
        self.moment = moment
        self.arriving = False
        self._moment_moved()

    def action_pin_latest(self) -> None:
        """L while live: pin the numbers at the latest data, once a refresh has read it."""
        self._latest_wanted = True
        self.request_refresh()

    @on(LoadProgressed)
    def _load_progressed(self, message: LoadProgressed) -> None:
        if self.loading is not None:
            self.loading = message.loading
            self.show_status()

    @on(BacklogRead)
    def _backlog_read(self) -> None:
        self.loading = None
        self.show_status()
        self.request_refresh()

    @on(BackgroundFailed)
    def _background_failed(self, message: BackgroundFailed) -> None:
        self.problem = message.error
        self.show_status()

    @on(FilesSkipped)
    def _files_skipped(self, message: FilesSkipped) -> None:
        self.skipped = message.skipped
        self.show_status()

    def _tick(self) -> None:
        """Once a minute ages and windows move on with the clock (unless it is pinned)."""
        if not self.moment.pinned:
            self.generation += 1
            self.request_refresh(paced=True)

    def _clock_tick(self) -> None:
        """The wall clock in the status line shows minutes: redraw when the minute turns."""
        status = self.status
        if status is not None and int(self.now()) // 60 != status.wall_clock // 60:
            self.show_status()

    def show_status(self) -> None:
        snapshot = self.snapshot
        folder = str(self.data_dir) if self.data_dir is not None else "(database only)"
        home = str(Path.home())
        if folder.startswith(home + os.sep):
            folder = "~" + folder[len(home) :]
        self.status = Status(
            folder=folder,
            window_seconds=self.view.window_seconds,
            filters=self.view.filters,
            rows_loaded=None if snapshot is None else snapshot.rows_loaded,
            last_change=self.last_change,
            quarantined=None if snapshot is None else snapshot.board.quarantine_rows,
            wall_clock=int(self.now()),
            as_of=self.moment,
            arriving=self.arriving,
            loading=self.loading,
            problem=self.problem or self.notice,
            skipped=tuple(self.skipped.items()),
            mask_pii=self.config.mask_pii,
            alert=self.alerting.banner(),
        )

    # --- going places -------------------------------------------------------------------
    # Each screen beyond the dashboard is imported where it is opened: the first frame needs
    # none of them, and leaving them (and their widgets) out shortens start-up.

    @on(Pane.OpenList)
    def _open_pane_list(self, message: Pane.OpenList) -> None:
        self.open_list(message.kind, message.sort)

    def open_list(self, kind: str, sort: str = "") -> None:
        """Push the list of `kind`, in `sort` order (the list's default when empty)."""
        from cxtui.tui.lists import SurveyListScreen, TicketListScreen

        self.push_screen(SurveyListScreen() if kind == "surveys" else TicketListScreen(kind, sort))

    def open_ticket(self, ticket_id: str) -> None:
        from cxtui.tui.ticket import TicketScreen

        self.push_screen(TicketScreen(ticket_id))

    def open_survey(self, survey: SurveyRow) -> None:
        from cxtui.tui.survey import SurveyScreen

        self.push_screen(SurveyScreen(survey))

    def open_journey(self, customer_id: str) -> None:
        from cxtui.tui.journey import JourneyScreen

        self.push_screen(JourneyScreen(customer_id))

    def action_quarantine(self) -> None:
        from cxtui.tui.quarantine import QuarantineScreen

        if not isinstance(self.screen, QuarantineScreen):
            self.push_screen(QuarantineScreen())

    def action_staffing(self) -> None:
        from cxtui.tui.staffing_screen import StaffingScreen

        if not isinstance(self.screen, StaffingScreen):
            self.push_screen(StaffingScreen())

    def action_comment_themes(self) -> None:
        from cxtui.tui.themes_screen import ThemesScreen

        if not isinstance(self.screen, ThemesScreen):
            self.push_screen(ThemesScreen())

    def action_agents(self) -> None:
        from cxtui.tui.agents_screen import AgentsScreen

        if not isinstance(self.screen, AgentsScreen):
            self.push_screen(AgentsScreen())

    def action_alerts(self) -> None:
        from cxtui.tui.alerts_screen import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen())

    def action_cycle_window(self) -> None:
        seconds = self.view.window_seconds
        following = [w for w in self.windows if w > seconds]
        self.set_window(following[0] if following else self.windows[0])

    def action_filters(self) -> None:
        from cxtui.tui.filters import FilterScreen

        if isinstance(self.screen, FilterScreen):
            return
        dialog = FilterScreen(
            self.view.filters, self.engine, self.config.mask_pii, self.config.segments
        )
        self.push_screen(dialog, self.set_filters)

    def action_help(self) -> None:
        from cxtui.tui.help import HelpScreen, keys_for

        if isinstance(self.screen, HelpScreen):
            return
        name = self.screen.help_name if isinstance(self.screen, CxScreen) else ""
        self.push_screen(HelpScreen(name, keys_for(self.screen)))

    def _check_action_state(self, action: str, default_namespace: DOMNode) -> bool | None:
        # Every footer, `?` list and key press asks here first: False hides the key.
        if self.kiosk and kiosk.changes_something(action):
            return False
        return super()._check_action_state(action, default_namespace)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        if self.kiosk and kiosk.changes_something(action):
            return False
        return await super().run_action(action, default_namespace, namespaces)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from cxtui.tui.lists import LIST_TITLES

        for seconds in self.windows:
            name = fmt.window_name(seconds)
            yield SystemCommand(
                f"Window: last {name}",
                f"Show the last {name} in every pane and list",
                partial(self.set_window, seconds),
            )
        yield SystemCommand(
            "Filters", "Choose a channel, queue, agent or priority", self.action_filters
        )
        yield SystemCommand("Clear filters", "Show everything again", self.clear_filters)
        yield SystemCommand(
            "Quarantined rows", "Rows the loader rejected, and why", self.action_quarantine
        )
        yield SystemCommand("Alerts", "Firing and past alerts; acknowledge", self.action_alerts)
        for kind in ("open", "first_response", "unresolved", "all", "surveys"):
            yield SystemCommand(
                f"List: {LIST_TITLES[kind]}",
                "Open this list",
                partial(self.open_list, kind),
            )
        if self.moment.pinned:
            yield SystemCommand("Live (now)", "The numbers follow the clock", self.action_go_live)
        else:
            yield SystemCommand(
                "Latest data", "Pin the numbers at the latest data", self.action_pin_latest
            )
        from cxtui.tui.time_travel import PALETTE_STEPS

        for title, seconds in PALETTE_STEPS:
            yield SystemCommand(
                title, "Every pane and list as it stood then", partial(self.action_travel, seconds)
            )
        yield SystemCommand(
            "Go to a time…",
            "Every pane and list as they stood at a time you type",
            self.action_travel_to,
        )
        yield SystemCommand(
            "Staffing now", "Agents the live channels need, with what-if", self.action_staffing
        )
        yield SystemCommand(
            "Comment themes",
            "What customers say: themes with NPS, CSAT and the change",
            self.action_comment_themes,
        )
        yield SystemCommand(
            "Agents", "One row per agent, queue, channel or survey segment", self.action_agents
        )
        yield SystemCommand("Keys", "Every key on this screen", self.action_help)
        # Textual's own (theme, quit, screenshot, maximize), but not its "Keys" panel: the
        # Keys above is this app's help.
        for command in super().get_system_commands(screen):
            if command.title != "Keys" and not (
                self.kiosk and command.title in kiosk.CHANGING_COMMANDS
            ):
                yield command

    def clear_filters(self) -> None:
        self.set_filters(Filters())


def _leave_after_hangup(_signum: int, _frame: object) -> None:
    raise SystemExit(HANGUP_EXIT_CODE)


def _guard_exit() -> None:
    time.sleep(HANGUP_GRACE_SECONDS)
    os.kill(os.getpid(), signal.SIGUSR1)
    time.sleep(HANGUP_GRACE_SECONDS)
    os._exit(HANGUP_EXIT_CODE)


def detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at /dev/null once the terminal has hung up.

    Textual restores the terminal as it exits; on a dead TTY those writes fail, its output
    thread dies and the exit then blocks on a full queue. Writing into /dev/null lets the
    normal exit run to the end, so the caller still gets to clean up (the demo's temp folder).
    """
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for stream in (sys.__stdin__, sys.__stdout__, sys.__stderr__):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    os.dup2(null, stream.fileno())
    finally:
        os.close(null)


def run_app(
    data_dir: Path,
    db_path: Path,
    *,
    window_seconds: int,
    as_of: int | None,
    config: Config,
    ingest: bool = True,
    theme: str | None = None,
    kiosk: bool = False,
) -> int:
    """Open the app full screen until the supervisor quits or the terminal goes away.

    Returns the exit status: 0 after `q`, 128+SIGHUP when the terminal hung up (or raises
    SystemExit with that status if Textual's own exit stalled on the dead terminal).
    """
    engine = open_engine(db_path, writable=ingest)
    app = CxApp(
        engine=engine,
        config=config,
        window_seconds=window_seconds,
        as_of=as_of,
        data_dir=data_dir,
        ingest=ingest,
        handle_hangup=True,
        theme=theme,
        # A kiosk's choices of theme and window are its own, not the account's next default.
        state_file=None if kiosk else user_state.state_path(),
        kiosk=kiosk,
    )
    try:
        app.run()
    finally:
        app.stop.set()
        engine.dispose()
    return app.return_code or 0
