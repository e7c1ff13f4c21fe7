"""`dnn-lab autograde` under faults: exit codes a batch system can trust, no process left behind.

Each fault is injected into a real run of a small generated class (`--jobs 2`): SIGTERM right after a
merge's COMMIT and SIGKILL inside a merge's transaction (SQLite), a course on a small tmpfs that fills
up, a read-only gradebook (a read-only bind mount; SQLite) and a read-only PostgreSQL database, a real
PostgreSQL stopped for a second and stopped for good, and a run SIGKILLed while a student's grade rows
exist but are not scored yet (then finished with other slicings, its journal deleted). The moment is
chosen with the test hook `DNN_LAB_TEST_PAUSE_AT` (`dnn_lab.autograde.faults.pause_point`).

Asserted each time: the exit code and the one line that names the cause; that no process of the run
(parent, workers, their kernels) is alive after it returned; and that after the documented recovery
(run the same command again) the gradebook equals an undisturbed run's, per student and per cell.
These tests mount file systems, so they run as root (as in CI).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from classroom import ASSIGNMENT, class_template, copy_course, generate_into, gradebook_scores
from dnn_lab.autograde import db, faults
from dnn_lab.autograde.shards import shard_of
from dnn_lab.messages import t_short

CLASS_SIZE = 3  # full, empty, partial: a mixed class (three totals), nobody nbgrader fails
DNN_LAB = [sys.executable, "-m", "dnn_lab.cli"]
AUTOGRADE = [*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2", "--lang", "en"]
RUN_TMP = Path(tempfile.gettempdir()) / f"dnn-lab-faults-tmp-{os.getpid()}"  # the runs' TMPDIR: their work folders


# ---- fast unit tests ------------------------------------------------------------------------------

def test_graded_is_decided_by_scored_test_cells(tmp_path):
    """Rows alone (as nbgrader creates them before scoring) are not 'graded'; scored test cells are,
    and a manually graded answer cell left unscored does not hold a student back."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'gb.db'}") as gb:
        gb.add_assignment("a")
        gb.add_notebook("n", "a")
        gb.add_grade_cell("test1", "n", "a", max_score=5, cell_type="code")
        gb.add_grade_cell("test2", "n", "a", max_score=5, cell_type="code")
        gb.add_grade_cell("answer", "n", "a", max_score=5, cell_type="code")  # manually graded answer
        gb.add_solution_cell("answer", "n", "a")
        gb.add_grade_cell("essay", "n", "a", max_score=5, cell_type="markdown")
        for s in ("half", "done", "never"):
            gb.add_student(s)
        gb.add_submission("a", "half")
        gb.add_submission("a", "done")
        assert db.scored_cells(gb, "a") == {("n", "test1"), ("n", "test2")}
        assert db.completed_students(gb, "a") == set()  # rows exist, flagged "needs manual grade"
        gb.find_grade("test1", "n", "a", "half").auto_score = 5
        for name in ("test1", "test2"):
            gb.find_grade(name, "n", "a", "done").auto_score = 0
        gb.find_grade("answer", "n", "a", "done").manual_score = 4
        gb.db.commit()
        assert db.completed_students(gb, "a") == {"done"}
        db.clear_auto_scores(gb, "a", "done")  # a regrade starts: it does not count until it finishes
        assert db.completed_students(gb, "a") == set()
        assert gb.find_grade("answer", "n", "a", "done").manual_score == 4  # manual grades stay
        db.clear_auto_scores(gb, "a", "never")  # no submission: nothing to clear


def test_faults_of_the_run_are_told_from_the_students():
    """Disk full and a lost database are the run's faults (even wrapped as nbgrader wraps them)."""
    import errno
    import sqlalchemy.exc
    assert faults.fault_of(OSError(errno.ENOSPC, "No space left on device", "/c/x.ipynb"))[0] == "disk"
    lost = sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    try:
        try:
            raise lost
        except Exception as exc:
            raise RuntimeError("nbgrader wrapped it") from exc
    except RuntimeError as wrapped:
        assert faults.fault_of(wrapped) == ("gradebook", "server closed the connection")
    full = sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("database or disk is full"))
    assert faults.fault_of(full)[0] == "disk"
    assert faults.fault_of(ValueError("the student's bug")) is None
    assert faults.fault_of(None) is None


@pytest.mark.parametrize("point, committed", [("merge", False), ("merged", True)])
def test_an_interrupt_inside_a_merge_is_not_replaced(tmp_path, monkeypatch, point, committed):
    """Ctrl-C inside the transaction rolls it back; right after COMMIT nothing is rolled back (there is
    no transaction): either way the KeyboardInterrupt itself comes out, not a rollback error."""
    from nbgrader.api import Gradebook
    main, private = tmp_path / "gradebook.db", tmp_path / "private.db"
    with Gradebook(f"sqlite:///{main}") as gb:
        gb.add_assignment("a")
        gb.add_notebook("n", "a")
        gb.add_grade_cell("g", "n", "a", max_score=10, cell_type="code")
        gb.add_student("s1")
    db.snapshot(main, private)
    with Gradebook(f"sqlite:///{private}") as gb:
        gb.add_submission("a", "s1")
        gb.find_grade("g", "n", "a", "s1").auto_score = 7
        gb.db.commit()

    def interrupt(name):
        if name == point:
            raise KeyboardInterrupt
    monkeypatch.setattr(db, "pause_point", interrupt)
    with pytest.raises(KeyboardInterrupt):
        db.merge_student(main, private, "a", "s1")
    with Gradebook(f"sqlite:///{main}") as gb:
        assert len(gb.find_assignment("a").submissions) == (1 if committed else 0)


def test_the_pause_hook_holds_the_chosen_arrival(tmp_path, monkeypatch):
    """Does the test hook hold only the arrival ``name:n`` asks for (the first by default), and let every other
    arrival and every other point pass?"""
    monkeypatch.setenv("DNN_LAB_TEST_PAUSE_DIR", str(tmp_path))
    monkeypatch.setenv("DNN_LAB_TEST_PAUSE_AT", "grade:2,merge")
    (tmp_path / "grade.go").touch()  # so the held arrival returns at once
    faults.pause_point("merged")
    faults.pause_point("grade")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grade.1", "grade.go"]  # passed, not held
    faults.pause_point("grade")
    assert (tmp_path / "grade").read_text() == str(os.getpid())  # the second arrival held
    faults.pause_point("grade")
    (tmp_path / "merge.go").touch()
    faults.pause_point("merge")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grade", "grade.1", "grade.go", "merge", "merge.go"]


def test_sqlite_shards_on_a_network_file_system_are_refused(tmp_path):
    """Where the SQLite gradebook lives decides: a network file system (NFS here) is refused for
    --shard, a local one (this machine's, and a real tmpfs mounted now) is not."""
    mountinfo = ("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                 "97 22 0:52 / /srv/course rw,relatime shared:50 - nfs4 fs:/export/course rw,vers=4.2\n"
                 "98 97 0:53 / /srv/course/local\\040copy rw - tmpfs tmpfs rw\n")
    assert db.shared_sqlite_problem("sqlite:////srv/course/gradebook.db", mountinfo) == "nfs4"
    assert db.shared_sqlite_problem("sqlite:////srv/course/local copy/gradebook.db", mountinfo) is None
    assert db.shared_sqlite_problem("sqlite:////srv/courses/gradebook.db", mountinfo) is None  # not a prefix
    mount = tmp_path / "mnt"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        assert db.filesystem_type(mount / "gradebook.db") == "tmpfs"
        assert db.shared_sqlite_problem(f"sqlite:///{mount}/gradebook.db") is None
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_stale_work_folders_of_dead_runs_are_removed(tmp_path):
    """A work folder whose run is gone is removed; one of a live run, and our own, are kept."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Path(tempfile.mkdtemp(prefix=f"{faults.WORKDIR_PREFIX}{dead.pid}-", dir=tmp_path))
    (stale / "student-1.db").write_bytes(b"x")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "autograde"])
    deadline = time.monotonic() + 30
    while b"time.sleep(60)" not in Path(f"/proc/{live.pid}/cmdline").read_bytes():  # until it has exec'd
        assert time.monotonic() < deadline
        time.sleep(0.01)
    kept = Path(tempfile.mkdtemp(prefix=f"{faults.WORKDIR_PREFIX}{live.pid}-", dir=tmp_path))
    own = faults.make_workdir(tmp_path)
    other = tmp_path / f"{faults.WORKDIR_PREFIX}notapid"
    other.mkdir()
    try:
        assert faults.remove_stale_workdirs(tmp_path) == [stale]
        assert not stale.exists() and kept.exists() and own.exists() and other.exists()
    finally:
        live.kill()
        live.wait()


# ---- the class ------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def run_tmp():
    """The runs' own temporary folder: another run on this machine never removes our killed run's work."""
    RUN_TMP.mkdir(exist_ok=True)
    yield RUN_TMP
    shutil.rmtree(RUN_TMP, ignore_errors=True)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    course, kinds = class_template(tmp_path_factory.mktemp("faults") / "template", CLASS_SIZE)
    assert sorted(set(kinds.values())) == ["empty", "full", "partial"]
    return course, kinds


@pytest.fixture(scope="module")
def reference(template, pg):
    """An undisturbed `dnn-lab autograde --jobs 2` of the class (PostgreSQL gradebook)."""
    course = copy_course(template, template[0].parent / "reference")
    url = pg.create_database("reference")
    generate_into(course, url)
    proc = subprocess.run([*AUTOGRADE, "--db", url], cwd=course, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    scores = gradebook_scores(url)
    assert set(scores) == set(template[1]) and len({total for total, _ in scores.values()}) > 1
    assert all(len(cells) == 10 and all(auto is not None for auto, _ in cells.values())
               for _, cells in scores.values())
    return scores


def start(course, *args, pause=None, env=None):
    """A run in the background, held at ``pause`` (see faults.pause_point) if given."""
    folder = Path(tempfile.mkdtemp(prefix="pause-"))
    env = {**os.environ, **(env or {}), "DNN_LAB_TEST_PAUSE_DIR": str(folder), "TMPDIR": str(RUN_TMP)}
    if pause:
        env["DNN_LAB_TEST_PAUSE_AT"] = pause
    proc = subprocess.Popen([*AUTOGRADE, *args], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, process_group=0)
    proc.pause_dir = folder
    return proc


def wait_paused(proc, point, timeout=900):
    """The pid of the process held at ``point``."""
    flag = proc.pause_dir / point
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if flag.exists() and flag.read_text():
            return int(flag.read_text())
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended ({proc.returncode}) before {point}:\n{out[-3000:]}\n{err[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"the run never reached {point}")


def release(proc, point):
    (proc.pause_dir / f"{point}.go").touch()


def finish(proc, timeout=900):
    out, err = proc.communicate(timeout=timeout)
    shutil.rmtree(proc.pause_dir, ignore_errors=True)
    return proc.returncode, out, err


def _stat(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields  # [0] state, [1] ppid, [19] start time


def process_tree(root):
    """{(pid, start time)} of ``root`` and all its descendants, now."""
    children = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(entry.name)
        if fields:
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    tree, todo = set(), [(root, (_stat(root) or [None] * 20)[19])]
    while todo:
        pid, started = todo.pop()
        tree.add((pid, started))
        todo.extend(children.get(pid, []))
    return tree


def alive(tree, settle=1.0):
    """Those of ``tree`` still running after ``settle`` seconds (a zombie is not running)."""
    deadline = time.monotonic() + settle
    while True:
        left = {(pid, started) for pid, started in tree
                if (f := _stat(pid)) is not None and f[19] == started and f[0] != "Z"}
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)


def worker_count(tree):
    return sum(b"dnn_lab.autograde.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
               for pid, _ in tree if Path(f"/proc/{pid}/cmdline").exists())


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-3000:]
    return lines[0]


def complete_rerun(course, *args):
    code, out, err = finish(start(course, *args))
    assert code == 0, out[-3000:] + err[-3000:]
    assert "autograde failed" not in out
    return out


# ---- signals inside a merge (SQLite) ----------------------------------------------------------------

@pytest.mark.nbgrader
@pytest.mark.slow
def test_signals_inside_a_merge(template, reference, tmp_path):
    """SIGTERM right after a merge's COMMIT exits 130 with the 'interrupted' line (not the rollback's
    error); SIGKILL inside a merge's transaction leaves no worker and a work folder the next run
    removes; SIGTERM to the parent and its workers at once is an interruption, not failed students;
    running the same command again gives the undisturbed gradebook."""
    course = copy_course(template, tmp_path / "course")
    url = f"sqlite:///{course / 'gradebook.db'}"

    run = start(course, pause="merged")
    wait_paused(run, "merged")
    tree = process_tree(run.pid)
    assert worker_count(tree) == 2
    run.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    release(run, "merged")
    code, out, err = finish(run)
    assert code == 130, out + err
    assert "Traceback" not in err and "cannot rollback" not in err
    lines = out.strip().splitlines()
    assert lines[-1].startswith(f"interrupted: 1 grades kept; {CLASS_SIZE - 1} unfinished: ") and \
        "Run the same command again" in lines[-1], out
    (merged, (total, _)), = gradebook_scores(url).items()  # the merged student is kept and was told
    assert lines[-2].startswith(f"[1/{CLASS_SIZE}] {merged}: {total:g}/100 (")
    assert not alive(tree)

    run = start(course, pause="merge")
    wait_paused(run, "merge")
    tree = process_tree(run.pid)
    workdirs = set(RUN_TMP.glob(f"{faults.WORKDIR_PREFIX}{run.pid}-*"))
    assert worker_count(tree) >= 1 and len(workdirs) == 1
    run.kill()  # SIGKILL to the parent alone: its workers must notice
    finish(run)
    assert not alive(tree, settle=2.0)
    assert all(p.exists() for p in workdirs)  # nobody could clean up ...

    run = start(course, pause="grade")  # SIGTERM to every process of the run at once, as a batch system does
    wait_paused(run, "grade")
    tree = process_tree(run.pid)
    assert not any(p.exists() for p in workdirs)  # ... until the next run
    for pid, _ in sorted(tree, key=lambda entry: entry[0] != run.pid):  # the parent first
        os.kill(pid, signal.SIGTERM)
    release(run, "grade")
    code, out, err = finish(run)
    assert code == 130 and "autograde failed" not in out, out + err
    assert out.strip().splitlines()[-1].startswith("interrupted: "), out
    assert not alive(tree)

    complete_rerun(course)
    assert gradebook_scores(url) == reference
    assert not list((course / ".dnn_lab" / "autograde").glob("inflight-*.json"))


# ---- a full disk, a read-only gradebook ---------------------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder, leave=0):
    """Fill the file system of ``folder`` until ``leave`` bytes are free; returns the filler."""
    filler = folder / "filler.bin"
    chunk = b"\0" * (1 << 20)
    with open(filler, "wb", buffering=0) as fh:
        try:
            while (faults.free_bytes(folder) or 0) > leave + len(chunk):
                fh.write(chunk)
            fh.write(b"\0" * max(0, (faults.free_bytes(folder) or 0) - leave))
            while not leave:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


@pytest.mark.nbgrader
@pytest.mark.slow
def test_disk_full(template, reference, tmpfs):
    """Too little space is refused up front (exit 2); a disk that fills up mid-run stops it (exit 3, one
    line naming the disk, nobody marked failed); after freeing space the same command finishes it."""
    course = copy_course(template, tmpfs / "course")
    url = f"sqlite:///{course / 'gradebook.db'}"
    filler = fill(tmpfs, leave=20 << 20)
    code, out, err = finish(start(course))
    assert code == 2 and str(course) in one_line(err) and "free some space first" in err, out + err
    assert not (course / "autograded").exists()
    filler.unlink()

    run = start(course, pause="grade")
    wait_paused(run, "grade")
    tree = process_tree(run.pid)
    filler = fill(tmpfs)
    release(run, "grade")
    code, out, err = finish(run)
    assert code == faults.EXIT_STOPPED, out + err
    line = one_line(err)
    assert line.startswith("dnn-lab: stopped early: the disk of ") and " is full (" in line, line
    assert str(tmpfs) in line and "Run the same command again" in line
    assert "autograde failed" not in out
    assert not alive(tree)

    filler.unlink()
    complete_rerun(course)
    assert gradebook_scores(url) == reference


@pytest.mark.nbgrader
@pytest.mark.postgres
def test_read_only_gradebooks_are_refused_up_front(template, pg, tmp_path):
    """A read-only gradebook.db (read-only bind mount) and a read-only PostgreSQL database: exit 2,
    one line, before anything is graded."""
    course = copy_course(template, tmp_path / "course")
    gradebook = course / "gradebook.db"
    subprocess.run(["mount", "--bind", str(gradebook), str(gradebook)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(gradebook)], check=True)
        code, out, err = finish(start(course))
    finally:
        subprocess.run(["umount", str(gradebook)], check=True)
    expected = t_short("autograde.err.readonly", "en", db=f"sqlite:///{gradebook}",
                       error=f"{gradebook}: Read-only file system")
    assert (code, one_line(err)) == (2, "dnn-lab: " + expected), out + err
    assert not (course / "autograded").exists()

    url = pg.create_database("readonly")
    generate_into(course, url)
    import psycopg
    with psycopg.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres",
                         autocommit=True) as con:
        con.execute('ALTER DATABASE "readonly" SET default_transaction_read_only = on')
    code, out, err = finish(start(course, "--db", url))
    assert code == 2 and "read-only transaction" in one_line(err) and pg.url("readonly") in err, out + err
    assert not (course / "autograded").exists()


# ---- PostgreSQL lost -----------------------------------------------------------------------------------

@pytest.mark.nbgrader
@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_outages(template, pg, reference, tmp_path):
    """Stopped for about a second while a worker needs it: waited for, nobody fails, same gradebook.
    Stopped for longer than the wait: exit 3 and one line naming the gradebook, no process left; with
    the server back, the same command finishes the class."""
    course = copy_course(template, tmp_path / "short")
    url = pg.create_database("short")
    generate_into(course, url)
    run = start(course, "--db", url, pause="grade")
    wait_paused(run, "grade")  # a worker holds a student with grade rows, unscored
    pg.halt()
    release(run, "grade")  # its next step reads the gradebook: gone
    time.sleep(1.0)
    pg.resume()
    code, out, err = finish(run)
    assert code == 0, out + err
    assert "autograde failed" not in out and out.count(f"/{CLASS_SIZE}]") == CLASS_SIZE
    assert t_short("autograde.db_back", "en") in out and "does not answer" in out  # the fault did happen
    assert gradebook_scores(url) == reference

    course = copy_course(template, tmp_path / "long")
    url = pg.create_database("long")
    generate_into(course, url)
    run = start(course, "--db", url, pause="grade", env={"DNN_LAB_AUTOGRADE_DB_WAIT": "3"})
    wait_paused(run, "grade")
    tree = process_tree(run.pid)
    pg.halt()
    try:
        release(run, "grade")
        code, out, err = finish(run)
        assert code == faults.EXIT_STOPPED, out + err
        line = one_line(err)
        assert line.startswith(f"dnn-lab: stopped early: the gradebook {pg.url('long')} could not be reached "
                               f"for "), line
        assert "Connection refused" in line and "Run the same command again" in line
        assert "autograde failed" not in out
        assert not alive(tree)
    finally:
        pg.resume()
    complete_rerun(course, "--db", url)
    assert gradebook_scores(url) == reference


# ---- #25: a student killed half-way is regraded by any later slicing --------------------------------

@pytest.mark.nbgrader
@pytest.mark.postgres
@pytest.mark.slow
def test_half_graded_student_is_regraded_by_another_slicing(template, pg, reference, tmp_path):
    """SIGKILL while a student's grade rows exist but are unscored, journal deleted: `--shard K/3` (the
    student's slice of three) regrades that student, no `--shard` grades the rest; nobody twice."""
    course = copy_course(template, tmp_path / "course")
    url = pg.create_database("halfway")
    generate_into(course, url)
    run = start(course, "--db", url, "--shard", "1/2", "--jobs", "1", pause="grade")
    wait_paused(run, "grade")
    tree = process_tree(run.pid)
    half = gradebook_scores(url)
    assert len(half) == 1
    (victim, (_, cells)), = half.items()
    assert all(auto is None for auto, _ in cells.values())  # rows created, nothing scored
    os.killpg(run.pid, signal.SIGKILL)  # the task's process group, as a batch system kills it
    finish(run)
    assert not alive(tree, settle=2.0)
    for journal in (course / ".dnn_lab" / "autograde").glob("inflight-*.json"):
        journal.unlink()

    k = shard_of(victim, 3)
    out = complete_rerun(course, "--db", url, "--shard", f"{k}/3")
    assert f"] {victim}: {reference[victim][0]:g}/100" in out
    assert gradebook_scores(url)[victim] == reference[victim]
    out = complete_rerun(course, "--db", url)
    others = [s for s in reference if shard_of(s, 3) != k]
    assert out.count(f"/{len(others)}]") == len(others) and f"] {victim}:" not in out
    assert gradebook_scores(url) == reference
