"""Issue 21 in the real hub: a student cheats from their own terminal; the instructor grades and opens
formgrader in Chromium.

The hub of ``tests/hub.py`` (real users, PAM, the real proxy, ``dnn-lab course hub-config --apply``): the
exchange classes and preprocessors come from the product's own configuration.  Two students:

- the victim submits the notebook untouched;
- the attacker solves three exercises, writes scripts into her markdown and outputs, then (as herself,
  with what her terminal has) submits a perfect notebook as the victim, makes a submission folder whose
  notebook is a link to the instructor's source notebook, and tries to rename the course's exchange folder.

The instructor collects, grades the attacker with ``dnn-lab autograde``, releases feedback and opens her
submission in formgrader (Chromium, through the hub): a marker her script would set stays unset.  More
attacks (future timestamps, FIFOs, 2 GB folders, foreign grade cells, an unsafe exchange) and a whole class
graded: tests/test_exchange.py, with the same classes on one machine without the hub.
"""
import json
import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from browser_util import ARTIFACTS, chromium_browser, require_chromium
from hub import COURSE_ID, running_hub
from nbutil import fill, hidden_test_lines, solution_lines, solution_sources

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ASSIGNMENT = "step_by_step"
SOLVED = solution_sources(ASSIGNMENT)
HERS = ("initialize_parameters", "linear_forward", "compute_cost")
MARKER = "window.__dnn_lab_pwned = 1; document.title = 'PWNED'"
XSS_MARKDOWN = (f"My notes <img src=x onerror=\"{MARKER}\"> <svg onload=\"{MARKER}\"></svg>\n\n"
                f"<script>{MARKER}</script>\n\n[click](javascript:void(window.__dnn_lab_pwned=1))")
XSS_CODE = ("from IPython.display import HTML, Javascript, display\n"
            f"display(HTML('<b>loud</b><img src=y onerror=\"{MARKER}\">'))\ndisplay(Javascript(\"{MARKER}\"))\n")


def _notebook(release_nb, answers, extra=()):
    nb = fill(nbformat.from_dict(json.loads(json.dumps(release_nb))), answers)
    nb.cells.extend(extra)
    return nb


@pytest.fixture(scope="module")
def attacked():
    with running_hub(2, log_name="hub-attacks.log") as h:
        yield _attack(h)


def _attack(h):
    victim, attacker = h.students
    t0 = time.monotonic()
    h.run_as(h.instructor, "nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=h.course_dir)
    h.run_as(h.instructor, "nbgrader", "release_assignment", ASSIGNMENT, "--force", cwd=h.course_dir)
    release_nb = nbformat.read(h.course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    drop = h.root / "drop"
    drop.mkdir(mode=0o755, exist_ok=True)
    notebooks = {victim: release_nb,
                 attacker: _notebook(release_nb, {k: SOLVED[k] for k in HERS},
                                     [new_markdown_cell(XSS_MARKDOWN), new_code_cell(XSS_CODE)]),
                 "perfect": _notebook(release_nb, SOLVED)}
    for name, nb in notebooks.items():
        nbformat.write(nb, drop / f"{name}.ipynb")
        (drop / f"{name}.ipynb").chmod(0o644)
    for student in (victim, attacker):
        h.run_as(student, "nbgrader", "fetch_assignment", ASSIGNMENT)
        h.run_as(student, "cp", drop / f"{student}.ipynb", h.home(student) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        h.run_as(student, "nbgrader", "submit", ASSIGNMENT)
    listing = h.run_as(victim, "nbgrader", "list")  # what the Assignments tab asks (SafeList checks the exchange)
    time.sleep(1.1)
    # the attacker, from her terminal
    inbound = h.exchange / COURSE_ID / "inbound"
    h.run_as(attacker, "cp", drop / "perfect.ipynb", h.home(attacker) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    as_victim = h.run_as(attacker, "nbgrader", "submit", ASSIGNMENT, f"--student={victim}", check=False)
    source = h.course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    link = h.run_as(attacker, "sh", "-c", f"""set -e; cd {inbound}
d="{attacker}+{ASSIGNMENT}+$(date -u '+%Y-%m-%d %H:%M:%S.%6N UTC')+link"; mkdir "$d"
ln -s {source} "$d/{ASSIGNMENT}.ipynb"; ln -s {h.course_dir}/gradebook.db "$d/gradebook.db" """, check=False)
    rename = h.run_as(attacker, "mv", h.exchange / COURSE_ID, h.exchange / "mine", check=False)
    # the instructor
    collect = h.run_as(h.instructor, "nbgrader", "collect", ASSIGNMENT, cwd=h.course_dir)
    grade = h.run_as(h.instructor, "dnn-lab", "autograde", ASSIGNMENT, "--student", attacker, cwd=h.course_dir,
                     check=False)
    h.run_as(h.instructor, "nbgrader", "generate_feedback", ASSIGNMENT, cwd=h.course_dir)
    h.run_as(h.instructor, "nbgrader", "release_feedback", ASSIGNMENT, cwd=h.course_dir)
    h.run_as(attacker, "nbgrader", "fetch_feedback", ASSIGNMENT)
    found = sorted((h.home(attacker) / ASSIGNMENT / "feedback").rglob("*.html"))
    feedback = found[-1].read_text(encoding="utf-8") if found else ""
    print(f"hub attacks: release to feedback in {time.monotonic() - t0:.0f} s")
    return {"h": h, "victim": victim, "attacker": attacker, "as_victim": as_victim, "listing": listing,
            "link": link, "rename": rename, "collect": collect, "grade": grade, "feedback": feedback}


def _scores(h):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{h.course_dir}/gradebook.db", COURSE_ID) as gb:
        out = {}
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            cells = {g.name: (g.auto_score, g.max_score) for nb in sub.notebooks for g in nb.grades}
            ids = {nb.name: nb.id for nb in sub.notebooks}
            out[sub.student_id] = (sub.score, sub.max_score, cells, ids)
        return out


def test_each_counts_for_their_own_work_only(attacked):
    h, victim = attacked["h"], attacked["victim"]
    # the victim's own untouched notebook was collected, not the perfect one made in her name
    nb = nbformat.read(h.course_dir / "submitted" / victim / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    collected = "\n".join(cell.source for cell in nb.cells)
    assert not [line for line in solution_lines(ASSIGNMENT) if len(line) > 20 and line in collected]
    assert attacked["grade"].returncode == 0, attacked["grade"].stdout[-2000:] + attacked["grade"].stderr[-2000:]
    score, top, cells, _ = _scores(h)[attacked["attacker"]]
    assert 0 < score < top
    for name, (got, most) in cells.items():
        assert got == (most if name[:-len("_test")] in HERS else 0), (name, got)   # not the linked solutions


def test_the_cheats_are_refused_by_name_and_the_exchange_is_intact(attacked):
    h, victim, attacker = attacked["h"], attacked["victim"], attacked["attacker"]
    assert attacked["as_victim"].returncode == 0 and attacked["link"].returncode == 0   # both were really made
    log = attacked["collect"].stdout + attacked["collect"].stderr
    assert re.search(rf"refused {victim}'s submission {victim}\+.*?: it claims to be {victim}'s but was made by "
                     rf"{attacker}", log), log
    assert re.search(rf"refused {attacker}'s submission {attacker}\+.*?\+link: "
                     rf"{ASSIGNMENT}.ipynb is a symbolic link", log), log
    assert f"{COURSE_ID} {ASSIGNMENT}" in attacked["listing"].stdout + attacked["listing"].stderr
    assert attacked["rename"].returncode != 0 and (h.exchange / COURSE_ID / "inbound").is_dir()
    assert not (h.exchange / "mine").exists()
    collected = sorted(p.name for p in (h.course_dir / "submitted" / attacker / ASSIGNMENT).iterdir())
    assert collected == [f"{ASSIGNMENT}.ipynb", "submission_secret.txt", "timestamp.txt"]


def test_no_solution_or_hidden_test_reaches_the_attacker(attacked):
    html = attacked["feedback"]
    assert "My notes" in html
    text = re.sub(r"<[^>]+>", "", html)
    hers = {line.strip() for k in HERS for line in SOLVED[k].splitlines()}
    leaked = [line for line in solution_lines(ASSIGNMENT) if len(line) > 20 and line not in hers and line in text]
    leaked += [line for line in hidden_test_lines(ASSIGNMENT) if line in text]
    assert not leaked, leaked[:3]
    assert "### BEGIN SOLUTION" not in html and "SQLite format 3" not in html


def test_formgrader_shows_her_submission_and_runs_none_of_her_script(attacked):
    require_chromium()
    h, attacker = attacked["h"], attacked["attacker"]
    notebook_id = _scores(h)[attacker][3][ASSIGNMENT]
    with chromium_browser() as browser:
        page = h.login(browser, h.instructor, path=f"formgrader/submissions/{notebook_id}/")
        page.get_by_text("My notes").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        for link in page.query_selector_all("a[href^='javascript' i]"):
            link.click()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hub-formgrader-attacker.png"))
        marker = page.evaluate("() => window.__dnn_lab_pwned ?? null")
        title = page.title()
        body = page.inner_text("body")
    assert marker is None and title != "PWNED"
    assert "scripts and active HTML were removed" in body and "loud" in body
