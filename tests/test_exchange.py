"""Nobody cheats through the exchange (issue 21), tried with real Unix users on one machine.

A course from ``dnn-lab course init`` with its exchange under a fresh root (1777, as an administrator
makes it); one instructor and four students created with ``useradd``; every command runs as its
person with ``runuser`` (never the attackers as root): ``nbgrader fetch_assignment``/``submit`` for the
students, ``nbgrader release_assignment``/``collect``, ``dnn-lab autograde``, ``nbgrader
generate_feedback``/``release_feedback`` for the instructor.

- alice leaves her notebook untouched (the victim: mallory submits a perfect notebook in her name);
- bob solves everything, and his notebook carries a grade cell of another assignment;
- mallory solves three exercises honestly, puts scripts in her markdown and outputs, then cheats:
  ``submit --student=alice``, a hand-made folder named for alice, a future timestamp, a folder whose
  notebook is a symbolic link to the instructor's source (plus links to the gradebook), renaming the
  course's exchange folder;
- dave solves everything and then tries to stop the collect: a 2 GB (sparse) file and 3,000 small
  files next to his notebook, a notebook over the size limit, a FIFO named like the notebook.

Outcomes asserted: each grade is what that student's own code deserves, no solution or hidden-test
line, no gradebook byte reaches a student, the instructor's browser (Chromium on formgrader's view and
on the feedback) never runs the student's script (a marker it would set stays unset), the exchange is
intact, and everyone is collected and graded in bounded time, with one line per refusal.
"""
import html as html_lib
import json
import os
import pwd
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from browser_util import CHROMIUM, require_chromium
from nbutil import fill, grade_id, hidden_test_lines, solution_lines, solution_sources

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ASSIGNMENT = "step_by_step"
COURSE_ID = "dnn_x"
SOLVED = solution_sources(ASSIGNMENT)
MALLORY_SOLVES = ("initialize_parameters", "linear_forward", "compute_cost")
MARKER_JS = "window.__dnn_lab_pwned = 1; document.title = 'PWNED'"
XSS_MARKDOWN = (f"My notes <img src=x onerror=\"{MARKER_JS}\"> and <svg onload=\"{MARKER_JS}\"></svg>\n\n"
                f"<script>{MARKER_JS}</script>\n\n[click](javascript:void(window.__dnn_lab_pwned=1))")
XSS_CODE = ("from IPython.display import HTML, Javascript, display\n"
            f"display(HTML('<b>loud</b><img src=y onerror=\"{MARKER_JS}\">'))\n"
            f"display(Javascript(\"{MARKER_JS}\"))\n")


# ---- people and commands -------------------------------------------------------------------------

def _unreachable(path):
    path = Path(path).resolve()
    for p in [*reversed(path.parents), path]:
        if not p.stat().st_mode & stat.S_IXOTH:
            return p
    return None


class Machine:
    """Users created for one test module, and ``run(user, *cmd)``: the command as that user (runuser, a
    clean environment).  When the interpreter lives behind a folder other users cannot traverse
    (pyenv under /root, 700), each command gets a private mount namespace where a 711 tmpfs over
    that folder opens only the interpreter's tree: nothing on the machine changes mode."""

    def __init__(self, root):
        self.root = Path(root)
        self.run_id = secrets.token_hex(2)
        self.users = []
        real = Path(os.path.realpath(sys.executable))
        blocked = _unreachable(real)
        self.opening = None
        if blocked is not None:
            child = blocked / real.relative_to(blocked).parts[0]
            stage = self.root / "stage"
            stage.mkdir()
            self.opening = (blocked, child, stage)
        for path in (Path(sys.prefix), REPO / "dnn_lab"):
            if _unreachable(path) is not None and not (self.opening and self.opening[0] in path.parents):
                pytest.fail(f"{_unreachable(path)} is not traversable by other users: they cannot run {sys.executable}")

    def add_user(self, role):
        name = f"dx{self.run_id}{role}"
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True, capture_output=True)
        self.users.append(name)
        os.chmod(self.home(name), 0o700)
        return name

    def home(self, user):
        return Path(pwd.getpwnam(user).pw_dir)

    def env(self, user):
        return {"HOME": str(self.home(user)), "USER": user, "LOGNAME": user, "PATH": f"{BIN}:/usr/bin:/bin",
                "LANG": "C.UTF-8", "PYTHONPATH": str(REPO), "JUPYTER_CONFIG_PATH": str(self.root / "config"),
                "MPLBACKEND": "Agg"}

    def run(self, user, *cmd, cwd=None, check=True, timeout=600):
        cmd = [str(BIN / cmd[0]) if (BIN / cmd[0]).exists() else cmd[0], *map(str, cmd[1:])]
        inner = ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in self.env(user).items()), *cmd]
        cwd = str(cwd or self.home(user))
        if self.opening:
            blocked, child, stage = self.opening
            script = (f"set -e; mount --bind {child} {stage}; mount -t tmpfs -o mode=0711 dnnx {blocked}; "
                      f"mkdir -p {child}; mount --bind {stage} {child}; cd \"$0\"; exec \"$@\"")
            full = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, cwd, *inner]
        else:
            full = inner
        result = subprocess.run(full, cwd="/", capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} as {user} exited {result.returncode}:\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def close(self):
        for name in self.users:
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True)


def _student_notebook(release_nb, answers, extra_cells=()):
    nb = fill(nbformat.from_dict(json.loads(json.dumps(release_nb))), answers)
    nb.cells.extend(extra_cells)
    return nb


def _drop(machine, name, nb):
    """A notebook put where every user may copy it from (the students' own files are written by them)."""
    folder = machine.root / "drop"
    folder.mkdir(exist_ok=True, mode=0o755)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    path.chmod(0o644)
    return path


# ---- the class ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course():
    if os.geteuid() != 0:
        pytest.fail("the exchange tests need root (useradd, runuser)")
    root = Path(tempfile.mkdtemp(prefix="dnn-lab-exchange-"))
    root.chmod(0o755)  # the users reach the exchange and the config below it
    machine = Machine(root)
    try:
        yield _build(machine, root)
    finally:
        machine.close()
        shutil.rmtree(root, ignore_errors=True)


def _build(machine, root):
    t0 = time.monotonic()
    teacher = machine.add_user("i")
    alice, bob, mallory, dave = (machine.add_user(r) for r in ("a", "b", "m", "d"))
    exchange = root / "exchange"
    exchange.mkdir(mode=0o755)
    exchange.chmod(0o1777)
    config = root / "config"
    config.mkdir(mode=0o755)
    from dnn_lab.exchange import config_lines
    (config / "nbgrader_config.py").write_text(
        "c = get_config()\n" f"c.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
        + config_lines(teacher))
    (config / "nbgrader_config.py").chmod(0o644)
    home = machine.home(teacher)
    course_dir = home / "course"
    # as an administrator sets it up (the checkout's assignments/ may be closed to other users meanwhile)
    from dnn_lab.course import init_course
    init_course(course_dir, lang="en")
    with open(course_dir / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write(f"\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
                 f"c.DnnLabGrader.timeout = 10\n")
    subprocess.run(["chown", "-R", f"{teacher}:{teacher}", str(course_dir)], check=True)
    course_dir.chmod(0o700)
    machine.run(teacher, "nbgrader", "generate_assignment", ASSIGNMENT, cwd=course_dir)
    machine.run(teacher, "nbgrader", "release_assignment", ASSIGNMENT, cwd=course_dir)
    release_nb = nbformat.read(course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    _parallel(lambda student: machine.run(student, "nbgrader", "fetch_assignment", ASSIGNMENT),
              (alice, bob, mallory, dave))

    def submit(student, nb, *extra, name=None):
        path = _drop(machine, name or student, nb)
        machine.run(student, "cp", path, machine.home(student) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        return machine.run(student, "nbgrader", "submit", ASSIGNMENT, *extra)

    # the honest ones
    foreign = new_code_cell("# a cell copied from another course\nprint('hello')")
    foreign.metadata["nbgrader"] = {"grade": True, "grade_id": "other_course_test", "points": 50, "locked": True,
                                    "solution": False, "schema_version": 3}
    mallory_own = {k: SOLVED[k] for k in MALLORY_SOLVES}
    honest = {alice: release_nb, bob: _student_notebook(release_nb, SOLVED, [foreign]),
              mallory: _student_notebook(release_nb, mallory_own,
                                         [new_markdown_cell(XSS_MARKDOWN), new_code_cell(XSS_CODE)]),
              dave: _student_notebook(release_nb, SOLVED)}
    _parallel(lambda student: submit(student, honest[student]), honest)
    time.sleep(1.1)  # later timestamps for the attacks

    inbound = exchange / COURSE_ID / "inbound"
    attacks = {}
    # mallory 1: nbgrader's own submit with another student's name, a perfect notebook
    attacks["as_alice"] = submit(mallory, _student_notebook(release_nb, SOLVED), f"--student={alice}",
                                 name="perfect")
    # mallory 2-4: folders made by hand in the inbound
    src_nb = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    perfect = _drop(machine, "perfect", _student_notebook(release_nb, SOLVED))
    script = f"""
set -e
cd {inbound}
d="{alice}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+hand"; mkdir "$d"; cp {perfect} "$d/{ASSIGNMENT}.ipynb"
d="{mallory}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+late"; mkdir "$d"; cp {perfect} "$d/{ASSIGNMENT}.ipynb"
d="{mallory}+{ASSIGNMENT}+$(date -u '+%Y-%m-%d %H:%M:%S.%6N UTC')+link"; mkdir "$d"
ln -s {src_nb} "$d/{ASSIGNMENT}.ipynb"; ln -s {course_dir}/gradebook.db "$d/gradebook.db"
ln -s {course_dir}/source "$d/source"
"""
    attacks["hand_made"] = machine.run(mallory, "sh", "-c", script)
    attacks["rename_course"] = machine.run(mallory, "mv", exchange / COURSE_ID, exchange / "moved", check=False)
    attacks["replace_outbound"] = machine.run(mallory, "mkdir", exchange / COURSE_ID / "x", check=False)
    # dave: a huge sparse file and many small ones beside his notebook, an oversized notebook, a FIFO
    dave_nb = _drop(machine, "dave", _student_notebook(release_nb, SOLVED))
    stamp = "$(date -u '+%Y-%m-%d %H:%M:%S.%6N UTC')"
    script = f"""
set -e
cd {inbound}
d="{dave}+{ASSIGNMENT}+{stamp}+many"; mkdir "$d"; cp {dave_nb} "$d/{ASSIGNMENT}.ipynb"
truncate -s 2G "$d/big.bin"; mkdir "$d/junk"; cd "$d/junk"; seq 1 3000 | xargs touch; cd {inbound}
sleep 1.1
d="{dave}+{ASSIGNMENT}+{stamp}+huge"; mkdir "$d"; truncate -s 60M "$d/{ASSIGNMENT}.ipynb"
sleep 1.1
d="{dave}+{ASSIGNMENT}+{stamp}+fifo"; mkdir "$d"; mkfifo "$d/{ASSIGNMENT}.ipynb"
"""
    attacks["dave"] = machine.run(dave, "sh", "-c", script)

    t_collect = time.monotonic()
    collect = machine.run(teacher, "nbgrader", "collect", ASSIGNMENT, cwd=course_dir, timeout=300)
    collect_seconds = time.monotonic() - t_collect
    t_grade = time.monotonic()
    grade = machine.run(teacher, "dnn-lab", "autograde", ASSIGNMENT, "--jobs", "2", cwd=course_dir,
                        check=False, timeout=900)
    grade_seconds = time.monotonic() - t_grade
    machine.run(teacher, "nbgrader", "generate_feedback", ASSIGNMENT, cwd=course_dir)
    machine.run(teacher, "nbgrader", "release_feedback", ASSIGNMENT, cwd=course_dir)
    feedback = {}

    def fetch_feedback(student):
        machine.run(student, "nbgrader", "fetch_feedback", ASSIGNMENT)
        found = sorted((machine.home(student) / ASSIGNMENT / "feedback").rglob("*.html"))
        feedback[student] = found[-1].read_text(encoding="utf-8") if found else ""
    _parallel(fetch_feedback, (alice, bob, mallory))  # dave's collected folder was made by hand: not in his cache
    print(f"exchange class: set up, submitted and attacked in {t_collect - t0:.0f} s; built and graded in "
          f"{time.monotonic() - t0:.0f} s "
          f"(collect {collect_seconds:.1f} s, autograde {grade_seconds:.1f} s)")
    return {"machine": machine, "teacher": teacher, "alice": alice, "bob": bob, "mallory": mallory, "dave": dave,
            "course": course_dir, "exchange": exchange, "inbound": inbound, "attacks": attacks,
            "collect": collect, "collect_seconds": collect_seconds, "grade": grade, "grade_seconds": grade_seconds,
            "feedback": feedback}


def _parallel(fn, items):
    """``fn`` for each item at once (different people's commands), re-raising the first failure."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(fn, item) for item in items]:
            future.result()


def _scores(course):
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{course['course']}/gradebook.db", COURSE_ID) as gb:
        for submission in gb.find_assignment(ASSIGNMENT).submissions:
            cells = {}
            for nb in submission.notebooks:
                for g in nb.grades:
                    cells[g.name] = (g.auto_score, g.max_score)
            out[submission.student_id] = (submission.score, submission.max_score, cells)
    return out


# ---- outcomes ------------------------------------------------------------------------------------------

def test_every_grade_is_what_that_students_own_code_deserves(course):
    assert course["grade"].returncode == 0, course["grade"].stdout[-3000:] + course["grade"].stderr[-3000:]
    scores = _scores(course)
    assert set(scores) == {course[s] for s in ("alice", "bob", "mallory", "dave")}
    score, top, _ = scores[course["alice"]]
    assert score == 0 and top > 0            # the perfect notebook in her name did not count
    for honest in ("bob", "dave"):
        score, top, cells = scores[course[honest]]
        assert score == top, (honest, cells)  # bob's foreign grade cell cost nothing; dave's junk neither
    score, top, cells = scores[course["mallory"]]
    for name, (got, most) in cells.items():
        mine = name[:-len("_test")] in MALLORY_SOLVES
        assert got == (most if mine else 0), (name, got, most)
    assert 0 < score < top


def test_collect_refuses_each_cheat_in_one_line_naming_the_student(course):
    log = course["collect"].stdout + course["collect"].stderr
    alice, mallory, dave = course["alice"], course["mallory"], course["dave"]
    assert re.search(rf"refused {alice}'s submission {alice}\+{ASSIGNMENT}\+.*?: it claims to be {alice}'s "
                     rf"but was made by {mallory}", log), log
    assert re.search(rf"refused {mallory}'s submission {mallory}\+\S+\+2099.*?\+late: "
                     rf"its timestamp .* is in the future", log), log
    assert re.search(rf"refused {mallory}'s submission {mallory}\+.*?\+link: "
                     rf"{ASSIGNMENT}.ipynb is a symbolic link", log), log
    assert re.search(rf"refused {dave}'s submission {dave}\+.*?\+fifo: "
                     rf"{ASSIGNMENT}.ipynb is not a regular file", log), log
    assert re.search(rf"refused {dave}'s submission {dave}\+.*?\+huge: "
                     rf"{ASSIGNMENT}.ipynb is too big", log), log
    assert re.search(rf"{dave}'s submission {dave}\+.*?\+many: 2 other files are not part of the assignment", log), log
    assert "cheating attempt" not in log      # nbgrader's own collect (which only warns) did not run
    recorded = [json.loads(line) for line in
                (course["course"] / ".dnn_lab" / "exchange" / f"refused-{ASSIGNMENT}.jsonl").read_text().splitlines()]
    reasons = sorted((r["student"], r["reason"]) for r in recorded)
    assert reasons == sorted([(alice, "owner"), (alice, "owner"), (mallory, "future"), (mallory, "symlink"),
                              (dave, "not_a_file"), (dave, "too_big")]), reasons


def test_only_the_notebook_is_collected_and_nothing_of_the_instructors(course):
    for student in ("alice", "bob", "mallory", "dave"):
        folder = course["course"] / "submitted" / course[student] / ASSIGNMENT
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted([f"{ASSIGNMENT}.ipynb", "submission_secret.txt", "timestamp.txt"]), (student, names)
        assert not any(p.is_symlink() for p in folder.rglob("*"))
    submitted = (course["course"] / "submitted" / course["mallory"] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in submitted and XSS_MARKDOWN.splitlines()[0][:20] in submitted


def test_no_solution_hidden_test_or_gradebook_byte_reaches_a_student(course):
    machine = course["machine"]
    hidden = [line for line in hidden_test_lines(ASSIGNMENT)]
    hers = {line.strip() for k in MALLORY_SOLVES for line in SOLVED[k].splitlines()}
    unsolved = [line for line in solution_lines(ASSIGNMENT) if len(line) > 20 and line not in hers]
    assert hidden and unsolved
    # alice's whole home; the others' feedback (mallory keeps the perfect notebook she submitted as alice)
    places = {"alice": [machine.home(course["alice"])]}
    for student in ("bob", "mallory", "dave"):
        places[student] = [machine.home(course[student]) / ASSIGNMENT / "feedback"]
    for student, roots in places.items():
        for path in (p for r in roots for p in r.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
            assert b"SQLite format 3" not in data, path
            text = data.decode("utf-8", "replace")
            if path.suffix == ".html":  # what the page shows: highlighted code is split into spans
                text = html_lib.unescape(re.sub(r"<[^>]+>", "", text))
            assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text, path
            leaked = [line for line in hidden if line in text]
            assert not leaked, (path, leaked[:3])
            if student in ("alice", "mallory"):
                leaked = [line for line in unsolved if line.strip() in text]
                assert not leaked, (path, leaked[:3])
    assert course["feedback"][course["mallory"]], "mallory got no feedback"


def test_the_exchange_stays_the_instructors(course):
    attacks = course["attacks"]
    assert attacks["rename_course"].returncode != 0 and "Operation not permitted" in attacks["rename_course"].stderr
    assert attacks["replace_outbound"].returncode != 0
    exchange, teacher = course["exchange"], pwd.getpwnam(course["teacher"]).pw_uid
    folder = exchange / COURSE_ID
    assert folder.stat().st_uid == teacher and stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "inbound").stat().st_mode) == 0o3733
    assert stat.S_IMODE((folder / "feedback").stat().st_mode) == 0o711
    assert not (exchange / "moved").exists()


def test_one_bad_submission_does_not_stop_the_others(course):
    assert course["collect"].returncode == 0
    # 2 GB, 3,000 files, a FIFO and an oversized notebook cost next to nothing (nbgrader's own collect stops
    # at the 2 GB folder, and would hang on the FIFO)
    assert course["collect_seconds"] < 60, course["collect_seconds"]
    assert course["grade_seconds"] < 300, course["grade_seconds"]
    for student in ("alice", "bob", "mallory", "dave"):
        assert (course["course"] / "autograded" / course[student] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_foreign_grade_cells_are_dropped_and_said_so(course):
    html = course["feedback"][course["bob"]]
    assert "carried grading metadata this assignment does not know (other_course_test)" in html
    autograded = nbformat.read(course["course"] / "autograded" / course["bob"] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               as_version=4)
    assert not any(grade_id(c) == "other_course_test" for c in autograded.cells)


def test_no_student_script_in_the_feedback_or_formgrader_views(course):
    mallory = course["mallory"]
    html = course["feedback"][mallory]
    assert "scripts and active HTML were removed from this notebook" in html
    assert not _active_marker(html)
    clean = course["feedback"][course["bob"]]
    assert "active HTML were removed" not in clean          # an honest notebook gets no such note
    assert "My notes" in html and "loud" in html            # the rest of what she wrote is shown
    formgrader = _formgrader_view(course, mallory)
    assert "My notes" in formgrader and not _active_marker(formgrader)
    require_chromium()
    # the same page made from her submission by nbconvert without our cleaning: the marker is set there
    raw = _formgrader_view(course, mallory, "submitted", clean=False)
    assert _active_marker(raw) and _open_in_chromium(raw)["marker"] == 1
    for name, page_html in (("feedback", html), ("formgrader", formgrader)):
        state = _open_in_chromium(page_html)
        assert state["marker"] is None and state["title"] != "PWNED", (name, state)
        assert "My notes" in state["text"], name


def _active_marker(html):
    """Where the marker sits in markup a browser would run (her code's text is shown, escaped, and runs nothing)."""
    return re.findall(r"<script[^>]*>[^<]*__dnn_lab_pwned"
                      r"|<[a-z][^<>]*\son[a-z]+\s*=\s*[\"']?[^\"'>]*__dnn_lab_pwned"
                      r"|href\s*=\s*[\"']?\s*javascript:", html, re.I)


def _formgrader_view(course, student, folder="autograded", clean=True):
    """The page formgrader shows for one submission: its exporter, template and the course's config
    (``clean=False``: without the course's config, i.e. without our cleaning)."""
    from nbgrader.server_extensions.formgrader import handlers
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config, PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course["course"])).load_config() if clean else Config()
    extra = Config()
    extra.HTMLExporter.template_name = "formgrade"
    extra.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    config.merge(extra)
    exporter = HTMLExporter(config=config)
    resources = {"assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": "x", "index": 0,
                 "total": 1, "base_url": "/user/teacher", "student": student, "last_name": "M", "first_name": "M",
                 "notebook_path": "x"}
    path = course["course"] / folder / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    html, _ = exporter.from_filename(str(path), resources=resources)
    return html


def _open_in_chromium(html):
    from playwright.sync_api import sync_playwright
    from browser_util import CHROMIUM_ARGS
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http")
                       else route.continue_())
            page.set_content(html, wait_until="load")
            page.wait_for_timeout(500)
            for link in page.query_selector_all("a"):  # a click on any link she wrote runs nothing either
                href = link.get_attribute("href") or ""
                if href.lower().startswith("javascript"):
                    link.click()
            return {"marker": page.evaluate("() => window.__dnn_lab_pwned ?? null"), "title": page.title(),
                    "text": page.inner_text("body")}
        finally:
            browser.close()


def test_an_unsafe_exchange_is_refused_with_a_clear_line(course):
    """Before anything moves: a root without the sticky bit, a course folder a student made first."""
    machine, teacher, alice, mallory = course["machine"], course["teacher"], course["alice"], course["mallory"]
    loose = machine.root / "loose"
    loose.mkdir()
    loose.chmod(0o777)                    # nbgrader's own mode for the root: no sticky bit
    result = machine.run(teacher, "nbgrader", "release_assignment", ASSIGNMENT, f"--Exchange.root={loose}",
                         cwd=course["course"], check=False)
    assert result.returncode != 0
    assert f"the exchange {loose} is writable by everyone without the sticky bit" in result.stdout + result.stderr
    assert f"chmod 1777 {loose}" in result.stdout + result.stderr
    assert not (loose / COURSE_ID).exists()

    squatted = machine.root / "squatted"
    squatted.mkdir()
    squatted.chmod(0o1777)
    machine.run(mallory, "mkdir", "-m", "777", "-p", squatted / COURSE_ID / "outbound" / ASSIGNMENT)
    result = machine.run(alice, "nbgrader", "fetch_assignment", ASSIGNMENT, f"--Exchange.root={squatted}",
                         cwd=machine.root / "drop", check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{squatted / COURSE_ID} belongs to {mallory}, not to the instructor {teacher}" in out
    result = machine.run(teacher, "nbgrader", "release_assignment", ASSIGNMENT, f"--Exchange.root={squatted}",
                         cwd=course["course"], check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and f"belongs to {mallory}, not to the instructor {teacher}" in out
    assert not any((squatted / COURSE_ID / "outbound" / ASSIGNMENT).iterdir())
