"""One course on a real JupyterHub, end to end (issue 16).

A hub from tests/hub.py (real Unix users, PAM, LocalProcessSpawner, configurable-http-proxy, the
configuration written by ``dnn-lab course hub-config --apply``), driven in headless Chromium:
the instructor releases in formgrader; three students fetch from the Assignments tab, solve
(correct / one bug / untouched), Check, submit; the instructor collects and grades with
``dnn-lab autograde --jobs 2`` and releases feedback; the students read it.  Then the boundaries
between people, and ten students clicking Check at once.  Screenshots: tests/artifacts/hub_*.png.
"""
import asyncio
import json
import re
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_util import (
    ARTIFACTS,
    REPO,
    WRONG_LINEAR_BACKWARD,
    chromium_browser,
    require_chromium,
    screenshot,
    solution_sources,
)
from hub import COURSE_ID, running_hub, wait_for_lab

from dnn_lab.hub import STUDENT_DISABLED_PLUGINS, help_menu_overrides, write_hub_config
from dnn_lab.messages import t

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ASSIGNMENT = "step_by_step"
N_STUDENTS = 10
LOAD_SECONDS = 25          # per phase (issue: a minute; two phases of 25 s for CI's 25 minutes, see README)
THINK_SECONDS = 0.5        # after each result, before the next click (a person cannot click faster)
NBGRADER_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                    "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:assignment-list",
                    "@jupyter/nbgrader:menu", "@jupyter/nbgrader:validate-assignment"]


# ---- the configuration alone (no hub) -------------------------------------------------------------

def test_hub_config_gives_each_role_its_tools(tmp_path):
    """Does hub-config give students no formgrader / course list / Create Assignment (server and lab),
    the instructor all of them, both the exchange and course id, and a Help entry that reaches the
    user's own /dnn-lab through the hub?"""
    written = write_hub_config(tmp_path, "c1", "teach", ["ann", "bob"], exchange="/x/exchange",
                               course_dir="/home/teach/course")
    rel = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert "jupyterhub_config.py" in rel and "students.txt" in rel
    roles = tmp_path / "roles"
    server = {r: json.loads((roles / r / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
              for r in ("student", "instructor")}
    assert server["student"]["nbgrader.server_extensions.formgrader"] is False
    assert server["student"]["nbgrader.server_extensions.course_list"] is False
    assert server["student"]["nbgrader.server_extensions.assignment_list"] is True
    assert server["student"]["dnn_lab"] is True and server["instructor"]["dnn_lab"] is True
    assert all(server["instructor"].values())
    # the class at a glance on the instructor's /dnn-lab page only
    configs = {r: json.loads((roles / r / "jupyter_server_config.json").read_text()) for r in ("student", "instructor")}
    assert configs["instructor"]["DnnLab"] == {"course_directory": "/home/teach/course"}
    assert "DnnLab" not in configs["student"]
    pages = {r: json.loads((roles / r / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
             for r in ("student", "instructor")}
    assert sorted(pages["student"]) == sorted(STUDENT_DISABLED_PLUGINS) and pages["instructor"] == {}
    student_nb = (roles / "student" / "nbgrader_config.py").read_text()
    teacher_nb = (roles / "instructor" / "nbgrader_config.py").read_text()
    assert "c.Exchange.root = '/x/exchange'" in student_nb and "c.CourseDirectory.course_id = 'c1'" in student_nb
    assert "CourseDirectory.root" not in student_nb and "c.CourseDirectory.root = '/home/teach/course'" in teacher_nb
    assert (tmp_path / "students.txt").read_text().split("\n")[1:3] == ["ann", "bob"]
    # the Help entry is the package's own, with the hub's per-user URL
    package = json.loads((REPO / "jupyter-config" / "lab" / "overrides.d" / "dnn_lab.json").read_text())
    ours = json.loads((roles / "student" / "labconfig" / "default_setting_overrides.json").read_text())
    key = "@jupyterlab/mainmenu-extension:plugin"
    item = ours[key]["menus"][0]["items"][1]
    assert item["args"]["url"] == "/hub/user-redirect/dnn-lab"
    theirs = package[key]["menus"][0]["items"][1]
    assert {**theirs["args"], "url": None} == {**item["args"], "url": None} and ours == help_menu_overrides()
    config = (tmp_path / "jupyterhub_config.py").read_text()
    compile(config, "jupyterhub_config.py", "exec")
    assert "INSTRUCTOR = 'teach'" in config and '"pam"' in config and '"localprocess"' in config


def test_hub_config_refuses_bad_input(tmp_path, capsys):
    """Are a bad login, an instructor who is also a student and --apply without root refused
    with exit 2 and a line naming the reason, nothing written?"""
    from dnn_lab.cli import main
    assert main(["course", "hub-config", str(tmp_path / "a"), "--course-id", "c1", "--instructor", "Bad Name"]) == 2
    assert "bad_login" in capsys.readouterr().err
    assert main(["course", "hub-config", str(tmp_path / "b"), "--course-id", "c1", "--instructor", "t",
                 "--students", "a,t"]) == 2
    assert "instructor_is_student" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


# ---- the hub ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course_hub():
    require_chromium()
    with running_hub(N_STUDENTS, log_name="hub.log") as h:
        yield h


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


def plugins(page):
    return page.evaluate("(ids) => ids.filter(id => window.jupyterapp.hasPlugin(id))", NBGRADER_PLUGINS)


def menu_labels(page, menu):
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=menu).click()
    labels = [x.inner_text().strip() for x in page.locator(".lm-Menu-content .lm-Menu-itemLabel").all()
              if x.is_visible()]
    return labels


def test_students_get_no_instructor_tools(course_hub, browser):
    """Through the hub: does a student's JupyterLab lack formgrader, Create Assignment and the course list
    (plugins, Nbgrader menu, DOM) while keeping Assignments, and do formgrader's URLs answer 404 for a
    student (and the instructor's server 403 to a student's token), while the instructor has them all?"""
    h = course_hub
    student, teacher = h.students[0], h.instructor
    page = h.login(browser, student)
    assert plugins(page) == ["@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu",
                             "@jupyter/nbgrader:validate-assignment"]
    labels = menu_labels(page, "Nbgrader")
    screenshot(page, "hub_student_nbgrader_menu.png")
    page.keyboard.press("Escape")
    assert labels == ["Assignment List"], labels
    for text in ("Formgrader", "Create Assignment", "Course List", "Courses"):
        assert page.get_by_text(text, exact=True).count() == 0
    token = h.user_token(student)
    for path in ("formgrader", "formgrader/api/assignments", "formgrader/manage_students", "api/courses"):
        status, _ = h.request(h.user_url(student, path), token=token)
        assert status == 404, (path, status)
    status, _ = h.request(h.user_url(student, f"assignments?course_id={COURSE_ID}"), token=token)
    assert status == 200  # nbgrader's assignment list is there for students
    h.start_server(teacher)
    status, _ = h.request(h.user_url(teacher, "api/status"), token=token)
    assert status == 403  # the hub does not let a student into the instructor's server
    page.context.close()

    page = h.login(browser, teacher)
    assert sorted(plugins(page)) == sorted(NBGRADER_PLUGINS)
    labels = menu_labels(page, "Nbgrader")
    page.keyboard.press("Escape")
    assert {"Assignment List", "Course List", "Formgrader"} <= set(labels), labels
    status, data = h.request(h.user_url(teacher, "formgrader/api/assignments"), token=h.user_token(teacher))
    assert status == 200 and ASSIGNMENT in [a["name"] for a in data]
    page.context.close()


# ---- the whole loop ------------------------------------------------------------------------------

JS_FILL = """async (sources) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  let n = 0;
  for (const cell of panel.content.widgets) {
    const gid = (cell.model.getMetadata('nbgrader') || {}).grade_id;
    if (gid in sources) { cell.model.sharedModel.setSource(sources[gid]); n++; }
  }
  return n;
}"""

# run the setup cell and the cells of these grade ids, in notebook order, each to its end
JS_RUN_CELLS = """async (gids) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const nb = panel.content;
  await panel.sessionContext.ready;
  for (let i = 0; i < nb.widgets.length; i++) {
    const c = nb.widgets[i];
    const gid = (c.model.getMetadata('nbgrader') || {}).grade_id;
    const role = (c.model.getMetadata('dnn_lab') || {}).role;
    if (c.model.type !== 'code' || !(gids.includes(gid) || role === 'setup')) continue;
    c.model.executionCount = null;
    nb.activeCellIndex = i;
    await app.commands.execute('notebook:run-cell');
    while (c.model.executionCount === null || panel.sessionContext.session.kernel.status !== 'idle')
      await new Promise(r => setTimeout(r, 50));
  }
}"""

JS_NOTEBOOK_READY = """() => { const w = window.jupyterapp.shell.currentWidget;
  return !!(w && w.context && w.context.isReady && w.sessionContext && w.content.widgets.length > 10); }"""

JS_SAVE = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await window.jupyterapp.commands.execute('docmanager:save');
  while (panel.context.model.dirty) await new Promise(r => setTimeout(r, 100));
}"""

# a fresh kernel of the page's user runs `code`; returns its stdout (errors as text)
JS_KERNEL_RUN = """async (code) => {
  const app = window.jupyterapp;
  const kernel = await app.serviceManager.kernels.startNew({name: 'python3'});
  let out = '';
  const future = kernel.requestExecute({code});
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  await kernel.shutdown();
  return out;
}"""


def assignments_item(page, section, name=ASSIGNMENT):
    return page.locator(f"#{section}_assignments_list .list_item:not(.nested_list_item)", has_text=name)


def student_code(sources):
    """The source notebook's solutions as a student would have typed them (no nbgrader markers)."""
    return {gid: "\n".join(line for line in src.splitlines() if "### BEGIN SOLUTION" not in line
                           and "### END SOLUTION" not in line) for gid, src in sources.items()}


def solution_lines_not_written(shown):
    """Statement lines of the linear_backward solution that this student did not write."""
    written = {line.strip() for src in shown["wrote"].values() for line in src.splitlines()}
    solution = student_code(solution_sources())["linear_backward"]
    return [line.strip() for line in solution.splitlines()
            if "=" in line and not line.strip().startswith("#") and line.strip() not in written]


def student_solves(h, browser, student, sources, expect_state, label, reopen=False):
    """The student's part: fetch in the Assignments tab, fill, Run All, Check linear_backward, save, submit."""
    from test_browser import check_cell, click_check, scroll_to, cell_index
    page = h.login(browser, student)
    h.open_assignments(page)
    released = assignments_item(page, "released")
    released.wait_for(timeout=60_000)
    screenshot(page, f"hub_{label}_assignments.png")
    released.locator("button", has_text="Fetch").click()
    fetched = assignments_item(page, "fetched")
    fetched.wait_for(timeout=60_000)
    assert (h.home(student) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()

    # open it in this JupyterLab (no second page load), as a double click in the file browser would
    page.evaluate("(p) => window.jupyterapp.commands.execute('docmanager:open', {path: p})",
                  f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    page.wait_for_function(JS_NOTEBOOK_READY, timeout=120_000)
    assert page.evaluate(JS_FILL, sources) == len(sources)
    page.evaluate(JS_RUN_CELLS, ["linear_backward", "linear_backward_test"])
    scroll_to(page, cell_index(page, "linear_backward_test"))
    report = click_check(page, "linear_backward")
    assert report.get_attribute("data-state") == expect_state
    cell = check_cell(page, "linear_backward")
    cell.screenshot(path=str(ARTIFACTS / f"hub_{label}_check.png"))
    shown = {"state": expect_state, "wrote": sources, "failed_step": report.get_attribute("data-failed-step"),
             "hints": [x.get_attribute("data-hint") for x in cell.locator(".dnn-lab-hint").all()],
             "text": cell.inner_text()}
    page.evaluate(JS_SAVE)
    if reopen:  # the saved widget state shows the last result again, behind the hub too
        page.goto(h.user_url(student, f"lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        wait_for_lab(page)
        page.wait_for_function(JS_NOTEBOOK_READY, timeout=120_000)
        scroll_to(page, cell_index(page, "linear_backward_test"))
        again = check_cell(page, "linear_backward").locator('.dnn-lab-report[data-exercise="linear_backward"]')
        again.wait_for(state="attached", timeout=60_000)
        shown["reopened_state"] = again.get_attribute("data-state")
        check_cell(page, "linear_backward").screenshot(path=str(ARTIFACTS / f"hub_{label}_reopened.png"))

    h.open_assignments(page)
    fetched = assignments_item(page, "fetched")
    fetched.locator("button", has_text="Submit").click()
    assignments_item(page, "submitted").wait_for(timeout=60_000)
    screenshot(page, f"hub_{label}_submitted.png")
    page.context.close()
    return shown


GRADES = """
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gb:
    out = {}
    for s in gb.students:
        try:
            sub = gb.find_submission("step_by_step", s.id)
        except Exception:
            continue
        out[s.id] = [sub.score, sub.max_score, sorted(n.name for n in sub.notebooks)]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def graded_course(course_hub, browser):
    """The loop up to released feedback; returns what each student saw at Check and the gradebook."""
    h = course_hub
    teacher = h.instructor
    correct, buggy, untouched = h.students[:3]
    with ThreadPoolExecutor(4) as pool:  # the servers start while the instructor generates
        started = [pool.submit(h.start_server, user) for user in (teacher, correct, buggy, untouched)]
        h.run_as(teacher, "nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=h.course_dir)
        for future in started:
            future.result()
    # the instructor releases in formgrader, through the hub
    page = h.login(browser, teacher, path="formgrader/manage_assignments")
    row = page.locator("tr", has=page.locator("td.name", has_text=ASSIGNMENT))
    row.locator("td.release a").click()
    modal = page.locator("#success-modal")
    modal.wait_for(timeout=120_000)
    screenshot(page, "hub_instructor_released.png")
    assert f"Successfully released '{ASSIGNMENT}'" in modal.inner_text()
    page.context.close()
    assert (h.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()

    sources = student_code(solution_sources())
    seen = {
        correct: student_solves(h, browser, correct, sources, "passed", "correct"),
        buggy: student_solves(h, browser, buggy, {**sources, "linear_backward": WRONG_LINEAR_BACKWARD},
                              "failed", "buggy", reopen=True),
        untouched: student_solves(h, browser, untouched, {}, "not_implemented", "untouched"),
    }
    for step in (["nbgrader", "collect", ASSIGNMENT], ["dnn-lab", "autograde", ASSIGNMENT, "--jobs", "2"],
                 ["nbgrader", "generate_feedback", ASSIGNMENT], ["nbgrader", "release_feedback", ASSIGNMENT]):
        result = h.run_as(teacher, *step, cwd=h.course_dir)
        (ARTIFACTS / f"hub_{step[1]}.log").write_text(result.stdout + result.stderr)
    grades = json.loads(h.run_as(teacher, "python", "-c", GRADES, cwd=h.course_dir).stdout)
    return seen, grades


def test_buggy_student_sees_failing_step_and_hint_at_check(course_hub, graded_course):
    """Behind /user/<name>/: does the buggy student's Check name dW and the forgot-1/m hint
    (and the correct one's pass, the untouched one's 'not implemented')?"""
    seen, _ = graded_course
    correct, buggy, untouched = course_hub.students[:3]
    assert seen[buggy]["failed_step"] == "dW"
    assert "forgot_1_over_m" in seen[buggy]["hints"]
    assert "forgot_1_over_m" not in seen[buggy]["text"]  # ids are data; the person reads the hint
    assert t("hint.forgot_1_over_m", "en").split(".")[0].split(":")[0][:30] in " ".join(seen[buggy]["text"].split())
    assert seen[correct]["state"] == "passed" and seen[untouched]["state"] == "not_implemented"
    assert seen[buggy]["reopened_state"] == "failed"  # reopened: the saved widget state, not a blank cell


def test_grades_are_100_partial_0(course_hub, graded_course):
    """Collected and graded with dnn-lab autograde --jobs 2: full marks, partial, zero?"""
    _, grades = graded_course
    correct, buggy, untouched = course_hub.students[:3]
    assert set(grades) == {correct, buggy, untouched}, grades
    score, top, _ = grades[correct]
    assert top > 0 and score == top
    assert 0 < grades[buggy][0] < top
    assert grades[untouched][0] == 0


def test_students_fetch_feedback_and_read_verdicts(course_hub, graded_course, browser):
    """Does each student fetch feedback in the Assignments tab and read their score and our verdicts,
    with no hidden case, solution or course path in it?"""
    h = course_hub
    seen, grades = graded_course
    states = {}
    for label, student in zip(("correct", "buggy", "untouched"), h.students[:3]):
        page = h.login(browser, student)
        h.open_assignments(page)
        item = assignments_item(page, "submitted")
        item.locator("button", has_text="Fetch Feedback").click()
        feedback_dir = h.home(student) / ASSIGNMENT / "feedback"
        deadline = time.monotonic() + 60
        while not list(feedback_dir.glob(f"*/{ASSIGNMENT}.html")) and time.monotonic() < deadline:
            time.sleep(0.3)
        html_file = next(feedback_dir.glob(f"*/{ASSIGNMENT}.html"))
        rel = html_file.relative_to(h.home(student)).as_posix()
        page.goto(h.user_url(student, f"files/{rel}"))
        page.locator(".dnn-lab-verdict").first.wait_for(state="attached", timeout=60_000)
        text = page.inner_text("body")
        html = page.content()
        score, top, _ = grades[student]
        total = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)  # the first one is the assignment's
        assert total and (float(total.group(1)), float(total.group(2))) == (score, top), text[:300]
        verdict = page.locator('.dnn-lab-verdict[data-exercise="linear_backward"]').first
        verdict.scroll_into_view_if_needed()
        report = verdict.locator(".dnn-lab-report")  # no report for "not implemented": its headline says it
        states[label] = (verdict.get_attribute("data-reason"),
                         report.first.get_attribute("data-state") if report.count() else None)
        screenshot(page, f"hub_{label}_feedback.png")
        for secret in ("hidden_cases", "BEGIN HIDDEN", "BEGIN SOLUTION", str(h.course_dir), "gradebook.db"):
            assert secret not in html, (label, secret)
        released = (h.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        secret = [line for line in solution_lines_not_written(seen[student]) if line not in released]
        assert secret or label == "correct"  # the buggy and untouched students lack the dW/db lines
        for line in secret:
            assert line not in text, (label, line)  # the reference solution never reaches them
        page.context.close()
    assert states["correct"][1] == "passed" and states["buggy"][1] == "failed", states
    assert states["untouched"] == ("not_implemented", None), states


# ---- boundaries between people ---------------------------------------------------------------------

PROBE = """
import json, os
def probe(op, path):
    try:
        if op == "list":
            os.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        return "read"
    except Exception as exc:
        return type(exc).__name__
print(json.dumps({label: probe(op, path) for label, op, path in %s}))
"""


def test_a_student_kernel_cannot_read_others_or_the_course(course_hub, graded_course, browser):
    """From a student's own kernel (through the hub): are another student's home and notebook, the
    course directory (gradebook, source notebooks), the exchange's inbound and feedback folders and
    the checkout's solutions all PermissionError, while the student's own notebook reads?"""
    h = course_hub
    me, other = h.students[0], h.students[1]
    nb = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    targets = [
        ("own notebook", "read", str(h.home(me) / nb)),
        ("other home", "list", str(h.home(other))),
        ("other notebook", "read", str(h.home(other) / nb)),
        ("course dir", "list", str(h.course_dir)),
        ("gradebook", "read", str(h.course_dir / "gradebook.db")),
        ("source notebook", "read", str(h.course_dir / "source" / nb)),
        ("submitted", "list", str(h.course_dir / "submitted")),
        ("exchange inbound", "list", str(h.exchange / COURSE_ID / "inbound")),
        ("exchange feedback", "list", str(h.exchange / COURSE_ID / "feedback")),
        ("checkout solutions", "read", str(REPO / "assignments" / "source" / nb)),
    ]
    page = h.login(browser, me)
    out = page.evaluate(JS_KERNEL_RUN, PROBE % repr(targets))
    page.context.close()
    result = json.loads(out.strip().splitlines()[-1])
    assert result.pop("own notebook") == "read"
    assert result == {label: "PermissionError" for label, _, _ in targets[1:]}, result


# ---- ten students clicking Check at once ------------------------------------------------------------

SPIN = '''def linear_forward(A, W, b):
    while True:
        pass
'''
LOAD_SETUP = """
import numpy as np
import dnn_lab
dnn_lab.set_language("en")
check = dnn_lab.check
"""


def _msg(msg_type, content, channel="shell"):
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": msg_type, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}


class KernelClient:
    """One student's kernel through the hub's proxy: the Jupyter websocket protocol (JSON), as the
    browser speaks it; a click is the comm message the Check button's front end sends."""

    def __init__(self, h, user):
        self.h, self.user = h, user
        self.ws = None
        self.button = None

    async def start(self, source):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect
        token = self.h.user_token(self.user)
        status, kernel = await asyncio.to_thread(self.h.request, self.h.user_url(self.user, "api/kernels"),
                                                 "POST", {"name": "python3"}, token)
        assert status == 201, (status, kernel)
        url = self.h.user_url(self.user, f"api/kernels/{kernel['id']}/channels").replace("http://", "ws://")
        self.ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
        await self.define(source)

    async def execute(self, code, timeout=120):
        msg = _msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                       "user_expressions": {}, "allow_stdin": False})
        return await self.roundtrip(msg, timeout)

    async def define(self, source):
        """Run the setup, the function's cell, then the check cell (as a student runs them)."""
        replies = []
        for code in (LOAD_SETUP, source, 'check("linear_forward")'):
            replies = await self.execute(code)
            errors = [m for m in replies if m["header"]["msg_type"] == "error"]
            assert not errors, errors
        buttons = [m["content"]["comm_id"] for m in replies if m["header"]["msg_type"] == "comm_open"
                   and m["content"]["data"]["state"].get("_model_name") == "ButtonModel"]
        assert buttons, f"{self.user}: no Check button"
        self.button = buttons[-1]

    async def roundtrip(self, msg, timeout):
        """Send ``msg``; the iopub messages it caused, up to its 'idle' (TimeoutError after ``timeout``)."""
        await self.ws.write_message(json.dumps(msg))
        mid, got = msg["header"]["msg_id"], []
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), max(0.01, deadline - time.monotonic()))
            assert raw is not None, f"{self.user}: websocket closed"
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != mid or m.get("channel") != "iopub":
                continue
            got.append(m)
            if m["header"]["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return got

    async def click(self, timeout=30):
        """(seconds from click to the result, the result's state)"""
        msg = _msg("comm_msg", {"comm_id": self.button, "data": {"method": "custom", "content": {"event": "click"}}})
        start = time.perf_counter()
        got = await self.roundtrip(msg, timeout)
        elapsed = time.perf_counter() - start
        text = json.dumps(got)
        states = re.findall(r'dnn-lab-status\\?" data-state=\\?"(\w+)', text)  # "running", then the result
        errors = [m for m in got if m["header"]["msg_type"] == "error"]
        return elapsed, (states[-1] if states else None), errors


async def _click_for(client, seconds, out):
    """Click, wait for the result, look at it for THINK_SECONDS, click again, for ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            out.append(await client.click())
        except asyncio.TimeoutError:
            out.append((None, None, ["no answer"]))
        await asyncio.sleep(THINK_SECONDS)


def test_ten_students_check_at_once_and_a_hanging_one_slows_nobody(course_hub):
    """Ten students' servers, each clicking Check in a loop (LOAD_SECONDS per phase, THINK_SECONDS between
    a result and the next click): does every click answer, with no error, a median under 100 ms; and when
    one student's function is `while True:`, do the others' medians stay within 2x of the idle figure?"""
    h = course_hub
    students = h.students[:N_STUDENTS]
    with ThreadPoolExecutor(N_STUDENTS) as pool:
        list(pool.map(h.start_server, students))
    right = solution_sources()["linear_forward"]

    async def scenario():
        clients = [KernelClient(h, s) for s in students]
        try:
            await asyncio.gather(*(c.start(right) for c in clients))

            async def phase():
                results = {c.user: [] for c in clients}
                await asyncio.gather(*(_click_for(c, LOAD_SECONDS, results[c.user]) for c in clients))
                return results

            idle = await phase()
            await clients[0].define(SPIN)  # the first student's function now never returns
            busy = await phase()
            return clients[0].user, [c.user for c in clients[1:]], idle, busy
        finally:
            for c in clients:
                if c.ws is not None:
                    c.ws.close()

    # its own thread: Playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        spinner, others, idle, busy = pool.submit(asyncio.run, scenario()).result()

    def summary(results):
        return {u: {"clicks": len(r), "median_ms": round(1000 * statistics.median([e for e, _, _ in r if e]), 1)
                    if any(e for e, _, _ in r) else None} for u, r in results.items()}

    figures = {"seconds_per_phase": LOAD_SECONDS, "think_seconds": THINK_SECONDS,
               "idle": summary(idle), "one_spinning": summary(busy)}
    figures["idle_median_ms"] = round(1000 * statistics.median([e for r in idle.values() for e, _, _ in r]), 1)
    figures["others_median_ms_one_spinning"] = round(
        1000 * statistics.median([e for u in others for e, _, _ in busy[u]]), 1)
    (ARTIFACTS / "hub_load.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))
    for phase_results in (idle, busy):
        for user, clicks in phase_results.items():
            assert clicks, user
            assert all(e is not None and not errs for e, _, errs in clicks), (user, [c for c in clicks if c[2]][:3])
    assert all(s == "passed" for r in idle.values() for _, s, _ in r)
    assert all(s == "failed" for _, s, _ in busy[spinner])  # the time limit answered every hanging click
    assert all(s == "passed" for user in others for _, s, _ in busy[user])
    idle_all = [e for r in idle.values() for e, _, _ in r]
    idle_median = statistics.median(idle_all)
    assert idle_median < 0.100, figures
    for user in others:
        assert statistics.median([e for e, _, _ in busy[user]]) <= 2 * idle_median, figures


# ---- the Help menu and the /dnn-lab page behind the hub ----------------------------------------------

def test_help_menu_and_dnn_lab_page_work_behind_the_hub(course_hub, graded_course, browser):
    """Does Help → DNN Lab open the student's own /user/<name>/dnn-lab, and do its fresh copy, repair
    and progress (the Check the student clicked in step_by_step/) work there?"""
    from browser_util import fill, shuffle_and_break
    import nbformat
    h = course_hub
    student = h.students[0]
    page = h.login(browser, student)
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Help").click()
    item = page.locator(".lm-Menu-itemLabel", has_text="DNN Lab")
    item.wait_for()
    with page.context.expect_page() as opened:
        item.click()
    tab = opened.value
    tab.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert tab.url == h.user_url(student, "dnn-lab")
    page.close()

    form = tab.locator('form.fresh[data-assignment="step_by_step"]')
    form.locator("select[name=lang]").select_option("en")
    form.locator("input[name=folder]").fill("fresh")
    form.locator("button.fresh-button").click()
    form.locator(".result.ok code.path").wait_for(timeout=60_000)
    fresh = h.home(student) / "fresh" / "step_by_step.ipynb"
    assert fresh.is_file() and fresh.stat().st_uid == h.home(student).stat().st_uid  # written as the student

    broken = shuffle_and_break(fill(nbformat.read(fresh, as_version=4), solution_sources()))
    status, _ = h.request(h.user_url(student, "api/contents/fresh/mine.ipynb"), "PUT",
                          {"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(broken))},
                          token=h.user_token(student))
    assert status in (200, 201)
    repair = tab.locator("#repair-form")
    repair.locator("input[name=path]").fill("fresh/mine.ipynb")
    repair.locator("#repair-button").click()
    repair.locator(".result.ok").wait_for(timeout=60_000)
    assert repair.locator(".result.ok code.path").first.inner_text() == "fresh/mine-repaired.ipynb"
    assert (h.home(student) / "fresh" / "mine-repaired.ipynb").is_file()

    tab.click("#progress-refresh")
    row = tab.locator(f'section.progress-folder[data-folder="{ASSIGNMENT}"] tr[data-exercise="linear_backward"]')
    row.wait_for(timeout=60_000)
    tab.wait_for_load_state("networkidle")  # the page may redraw the table once more (its own first load)
    row.locator("td.pass").wait_for(timeout=30_000)
    assert row.locator("td.pass").count() == 1  # the correct student's Check, recorded in their own home
    tab.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    screenshot(tab, "hub_dnn_lab_page.png")
    assert page.external_requests == []  # recorded for the whole context, the new tab included
    tab.context.close()
