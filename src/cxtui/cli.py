"""The `cxtui` command line: open the app, ingest, report, simulate, demo.

Every failure a person can cause (a missing folder, a bad option, an unreadable database)
ends in one line on stderr and exit status 2, never a traceback. Everything printed goes
through `_echo`, which shows file names and values from the folder (and anything else) the way
the app does, so a file named with an escape sequence cannot retitle the terminal or write
its clipboard.

Only click is imported up front. The database layer, the loader and the metrics (and through
them SQLAlchemy) are imported inside the commands that use them, so `--help`, `--version`
and a mistyped option answer at once instead of after loading all of it.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxtui.safe_text import json_visible, visible

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from cxtui.config import Config
    from cxtui.ingest.loader import LoadResult, Progress
    from cxtui.metrics import Dashboard, Filters
    from cxtui.simulate import SimulationState
    from cxtui.user_state import UserState

EXIT_USAGE = 2
DEMO_HISTORY_RATE = 40.0
DEMO_MIN_RATE = 600.0
"""Live arrivals an hour the demo never falls below: one every six seconds even at 3 a.m."""
WINDOW_HELP = (
    "How far back the numbers look: a whole number and a unit, s (seconds), m (minutes),"
    " h (hours) or d (days), such as 90m, 4h, 24h, 7d or 30d."
)
SUBCOMMANDS = ("demo", "ingest", "report", "simulate", "open", "check", "staffing", "serve")


def plural(count: int, noun: str) -> str:
    """`cxtui.report.plural`, imported when first used: cxtui.report brings the metrics and
    SQLAlchemy with it, which `--help` and a mistyped option do not need."""
    from cxtui.report import plural as counted

    return counted(count, noun)


class CxtuiError(click.ClickException):
    """A one-line error for the person at the terminal, exit status 2."""

    exit_code = EXIT_USAGE

    def show(self, file: object = None) -> None:
        _echo(f"cxtui: {self.format_message()}", err=True)


def _echo(*lines: str, err: bool = False, nl: bool = True, overwrite: bool = False) -> None:
    """Print each of `lines` as one line the terminal shows literally.

    A line break, escape or bidi character inside a line (from a file name, a value, a
    mapping's name, an exception's text) becomes a visible stand-in, so it can neither act on
    the terminal nor make one message look like two. `overwrite` redraws the current line.
    """
    text = "\n".join(visible(line) for line in lines)
    click.echo(("\r" if overwrite else "") + text, err=err, nl=nl)


def _echo_json(value: object) -> None:
    """Print `value` as compact JSON with no raw control, bidi or zero-width character."""
    import orjson

    click.echo(json_visible(orjson.dumps(value).decode()))


def bundled_sample_data() -> Path:
    """The sample folder shipped inside the package, or the repository's own copy.

    Either way it is read only: its database lives in the user's cache (`_db_path`), never
    inside an installed package or the repository.
    """
    from importlib import resources

    packaged = Path(str(resources.files("cxtui"))) / "sample_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_data"


def _data_dir(path: str) -> Path:
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise CxtuiError(f"{'not a folder' if folder.exists() else 'no such folder'}: {folder}")
    return folder


def _config(data_dir: Path | None, config_path: str | None) -> Config:
    from cxtui.config import ConfigError, load_config

    if config_path and not Path(config_path).is_file():
        raise CxtuiError(f"no such file for --config: {config_path}")
    try:
        return load_config(data_dir, Path(config_path) if config_path else None)
    except (ConfigError, OSError) as exc:
        raise CxtuiError(str(exc)) from None


def _window_seconds(text: str) -> int:
    from cxtui.config import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise CxtuiError(f"bad --window: {exc}") from None


def _remembered_window(remembered: UserState, config: Config) -> int:
    """The window chosen last time, else the config's default (a garbled memory is no error)."""
    from cxtui.config import parse_duration

    if remembered.window is not None:
        try:
            return parse_duration(remembered.window)
        except ValueError:
            pass
    return _window_seconds(config.default_window)


def _as_of(text: str | None, config: Config, option: str = "--as-of") -> int | None:
    """`text` as epoch seconds in the config's zone; errors name `option`."""
    if text is None:
        return None
    from cxtui.ingest.normalise import RowError, parse_time, zone

    try:
        moment = parse_time(text, zone(config.timezone), option)
    except RowError as exc:
        raise CxtuiError(f"bad {option}: {exc}") from None
    if moment is None:
        raise CxtuiError(f"bad {option}: empty")
    return moment


def _db_path(data_dir: Path, db: str | None, *, bundled_sample: bool = False) -> Path:
    """Where the database goes: --db, else CXTUI_DB, else beside or for the folder.

    The bundled sample's database always goes to the user's cache: an installed package (or a
    file uv hard-links into its cache) and the repository's sample_data are not for writing.
    A folder given by the person must exist: creating /no/such/dir for a mistyped --db would
    hide the typo.
    """
    from cxtui.store import cache_db_path, default_db_path

    if db:
        path, source = Path(db).expanduser(), "--db"
    elif os.environ.get("CXTUI_DB"):
        path, source = Path(os.environ["CXTUI_DB"]).expanduser(), "CXTUI_DB"
    elif bundled_sample:
        return cache_db_path(data_dir)
    else:
        return default_db_path(data_dir)
    if path.is_dir():
        raise CxtuiError(f"{source} is a folder, not a database file: {path}")
    if not path.parent.is_dir():
        raise CxtuiError(f"no such folder for {source}: {path.parent}")
    return path


def _database_problem(exc: BaseException) -> str:
    """One line for a database error: SQLite's own words, without SQLAlchemy's SQL echo and
    "(Background on this error …)" link."""
    cause = getattr(exc, "orig", None) or exc
    return str(cause).splitlines()[0] if str(cause) else type(cause).__name__


def _is_database_error(exc: BaseException) -> bool:
    """An SQLite or SQLAlchemy error, without importing SQLAlchemy where it was never loaded."""
    if isinstance(exc, sqlite3.Error):
        return True
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError)


def _foreign_tables(db_path: Path, ours: set[str]) -> list[str]:
    """The tables of an existing SQLite file that holds tables but none of `ours`.

    Opening it as a cxtui database would add cxtui's tables to another program's file.
    Anything that stops the look (no such file, no read access) leaves the answer to
    `open_engine`, which reports it.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return []
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return []
    finally:
        db.close()
    tables = [name for (name,) in rows if not name.startswith("sqlite_")]
    return [] if ours.intersection(tables) else tables


def _open_engine(db_path: Path, *, writable: bool = True) -> Engine:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import SQLModel

    from cxtui.store import open_engine

    foreign = _foreign_tables(db_path, set(SQLModel.metadata.tables))
    if foreign:
        raise CxtuiError(
            f"{db_path} is not a cxtui database (it holds other tables: {', '.join(foreign[:5])})"
        )
    try:
        return open_engine(db_path, writable=writable)
    except (OSError, SQLAlchemyError, sqlite3.Error) as exc:
        problem = _database_problem(exc)
        cause = getattr(exc, "orig", None) or exc
        if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            raise CxtuiError(f"{db_path} is not a cxtui database ({problem})") from None
        raise CxtuiError(f"cannot open database {db_path}: {problem}") from None


class ProgressLine:
    """One line on stderr, redrawn in place at most twice a second while a load runs.

    Each redraw blanks whatever a longer line before it left, so a shorter file name or the
    summary never ends in the tail of the last line ("100 %   %").
    """

    INTERVAL = 0.5

    def __init__(self) -> None:
        self.width = 0
        self.last = 0.0

    def progress(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self.last >= self.INTERVAL:
            self.last = now
            share = 100 * progress.bytes_done / progress.bytes_total if progress.bytes_total else 0
            self.show(f"loaded {plural(progress.rows, 'row')} — {progress.file} {share:.0f} %")

    def show(self, text: str, *, final: bool = False) -> None:
        """Draw `text` over the line; `final` ends the line, so what follows starts anew."""
        width = len(visible(text))
        _echo(text + " " * max(0, self.width - width), err=True, nl=final, overwrite=True)
        self.width = 0 if final else width


def _summary(result: LoadResult) -> str:
    counts = [plural(result.tickets, "ticket row"), plural(result.surveys, "survey row")]
    if result.messages:
        counts.append(plural(result.messages, "message row"))
    if result.events:
        counts.append(plural(result.events, "event row"))
    return (
        f"loaded {', '.join(counts[:-1])} and {counts[-1]}"
        f" from {plural(len(result.files_changed), 'file')}; {result.quarantined:,} quarantined"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxtui")
def cli() -> None:
    """Live contact-centre dashboard for a folder of ticket and survey exports.

    Run `cxtui [DATA_DIR]` to open the app (no folder: the bundled sample data),
    or `cxtui demo` to watch simulated live data.
    """


db_option = click.option(
    "--db",
    help="Database file, in a folder that exists (default DATA_DIR/.cxtui/cxtui.db; for the"
    " bundled sample, the user cache).",
)
config_option = click.option("--config", "config_path", help="Config TOML file.")
clock_option = click.option(
    "--clock",
    type=click.Choice(["calendar", "business"]),
    default=None,
    help="Waits on the calendar or in business hours (default: the config's clock).",
)


@cli.command("open")
@click.argument("data_dir", required=False)
@db_option
@config_option
@click.option("--window", default=None, help=WINDOW_HELP + " Default: the last window chosen.")
@click.option("--as-of", default=None, help="Freeze the clock at this ISO time.")
@click.option(
    "--no-ingest",
    is_flag=True,
    help="Only read the database, which must exist; another process loads. Creates nothing.",
)
@click.option("--mask-pii", is_flag=True, help="Hide customer e-mails and phone numbers.")
@clock_option
@click.option(
    "--kiosk", is_flag=True, help="Look around only: no quitting, exporting or acknowledging."
)
def open_app(kiosk: bool, **options: Any) -> None:
    """Open the live dashboard on DATA_DIR (default: the bundled sample data)."""
    from cxtui.tui.app import run_app

    settings = _app_settings(**options)
    folder, db_path = settings.pop("data_dir"), settings.pop("db_path")
    sys.exit(run_app(folder, db_path, **settings, kiosk=kiosk))


def _app_settings(
    data_dir: str | None,
    db: str | None,
    config_path: str | None,
    window: str | None,
    as_of: str | None,
    no_ingest: bool,
    mask_pii: bool,
    clock: str | None,
) -> dict[str, Any]:
    """`run_app`'s arguments from `cxtui open`'s options, every one checked (and the database
    created or opened once), so a mistake is one line before anything starts."""
    folder = _data_dir(data_dir) if data_dir else bundled_sample_data()
    db_path = _db_path(folder, db, bundled_sample=data_dir is None)
    config = _config(folder, config_path)
    if mask_pii:
        config = dataclasses.replace(config, mask_pii=True)
    if clock is not None:
        config = dataclasses.replace(config, clock=clock)
    from cxtui.user_state import load_state

    remembered = load_state()
    window_seconds = _window_seconds(window) if window else _remembered_window(remembered, config)
    frozen = _as_of(as_of, config)
    if no_ingest and not db_path.is_file():
        raise CxtuiError(
            f"no database at {db_path}: --no-ingest only reads one (leave it out to load the"
            " folder)"
        )
    _open_engine(db_path, writable=not no_ingest).dispose()
    return {
        "data_dir": folder,
        "db_path": db_path,
        "window_seconds": window_seconds,
        "as_of": frozen,
        "config": config,
        "ingest": not no_ingest,
        "theme": remembered.theme,
    }


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("app_args", nargs=-1, type=click.UNPROCESSED, metavar="[DATA_DIR] [OPEN_OPTIONS]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    default=None,
    help="The address browsers use, when it is not http://HOST:PORT (behind a reverse proxy).",
)
@click.option("--kiosk", is_flag=True, help="Every browser gets the app with --kiosk.")
def serve(
    app_args: tuple[str, ...], host: str, port: int, public_url: str | None, kiosk: bool
) -> None:
    """Serve the app to web browsers: each browser tab runs `cxtui open` with DATA_DIR and
    OPEN_OPTIONS (--db, --window, --no-ingest, --mask-pii, …). No authentication: see
    docs/deployment.md before listening beyond localhost."""
    from cxtui.serve import app_command, needs_public_url, serve_app

    opened = open_app.make_context("cxtui serve", list(app_args))
    _app_settings(**{k: v for k, v in opened.params.items() if k != "kiosk"})
    if public_url is None and needs_public_url(host):
        raise CxtuiError(f"--host {host} needs --public-url, the address browsers open")
    command = app_command(app_args, kiosk=kiosk)
    serve_app(command, host=host, port=port, public_url=public_url)


@cli.command()
@click.argument("data_dir")
@db_option
@config_option
@click.option("--watch", is_flag=True, help="Keep loading as files change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary.")
def ingest(
    data_dir: str, db: str | None, config_path: str | None, watch: bool, quiet: bool
) -> None:
    """Load DATA_DIR into the database once (or keep loading with --watch)."""
    from sqlalchemy.exc import SQLAlchemyError

    from cxtui.ingest.collector import collecting_rarely
    from cxtui.ingest.loader import SETTLE_SECONDS, IngestBusy, Loader

    folder = _data_dir(data_dir)
    config = _config(folder, config_path)
    db_path = _db_path(folder, db)
    engine = _open_engine(db_path)
    line = ProgressLine()
    loader = Loader(
        engine,
        folder,
        timezone=config.timezone,
        settle_seconds=SETTLE_SECONDS if watch else 0,
        progress=None if quiet else line.progress,
        mappings=config.mappings,
        encoding=config.encoding,
        ignore=config.ignore,
    )
    try:
        if watch:
            from cxtui.ingest.watcher import watch_folder

            stop = threading.Event()
            try:
                result = watch_folder(loader, stop)
            except KeyboardInterrupt:
                stop.set()
                return
        else:
            with collecting_rarely():
                result = loader.load_all()
    except IngestBusy as exc:
        raise CxtuiError(f"{exc}; not starting a second one") from None
    except (sqlite3.Error, SQLAlchemyError, OSError) as exc:
        raise CxtuiError(f"cannot load into {db_path}: {_database_problem(exc)}") from None
    if not quiet:
        line.show(_summary(result), final=True)
        for message in result.skipped:
            _echo(message, err=True)


@cli.command()
@click.argument("data_dir")
@db_option
@config_option
@click.option("--as-of", default=None, help="Report as of this ISO time (default now).")
@click.option("--window", default=None, help=WINDOW_HELP + " Default: the config's, 7d.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--sl-target", type=click.IntRange(min=0), default=None, help="Seconds.")
@click.option("--channel", default=None)
@click.option("--queue", default=None)
@click.option("--agent", default=None)
@click.option("--priority", default=None)
@click.option(
    "--by",
    default=None,
    help="Also one row per agent, queue, channel or survey segment (segment:NAME).",
)
@click.option(
    "--segment",
    default=None,
    metavar="NAME=VALUE",
    help="Narrow NPS, CSAT, CES and comment themes to one survey segment value; "
    "ticket figures are not narrowed.",
)
@clock_option
def report(
    data_dir: str,
    db: str | None,
    config_path: str | None,
    as_of: str | None,
    window: str | None,
    fmt: str,
    sl_target: int | None,
    channel: str | None,
    queue: str | None,
    agent: str | None,
    priority: str | None,
    by: str | None,
    segment: str | None,
    clock: str | None,
) -> None:
    """Load what is new in DATA_DIR, then print every metric."""
    from sqlalchemy.exc import SQLAlchemyError

    from cxtui.breakdown import breakdown, breakdown_dict
    from cxtui.breakdown_report import breakdown_table
    from cxtui.comment_themes import themes_json, themes_of_window, themes_report_lines
    from cxtui.ingest.loader import IngestBusy, Loader
    from cxtui.metrics import Filters, Window, dashboard, report_dict
    from cxtui.report import alerts_table, report_table
    from cxtui.segment_filter import filters_dict, surveys_only_line
    from cxtui.staffing_now import (
        demand,
        staffing_dict,
        staffing_goal,
        staffing_now,
        staffing_report_lines,
    )
    from cxtui.store import snapshot

    folder = _data_dir(data_dir)
    config = _config(folder, config_path)
    by = _by(by, config)
    narrowed_to = _segment(segment, config)
    window_seconds = _window_seconds(window or config.default_window)
    moment = _as_of(as_of, config)
    engine = _open_engine(_db_path(folder, db))
    loader = Loader(
        engine,
        folder,
        timezone=config.timezone,
        settle_seconds=0,
        mappings=config.mappings,
        encoding=config.encoding,
        ignore=config.ignore,
    )
    try:
        result = loader.load_all()
        for message in result.skipped:
            _echo(message, err=True)
    except IngestBusy:
        _echo("another cxtui is loading this folder; reporting what it has", err=True)
    except (sqlite3.Error, SQLAlchemyError, OSError) as exc:
        _echo(
            f"cannot load new rows ({_database_problem(exc)}); reporting what the database has",
            err=True,
        )
    filters = Filters(
        channel=channel, queue=queue, agent=agent, priority=priority, segment=narrowed_to
    )
    target = config.sl_target_seconds if sl_target is None else sl_target
    window_of = Window(as_of=int(time.time()) if moment is None else moment, seconds=window_seconds)
    try:
        with snapshot(engine) as session:
            board = dashboard(
                session,
                window_of,
                filters,
                sl_target_seconds=target,
                clock=clock or config.clock,
                hours=config.business_hours,
                live_channels=config.live_channels,
            )
            floor = staffing_now(
                demand(
                    session,
                    window_of.as_of,
                    config.staffing_interval_seconds,
                    filters,
                    config.live_channels,
                ),
                staffing_goal(config, target),
            )
            alerts = _alert_states(session, config, board, filters, target, clock)
            themes = themes_of_window(session, window_of, filters, config.themes)
            rows = None if by is None else breakdown(session, window_of, by, config.thresholds)
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise CxtuiError(f"cannot read database: {_database_problem(exc)}") from None
    if fmt == "json":
        extra = {} if rows is None else {"by": breakdown_dict(rows)}
        _echo_json(
            {
                **report_dict(board),
                "staffing": staffing_dict(floor),
                "alerts": alerts,
                "themes": themes_json(themes.themes),
                "filters": filters_dict(filters),
                **extra,
            }
        )
    else:
        if narrowed_to is not None:
            _echo(surveys_only_line(narrowed_to), "")
        _echo(
            *report_table(board).removesuffix("\n").split("\n"),
            *staffing_report_lines(floor),
            *themes_report_lines(themes.themes),
        )
        if alerts:
            _echo("", *alerts_table(alerts).removesuffix("\n").split("\n"))
        if rows is not None:
            table = breakdown_table(rows, filters_set=filters != Filters())
            _echo("", *table.removesuffix("\n").split("\n"))


def _by(by: str | None, config: Config) -> str | None:
    """--by checked against the dimensions and the config's segments, before any loading."""
    from cxtui.breakdown import UnknownDimension, check_dimension

    if by is None:
        return None
    try:
        return check_dimension(by.strip(), config.segments)
    except UnknownDimension as error:
        raise click.BadParameter(str(error), param_hint="'--by'") from None


def _segment(segment: str | None, config: Config) -> tuple[str, str] | None:
    """--segment NAME=VALUE checked against the config's segments, before any loading."""
    from cxtui.segment_filter import SegmentSyntax, parse_segment

    if segment is None:
        return None
    try:
        return parse_segment(segment, config.segments)
    except SegmentSyntax as error:
        raise click.BadParameter(str(error), param_hint="'--segment'") from None


def _alert_states(
    session: Session,
    config: Config,
    board: Dashboard,
    filters: Filters,
    sl_target: int,
    clock: str | None,
) -> list[dict[str, object]]:
    """Each `[[alert]]` rule evaluated once at the report's moment (docs/config.md): the
    report's own figures serve a rule of the same scope and window."""
    from cxtui.alert_readings import readings
    from cxtui.alerts import evaluate_once

    known = {(filters, board.window_seconds): board}
    found = readings(
        session,
        config.alerts,
        board.as_of,
        config,
        known,
        sl_target_seconds=sl_target,
        clock=clock,
    )
    return [state.as_json() for state in evaluate_once(config.alerts, found, board.as_of)]


@cli.command()
@click.option("--contacts", type=click.IntRange(min=0), required=True, help="Arrivals.")
@click.option("--interval", default="30m", show_default=True, help="Span of the arrivals.")
@click.option("--aht", type=click.FloatRange(min=0, min_open=True), required=True, help="Seconds.")
@click.option("--target-seconds", type=click.IntRange(min=0), default=20, show_default=True)
@click.option(
    "--service-level",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.8,
    show_default=True,
    help="Share to answer within the target.",
)
@click.option(
    "--max-occupancy",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.85,
    show_default=True,
)
@click.option(
    "--shrinkage", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True
)
@click.option(
    "--agents", type=click.IntRange(min=0), default=None, help="Figures for this many agents."
)
@click.option(
    "--patience",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Mean seconds before a caller hangs up: Erlang A instead of Erlang C.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def staffing(
    contacts: int,
    interval: str,
    aht: float,
    target_seconds: int,
    service_level: float,
    max_occupancy: float,
    shrinkage: float,
    agents: int | None,
    patience: float | None,
    fmt: str,
) -> None:
    """Agents needed for CONTACTS arrivals in INTERVAL (Erlang C, or Erlang A with --patience)."""
    from cxtui import staffing as maths
    from cxtui.config import parse_duration
    from cxtui.staffing_now import figures_dict, figures_lines

    try:
        seconds = parse_duration(interval)
    except ValueError as exc:
        raise CxtuiError(f"bad --interval: {exc}") from None
    try:
        traffic = maths.traffic_erlangs(contacts, seconds, aht)
        if agents is None:
            figures = maths.agents_required(
                traffic, aht, target_seconds, service_level, max_occupancy, patience
            )
        else:
            figures = maths.staffing_for(agents, traffic, aht, target_seconds, patience)
    except ValueError as exc:
        raise CxtuiError(str(exc)) from None
    if fmt == "json":
        _echo_json(figures_dict(figures, shrinkage))
    else:
        _echo(*figures_lines(figures, shrinkage, target_seconds))


@cli.command()
@click.argument("data_dir")
@config_option
def check(data_dir: str, config_path: str | None) -> None:
    """Dry-run loading DATA_DIR: what reads each file, what would load or be quarantined.

    Exits 0 when every row of every file would load, 2 otherwise."""
    from cxtui.check import check_folder, check_text, exit_status

    folder = _data_dir(data_dir)
    config = _config(folder, config_path)
    try:
        checks = check_folder(folder, config)
    except (sqlite3.Error, OSError) as exc:
        raise CxtuiError(f"cannot check {folder}: {_database_problem(exc)}") from None
    _echo(*check_text(checks, folder).removesuffix("\n").split("\n"))
    sys.exit(exit_status(checks))


@cli.command()
@click.argument("data_dir")
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True)
@click.option("--rate", type=click.FloatRange(min=0.1), default=60.0, show_default=True)
@click.option("--seed", type=int, default=None)
@click.option("--follow", is_flag=True, help="Keep appending in real time.")
@click.option("--end", default=None, help="History ends here (ISO, default now).")
@click.option("--force", is_flag=True, help="Overwrite tickets.csv and surveys.jsonl if there.")
def simulate(
    data_dir: str,
    days: int,
    rate: float,
    seed: int | None,
    follow: bool,
    end: str | None,
    force: bool,
) -> None:
    """Write realistic ticket and survey history into DATA_DIR (and keep going with --follow).

    Refuses to overwrite the files of an earlier run (an app watching the folder would see
    its history rewritten) unless --force is given."""
    from cxtui import simulate as simulator
    from cxtui.config import Config

    end_at = None
    if end is not None:
        from datetime import UTC, datetime

        end_epoch = _as_of(end, Config(), "--end")
        end_at = datetime.fromtimestamp(end_epoch or 0, UTC)
    folder = Path(data_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CxtuiError(f"not a folder: {folder}")
    in_the_way = simulator.files_in_the_way(folder)
    if in_the_way and not force:
        raise CxtuiError(
            f"{' and '.join(in_the_way)} already in {folder}; --force overwrites"
            f" {'it' if len(in_the_way) == 1 else 'them'}"
        )

    def written(state: simulator.SimulationState) -> None:
        _echo(*_written_lines(folder, state, follow))

    try:
        folder.mkdir(parents=True, exist_ok=True)
        simulator.simulate(
            folder,
            days=days,
            rate=rate,
            seed=seed,
            follow_mode=follow,
            end=end_at,
            on_written=written,
        )
    except KeyboardInterrupt:
        return
    except OSError as exc:
        raise CxtuiError(f"cannot write into {folder}: {exc.strerror or exc}") from None


def _written_lines(folder: Path, state: SimulationState, follow: bool) -> list[str]:
    """Which files, how many rows, and the span they cover."""
    from datetime import UTC, datetime

    from cxtui.simulate import SURVEYS_FILE, TICKETS_FILE

    def moment(epoch: int) -> str:
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")

    lines = [
        f"wrote {folder / TICKETS_FILE}: {plural(state.ticket_rows, 'row')}"
        f" ({plural(state.tickets_made, 'ticket')})",
        f"wrote {folder / SURVEYS_FILE}: {plural(state.survey_rows, 'row')}",
        f"covering {moment(state.start)} to {moment(state.now)} UTC",
    ]
    if follow:
        lines.append("appending live rows until Ctrl+C")
    return lines


@cli.command()
@click.option(
    "--rate",
    type=click.FloatRange(min=1),
    default=720.0,
    show_default=True,
    help="Live arrivals per hour (on the daily curve, never below 600).",
)
@click.option("--seed", type=int, default=None)
def demo(rate: float, seed: int | None) -> None:
    """Open the app on simulated live data in a temporary folder (removed on exit).

    Two weeks of history at an ordinary pace, then live arrivals at --rate in real time (at
    least DEMO_MIN_RATE an hour, the first within a second), so the numbers move within
    seconds at any hour and every timestamp stays in the past of the clock. The history is
    loaded before the app opens, so the first live rows are news rather than part of the load.
    """
    import tempfile

    from cxtui import simulate as simulator
    from cxtui.config import Config, parse_duration
    from cxtui.ingest.loader import Loader
    from cxtui.tui.app import run_app

    with tempfile.TemporaryDirectory(prefix="cxtui-demo-") as tmp:
        folder = Path(tmp)
        db_path = folder / ".cxtui" / "cxtui.db"
        click.echo("cxtui demo: writing and loading two weeks of history…", err=True)
        state = simulator.write_history(folder, days=14, rate=DEMO_HISTORY_RATE, seed=seed)
        engine = _open_engine(db_path)
        try:
            Loader(engine, folder).load_all()
        finally:
            engine.dispose()
        simulator.go_live(state, rate, min_rate=DEMO_MIN_RATE)
        stop = threading.Event()
        writer = threading.Thread(
            target=simulator.follow,
            args=(folder, state),
            kwargs={"stop": stop},
            name="cxtui-demo-writer",
            daemon=True,
        )
        writer.start()
        config = Config()
        try:
            code = run_app(
                folder,
                db_path,
                window_seconds=parse_duration(config.default_window),
                as_of=None,
                config=config,
                ingest=True,
            )
        finally:
            stop.set()
            writer.join(timeout=2)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: `cxtui DATA_DIR` is short for `cxtui open DATA_DIR`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in (*SUBCOMMANDS, "-h", "--help", "--version"):
        args.insert(0, "open")
    try:
        cli.main(args=args, prog_name="cxtui", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        _echo(f"cxtui: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        # A database error no command foresaw (a file swapped for a non-database mid-run,
        # say) still ends in one line, like every other database error.
        if not _is_database_error(exc):
            raise
        _echo(f"cxtui: database error: {_database_problem(exc)}", err=True)
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
