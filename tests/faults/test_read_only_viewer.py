"""A viewer that may only read the database sees its rows and changes nothing.

Run for real as another user: the suite runs as root, which SQLite's file modes do not stop,
so the viewer runs in a subprocess as `nobody`, over a database in a folder only root may
write and everybody may read (the shared-database deployment in docs/deployment.md), and as
root through a read-only bind mount of that folder.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
from cxtui.tui.live import READ_ONLY_NOTICE

HEADER = "id,created_at,status\n"
VIEWER_SNIPPET = """
import json, sqlite3, sys, threading
from pathlib import Path
from cxtui import store
from cxtui.config import Config
from cxtui.ingest.loader import Loader
from cxtui.metrics import NO_FILTERS, Window
from cxtui.tui import live, source

db, folder = sys.argv[1], sys.argv[2]
engine = store.open_engine(db)
watch = live.CommitWatch(engine)
watch.changed()
window = Window(as_of=2_000_000_000, seconds=2_000_000_000)
seen = {"read_only": store.read_only(engine)}
seen["before"] = source.snapshot(engine, window, NO_FILTERS, Config()).rows_loaded
notices = []
loading = live.start_ingest(
    engine, Path(folder), Config(), threading.Event(), print, notices.append, notices.append
)
seen["ingest"] = [loading is None, notices]
print(json.dumps(seen), flush=True)
sys.stdin.readline()  # the writer has committed more rows
seen["changed"] = watch.changed()
seen["after"] = source.snapshot(engine, window, NO_FILTERS, Config()).rows_loaded
try:
    Loader(engine, folder).load_all()
    seen["load"] = "loaded"
except OSError as exc:
    seen["load"] = str(exc)
try:
    writer = sqlite3.connect(db)
    writer.execute("DELETE FROM ticket")
    writer.commit()
    seen["write"] = "written"
except sqlite3.Error as exc:
    seen["write"] = str(exc)
print(json.dumps(seen), flush=True)
"""


def tickets(first: int, last: int) -> str:
    return "".join(f"T{n},{1_700_000_000 + n},open\n" for n in range(first, last))


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder everybody may read and only root may write (pytest's tmp_path is 0700)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a viewer as `nobody`: run the suite as root (as CI does)")
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux) to run the viewer as `nobody`")
    try:
        pwd.getpwnam("nobody")
        grp.getgrnam("nogroup")
    except KeyError:
        pytest.skip("needs a `nobody` user and `nogroup` group to run the viewer as")
    top = Path(tempfile.mkdtemp(prefix="cxtui-shared-"))
    try:
        top.chmod(0o755)
        for name in ("data", "db", "home"):
            (top / name).mkdir(mode=0o755)
            (top / name).chmod(0o755)
        shutil.chown(top / "home", "nobody")
        yield top
    finally:
        shutil.rmtree(top)


def as_nobody(args: list[str], top: Path, **options: object) -> subprocess.Popen[str]:
    """Run args as `nobody`, allowed to read every file but to write none it does not own.

    The interpreter lives under /root (0700), so the viewer keeps one capability,
    CAP_DAC_READ_SEARCH (read any file, list any folder); it has no CAP_DAC_OVERRIDE, so
    the kernel refuses it every write into root's folders and files, as for any user."""
    env = {**os.environ, "HOME": str(top / "home"), "XDG_CACHE_HOME": str(top / "home")}
    env.pop("XDG_CONFIG_HOME", None)
    drop = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    keep = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [*drop, *keep, *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=top,
        **options,
    )


def on_a_read_only_mount(args: list[str], top: Path, **options: object) -> subprocess.Popen[str]:
    """Run args as root, with the database folder seen through a read-only bind mount (in a
    mount namespace of its own, so nothing outside changes): root may write nothing there."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode
    ):
        pytest.skip("needs `unshare -m` (root with CAP_SYS_ADMIN) for a read-only bind mount")
    mount = (
        f'mount --bind "{top / "db"}" "{top / "mnt"}"'
        f' && mount -o remount,ro,bind "{top / "mnt"}" && exec "$@"'
    )
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        ["unshare", "-m", "sh", "-c", mount, "sh", *args],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=top,
        **options,
    )


def files_in(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_uid, p.stat().st_size) for p in folder.iterdir()}


@pytest.mark.parametrize("writer_running", [False, True], ids=["alone", "ingester-running"])
@pytest.mark.parametrize("viewer_kind", ["nobody", "read-only-mount"])
def test_a_viewer_reads_a_database_it_cannot_write(
    shared: Path, writer_running: bool, viewer_kind: str
) -> None:
    data, db = shared / "data", shared / "db" / "centre.db"
    run, seen_as = as_nobody, db
    if viewer_kind == "read-only-mount":
        (shared / "mnt").mkdir()
        run, seen_as = on_a_read_only_mount, shared / "mnt" / "centre.db"
    target = data / "tickets.csv"
    target.write_text(HEADER + tickets(0, 40))
    target.chmod(0o644)
    engine = open_engine(db)
    loader = Loader(engine, data, settle_seconds=0)
    loader.load_all()
    if not writer_running:
        engine.dispose()  # no -wal or -shm left: SQLite needs them, and nobody cannot make them
    before = files_in(db.parent)

    viewer = run(
        [sys.executable, "-c", VIEWER_SNIPPET, str(seen_as), str(data)],
        shared,
        stdin=subprocess.PIPE,
    )
    assert viewer.stdout is not None and viewer.stdin is not None
    first = json.loads(viewer.stdout.readline() or "{}")
    expected = {"read_only": True, "before": 40, "ingest": [True, [READ_ONLY_NOTICE]]}
    assert first == expected, viewer.stderr and viewer.stderr.read()

    # The ingester (re)starts or goes on: its commits reach the viewer.
    with open(target, "a") as out:
        out.write(tickets(40, 55))
    loader.load_all()
    viewer.stdin.write("go\n")
    viewer.stdin.flush()
    seen = json.loads(viewer.stdout.readline() or "{}")
    viewer.wait(timeout=60)
    assert seen["after"] == 55
    assert seen["changed"] is True
    assert seen["load"] == f"database {seen_as} is read-only for this user"
    assert seen["write"] in {"attempt to write a readonly database", "unable to open database file"}
    assert all(uid == 0 for uid, _ in files_in(db.parent).values())
    assert set(files_in(db.parent)) <= set(before) | {"centre.db-wal", "centre.db-shm"}
    engine.dispose()


def test_report_as_a_viewer_reports_and_says_it_could_not_load(shared: Path) -> None:
    data, db = shared / "data", shared / "db" / "centre.db"
    (data / "tickets.csv").write_text(HEADER + tickets(0, 30))
    (data / "tickets.csv").chmod(0o644)
    engine = open_engine(db)
    Loader(engine, data, settle_seconds=0).load_all()
    engine.dispose()
    with open(data / "tickets.csv", "a") as out:
        out.write(tickets(30, 35))  # new rows the viewer may not load

    report = [sys.executable, "-m", "cxtui", "report", str(data), "--db", str(db)]
    viewer = as_nobody([*report, "--format", "json"], shared)
    out, err = viewer.communicate(timeout=120)
    assert viewer.returncode == 0, err
    assert json.loads(out)["queue"]["open"] == 30
    assert err.splitlines() == [
        f"cannot load new rows (database {db} is read-only for this user);"
        " reporting what the database has"
    ]


def test_a_viewer_asked_for_a_database_that_is_not_there_says_so_in_one_line(
    shared: Path,
) -> None:
    missing = shared / "db" / "centre.db"
    report = [sys.executable, "-m", "cxtui", "report", str(shared / "data"), "--db", str(missing)]
    viewer = as_nobody(report, shared)
    _out, err = viewer.communicate(timeout=120)
    assert viewer.returncode == 2
    assert err.splitlines() == [
        f"cxtui: cannot open database {missing}: it does not exist, and this user may not create it"
    ]
    assert list((shared / "db").iterdir()) == []
