"""Faults of a grading run (not of a student): what they are, how they are told, how tests cause them.

A run stops early, with exit code 3 and one line naming the cause, when the gradebook is lost for
longer than the retry time, the disk fills up, or the command itself fails; students are never
marked "autograde failed" for such a fault (:func:`fault_of` tells them apart from a student's).

Also here: the run's private work folders in the temporary directory (named after the run's
process id, so that the next run removes those of runs that were killed), and :func:`pause_point`,
the test hook that holds a run at a chosen moment (``DNN_LAB_TEST_PAUSE_AT``).
"""
import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

EXIT_STOPPED = 3
WORKDIR_PREFIX = "dnn-lab-autograde-"
DB_WAIT_SECONDS = 60.0      # how long a lost gradebook is waited for (DNN_LAB_AUTOGRADE_DB_WAIT)
MIN_FREE_BYTES = 64 << 20   # free space the course folder needs at least, besides 3× the submissions
LOW_SPACE_BYTES = 1 << 20   # below this, a failed write is put down to a full disk


class RunStopped(Exception):
    """The run cannot go on (exit 3): ``RunStopped(message_id, **params)``."""

    def __init__(self, message_id, **params):
        super().__init__(message_id)
        self.message_id, self.params = message_id, params


def db_wait_seconds():
    try:
        return float(os.environ.get("DNN_LAB_AUTOGRADE_DB_WAIT", DB_WAIT_SECONDS))
    except ValueError:
        return DB_WAIT_SECONDS


# ---- telling a run's fault from a student's -----------------------------------------------------------

_DB_ERRORS = {"OperationalError", "InterfaceError", "DisconnectionError"}
_DB_MODULES = ("sqlalchemy", "psycopg", "psycopg2", "sqlite3", "_sqlite3")
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def chain(exc):
    """``exc`` and the exceptions it was raised from or during."""
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def first_line(exc):
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def fault_of(exc):
    """``("disk", text)``, ``("gradebook", text)`` or None (then it is the student's failure, or a bug)."""
    for e in chain(exc):
        if isinstance(e, OSError) and e.errno in _DISK_ERRNOS:
            return "disk", f"{e.strerror}: {e.filename}" if e.filename else e.strerror
        text = str(e).lower()
        if "disk is full" in text or "disk i/o error" in text:
            return "disk", first_line(e)
    for e in chain(exc):
        if any(k.__name__ in _DB_ERRORS and k.__module__.split(".")[0] in _DB_MODULES for k in type(e).__mro__):
            return "gradebook", first_line(e)
    return None


def free_bytes(path):
    try:
        st = os.statvfs(path)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def low_space(*paths):
    """The first of ``paths`` whose file system is (nearly) full, or None."""
    for path in paths:
        free = free_bytes(path)
        if free is not None and free < LOW_SPACE_BYTES:
            return str(path)
    return None


def tree_size(paths):
    total = 0
    for path in paths:
        for folder, _, files in os.walk(path):
            for name in files:
                try:
                    total += os.lstat(os.path.join(folder, name)).st_size
                except OSError:
                    pass
    return total


# ---- work folders -----------------------------------------------------------------------------------

def make_workdir(folder=None):
    """A private folder for this run: ``dnn-lab-autograde-<pid>-<random>`` in the temporary directory."""
    return Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-", dir=folder))


def _alive(pid):
    """Is ``pid`` a running ``dnn-lab autograde``? (A reused pid of another program does not count.)"""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and b"autograde" in cmdline


def remove_stale_workdirs(folder=None):
    """Remove the work folders of runs that are gone (killed without a chance to clean up)."""
    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        try:
            pid = int(path.name[len(WORKDIR_PREFIX):].split("-", 1)[0])
            mine = path.stat().st_uid == os.geteuid()
        except (ValueError, OSError):
            continue
        if pid == os.getpid() or _alive(pid) or not mine:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


# ---- the test hook ------------------------------------------------------------------------------------

def pause_point(name):
    """Hold here if ``name`` is in ``DNN_LAB_TEST_PAUSE_AT`` (comma-separated): for tests only.

    The first process of the run to reach the point creates ``$DNN_LAB_TEST_PAUSE_DIR/<name>``
    (holding its pid) and waits, up to 10 minutes, for ``<name>.go`` to appear; later arrivals pass.
    ``<name>:<n>`` holds the n-th arrival instead (earlier ones leave ``<name>.<k>`` and pass), e.g.
    ``grade:2``: once the first student is graded, at the second.
    A signal delivered meanwhile is handled right here, as it would be at that moment of a real run.
    """
    points = os.environ.get("DNN_LAB_TEST_PAUSE_AT")
    if not points:
        return
    wanted = dict((p.partition(":")[0], int(p.partition(":")[2] or 1)) for p in points.split(","))
    if name not in wanted:
        return
    folder = Path(os.environ.get("DNN_LAB_TEST_PAUSE_DIR") or tempfile.gettempdir())
    for arrival in range(1, wanted[name]):
        try:
            os.close(os.open(folder / f"{name}.{arrival}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            return  # an earlier arrival than the one to hold
        except FileExistsError:
            continue
    try:
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    deadline = time.monotonic() + 600
    while not (folder / f"{name}.go").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
