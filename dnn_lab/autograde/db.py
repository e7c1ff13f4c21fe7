"""The gradebook of a grading run.

PostgreSQL (or any server database nbgrader supports) takes concurrent writers:
every worker writes its own student's rows directly. A SQLite file does not, so
with SQLite no worker ever writes to the course's gradebook: each student is
graded into a private copy of a snapshot taken at the start, and the parent
process merges that student's rows into the real file, one student per
transaction (``BEGIN IMMEDIATE`` with a long busy timeout, so two shard
processes on one shared file queue instead of failing).

nbgrader's ids are UUIDs and a private copy starts as a byte copy of the
gradebook, so a student's rows move across unchanged; manual grades and comments
already in the gradebook survive a regrade exactly as with ``nbgrader autograde``.
"""
import sqlite3


class GradebookError(Exception):
    """The gradebook cannot be used (unreachable, missing driver, not an nbgrader gradebook)."""


def display_url(url):
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def is_sqlite(url):
    return url.startswith("sqlite")


def sqlite_path(url):
    from sqlalchemy.engine import make_url
    return make_url(url).database


def open_gradebook(url, course_id):
    """nbgrader's ``Gradebook``; a one-line :class:`GradebookError` instead of a traceback."""
    from nbgrader.api import Gradebook
    try:
        return Gradebook(url, course_id)
    except ModuleNotFoundError as exc:
        raise GradebookError(f"{exc.name} (pip install 'dnn-lab[postgres]')") from None
    except Exception as exc:  # sqlalchemy wraps the driver's error; its first line says what happened
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise GradebookError(text[0] if text else type(exc).__name__) from None


def completed_students(gb, assignment):
    """Students whose submission of ``assignment`` has every grade filled in by autograde."""
    done = set()
    for submission in gb.find_assignment(assignment).submissions:
        grades = [g for nb in submission.notebooks for g in nb.grades]
        if all(g.auto_score is not None or g.needs_manual_grade for g in grades):
            done.add(submission.student_id)
    return done


def student_result(gb, assignment, student):
    """(score, max_score, needs_manual_grade) of one submission."""
    submission = gb.find_submission(assignment, student)
    return submission.score, submission.max_score, bool(submission.needs_manual_grade)


def snapshot(path, target):
    """A consistent copy of the SQLite gradebook ``path`` in ``target`` (the SQLite backup API)."""
    src = sqlite3.connect(path, timeout=600)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


_SUBMISSIONS = ("SELECT sa.id FROM {db}.submitted_assignment sa JOIN {db}.assignment a ON a.id = sa.assignment_id "
                "WHERE a.name = ? AND sa.student_id = ?")
_NOTEBOOKS = "SELECT id FROM {db}.submitted_notebook WHERE assignment_id IN (" + _SUBMISSIONS + ")"


def merge_student(path, private, assignment, student):
    """Replace ``student``'s submission of ``assignment`` in the SQLite file ``path`` by the one in ``private``.

    One transaction: the gradebook holds either the old rows or all the new ones.
    """
    con = sqlite3.connect(path, timeout=600, isolation_level=None)
    try:
        con.execute("ATTACH DATABASE ? AS priv", (str(private),))
        con.execute("BEGIN IMMEDIATE")
        try:
            key = (assignment, student)
            for table in ("grade", "comment"):
                con.execute(f"DELETE FROM main.{table} WHERE notebook_id IN ({_NOTEBOOKS.format(db='main')})", key)
            con.execute(f"DELETE FROM main.submitted_notebook WHERE assignment_id IN ({_SUBMISSIONS.format(db='main')})",
                        key)
            con.execute(f"DELETE FROM main.submitted_assignment WHERE id IN ({_SUBMISSIONS.format(db='main')})", key)
            con.execute("INSERT OR IGNORE INTO main.student SELECT * FROM priv.student WHERE id = ?", (student,))
            con.execute(f"INSERT INTO main.submitted_assignment SELECT * FROM priv.submitted_assignment "
                        f"WHERE id IN ({_SUBMISSIONS.format(db='priv')})", key)
            con.execute(f"INSERT INTO main.submitted_notebook SELECT * FROM priv.submitted_notebook "
                        f"WHERE assignment_id IN ({_SUBMISSIONS.format(db='priv')})", key)
            for table in ("grade", "comment"):
                con.execute(f"INSERT INTO main.{table} SELECT * FROM priv.{table} "
                            f"WHERE notebook_id IN ({_NOTEBOOKS.format(db='priv')})", key)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE priv")
    finally:
        con.close()
