"""The `cxtui` command line: open the app, ingest, report, simulate, demo.

Every failure a person can cause (a missing folder, a bad option, an unreadable database)
ends in one line on stderr and exit status 2, never a traceback.

Only click is imported up front. The database layer, the loader and the metrics (and through
them SQLAlchemy) are imported inside the commands that use them, so `--help`, `--version`
and a mistyped option answer at once instead of after loading all of it.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from cxtui.config import Config
    from cxtui.ingest.loader import LoadResult, Progress

EXIT_USAGE = 2
DEMO_HISTORY_RATE = 40.0
DEMO_MIN_RATE = 600.0
"""Live arrivals an hour the demo never falls below: one every six seconds even at 3 a.m."""
SUBCOMMANDS = ("demo", "ingest", "report", "simulate", "open", "check")


class CxtuiError(click.ClickException):
    """A one-line error for the person at the terminal, exit status 2."""

    exit_code = EXIT_USAGE

    def show(self, file: object = None) -> None:
        click.echo(f"cxtui: {self.format_message()}", err=True)


def bundled_sample_data() -> Path:
    """The sample folder shipped inside the package, or the repository's own copy."""
    from importlib import resources

    packaged = Path(str(resources.files("cxtui"))) / "sample_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_data"


def _data_dir(path: str) -> Path:
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise CxtuiError(f"no such folder: {folder}")
    return folder


def _config(data_dir: Path | None, config_path: str | None) -> Config:
    from cxtui.config import ConfigError, load_config

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


def _as_of(text: str | None, config: Config) -> int | None:
    if text is None:
        return None
    from cxtui.ingest.normalise import RowError, parse_time, zone

    try:
        moment = parse_time(text, zone(config.timezone), "--as-of")
    except RowError as exc:
        raise CxtuiError(f"bad --as-of: {exc}") from None
    if moment is None:
        raise CxtuiError("bad --as-of: empty")
    return moment


def _db_path(data_dir: Path, db: str | None) -> Path:
    from cxtui.store import default_db_path

    return Path(db).expanduser() if db else default_db_path(data_dir)


def _open_engine(db_path: Path) -> Engine:
    from sqlalchemy.exc import SQLAlchemyError

    from cxtui.store import open_engine

    try:
        return open_engine(db_path)
    except (OSError, SQLAlchemyError, sqlite3.Error) as exc:
        raise CxtuiError(f"cannot open database {db_path}: {exc}") from None


def _progress_printer() -> Callable[[Progress], None]:
    """Counts on stderr at most twice a second, so a long first load shows it is moving."""
    last = 0.0

    def show(progress: Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 0.5:
            last = now
            share = 100 * progress.bytes_done / progress.bytes_total if progress.bytes_total else 0
            click.echo(
                f"\rloaded {progress.rows:,} rows — {progress.file} {share:.0f} %   ",
                err=True,
                nl=False,
            )

    return show


def _summary(result: LoadResult) -> str:
    return (
        f"loaded {result.tickets:,} ticket rows and {result.surveys:,} survey rows"
        f" from {len(result.files_changed)} file(s); {result.quarantined:,} quarantined"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxtui")
def cli() -> None:
    """Live contact-centre dashboard for a folder of ticket and survey exports.

    Run `cxtui [DATA_DIR]` to open the app (no folder: the bundled sample data),
    or `cxtui demo` to watch simulated live data.
    """


db_option = click.option("--db", help="Database file (default DATA_DIR/.cxtui/cxtui.db).")
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
@click.option("--window", default=None, help="24h, 7d, 30d, <N>h or <N>d.")
@click.option("--as-of", default=None, help="Freeze the clock at this ISO time.")
@click.option("--no-ingest", is_flag=True, help="Only read the database; another process loads.")
@click.option("--mask-pii", is_flag=True, help="Hide customer e-mails and phone numbers.")
@clock_option
def open_app(
    data_dir: str | None,
    db: str | None,
    config_path: str | None,
    window: str | None,
    as_of: str | None,
    no_ingest: bool,
    mask_pii: bool,
    clock: str | None,
) -> None:
    """Open the live dashboard on DATA_DIR (default: the bundled sample data)."""
    folder = _data_dir(data_dir) if data_dir else bundled_sample_data()
    config = _config(folder, config_path)
    if mask_pii:
        config = dataclasses.replace(config, mask_pii=True)
    if clock is not None:
        config = dataclasses.replace(config, clock=clock)
    window_seconds = _window_seconds(window or config.default_window)
    frozen = _as_of(as_of, config)
    db_path = _db_path(folder, db)
    _open_engine(db_path).dispose()
    from cxtui.tui.app import run_app

    sys.exit(
        run_app(
            folder,
            db_path,
            window_seconds=window_seconds,
            as_of=frozen,
            config=config,
            ingest=not no_ingest,
        )
    )


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
    from cxtui.ingest.loader import IngestBusy, Loader

    folder = _data_dir(data_dir)
    config = _config(folder, config_path)
    engine = _open_engine(_db_path(folder, db))
    loader = Loader(
        engine,
        folder,
        timezone=config.timezone,
        progress=None if quiet else _progress_printer(),
        mappings=config.mappings,
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
            result = loader.load_all()
    except IngestBusy as exc:
        raise CxtuiError(f"{exc}; not starting a second one") from None
    except (sqlite3.Error, OSError) as exc:
        raise CxtuiError(f"cannot load into the database: {exc}") from None
    if not quiet:
        click.echo("\r" + _summary(result) + " " * 10, err=True)
        for message in result.skipped:
            click.echo(message, err=True)


@cli.command()
@click.argument("data_dir")
@db_option
@config_option
@click.option("--as-of", default=None, help="Report as of this ISO time (default now).")
@click.option("--window", default=None, help="24h, 7d, 30d, <N>h or <N>d (default 7d).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--sl-target", type=click.IntRange(min=0), default=None, help="Seconds.")
@click.option("--channel", default=None)
@click.option("--queue", default=None)
@click.option("--agent", default=None)
@click.option("--priority", default=None)
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
    clock: str | None,
) -> None:
    """Load what is new in DATA_DIR, then print every metric."""
    import orjson
    from sqlalchemy.exc import SQLAlchemyError

    from cxtui.ingest.loader import IngestBusy, Loader
    from cxtui.metrics import Filters, Window, dashboard, report_dict
    from cxtui.report import report_table
    from cxtui.store import snapshot

    folder = _data_dir(data_dir)
    config = _config(folder, config_path)
    window_seconds = _window_seconds(window or config.default_window)
    moment = _as_of(as_of, config)
    engine = _open_engine(_db_path(folder, db))
    loader = Loader(engine, folder, timezone=config.timezone, mappings=config.mappings)
    try:
        result = loader.load_all()
        for message in result.skipped:
            click.echo(message, err=True)
    except IngestBusy:
        click.echo("another cxtui is loading this folder; reporting what it has", err=True)
    except (sqlite3.Error, OSError) as exc:
        click.echo(f"cannot load new rows ({exc}); reporting what the database has", err=True)
    filters = Filters(channel=channel, queue=queue, agent=agent, priority=priority)
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
            )
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise CxtuiError(f"cannot read database: {exc}") from None
    if fmt == "json":
        click.echo(orjson.dumps(report_dict(board)).decode())
    else:
        click.echo(report_table(board), nl=False)


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
        raise CxtuiError(f"cannot check {folder}: {exc}") from None
    click.echo(check_text(checks, folder), nl=False)
    sys.exit(exit_status(checks))


@cli.command()
@click.argument("data_dir")
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True)
@click.option("--rate", type=click.FloatRange(min=0.1), default=60.0, show_default=True)
@click.option("--seed", type=int, default=None)
@click.option("--follow", is_flag=True, help="Keep appending in real time.")
@click.option("--end", default=None, help="History ends here (ISO, default now).")
def simulate(
    data_dir: str, days: int, rate: float, seed: int | None, follow: bool, end: str | None
) -> None:
    """Write realistic ticket and survey history into DATA_DIR (and keep going with --follow)."""
    from cxtui import simulate as simulator
    from cxtui.config import Config

    folder = Path(data_dir).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    end_at = None
    if end is not None:
        from datetime import UTC, datetime

        end_epoch = _as_of(end, Config())
        end_at = datetime.fromtimestamp(end_epoch or 0, UTC)
    try:
        simulator.simulate(folder, days=days, rate=rate, seed=seed, follow_mode=follow, end=end_at)
    except KeyboardInterrupt:
        return


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
        if isinstance(exc, CxtuiError):
            exc.show()
        else:
            click.echo(f"cxtui: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
