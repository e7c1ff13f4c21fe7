"""Shared helpers for the server, repair, `dnn-lab lab` and browser tests.

- notebooks: the bundled student version, filled with the source notebook's
  solutions (taken from assignments/source, matched by nbgrader grade_id), one
  exercise made wrong, cells shuffled and a test cell deleted;
- processes: a free port, a JupyterLab started on 127.0.0.1 with a token,
  waited for with a bounded poll and always terminated;
- Chromium: the system browser for Playwright, required when CI=true.
"""
import contextlib
import copy
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

# forgot 1/m in dW and db: the classic mistake the forgot_1_over_m hint names
WRONG_LINEAR_BACKWARD = '''def linear_backward(dZ, cache):
    A_prev, W, b = cache
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
'''


# ---- notebooks ----------------------------------------------------------------

def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def student_notebook(lang="both", assignment="step_by_step"):
    from dnn_lab.notebooks import student_notebook as bundled
    return nbformat.reads(bundled(assignment, lang).read_text(encoding="utf-8"), as_version=4)


def solution_sources(assignment="step_by_step"):
    """{grade_id: source} of the source notebook's solution cells (tests only)."""
    from dnn_lab.dev import solution_cells, source_notebook
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution_cells(nb)}


def solution_ids(nb):
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution")]


def fill(nb, sources):
    """A copy of ``nb`` whose solution cells hold ``sources[grade_id]`` (where given)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and gid in sources:
            cell.source = sources[gid]
    return nb


def shuffle_and_break(nb, delete_test="linear_backward_test", seed=5):
    """A copy of ``nb`` with the cells shuffled and one test cell deleted."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != delete_test]
    random.Random(seed).shuffle(nb.cells)
    return nb


def write_notebook(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def copy_supporting_files(directory, assignment="step_by_step"):
    from dnn_lab.notebooks import supporting_files
    for rel, src in supporting_files(assignment):
        target = Path(directory, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        with src.open("rb") as fh, open(target, "wb") as out:
            shutil.copyfileobj(fh, out)


# ---- processes -------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_LABEXTENSION_DATA = []


def labextension_data_dir():
    """A Jupyter data folder holding this checkout's prebuilt JupyterLab extension as
    ``labextensions/dnn-lab`` — where the wheel installs it — made once per test process."""
    if not _LABEXTENSION_DATA:
        import atexit
        import tempfile
        data = Path(tempfile.mkdtemp(prefix="dnn-lab-jupyter-data-"))
        shutil.copytree(REPO / "labextension" / "prebuilt", data / "labextensions" / "dnn-lab")
        atexit.register(shutil.rmtree, data, True)
        _LABEXTENSION_DATA.append(data)
    return _LABEXTENSION_DATA[0]


def child_env(**extra):
    """The environment of a child Python: this checkout importable (its prebuilt JupyterLab
    extension first on JUPYTER_PATH, as the wheel installs it), nothing fetched."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(labextension_data_dir()), env.get("JUPYTER_PATH")]))
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env.update(extra)
    return env


def wait_http(url, timeout=60, proc=None, headers=None):
    """Poll ``url`` until it answers 200 (bounded); fail early if ``proc`` died."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
                if r.status == 200:
                    return r.read()
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            last = exc
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last})")


def stop(proc, timeout=15):
    """Terminate ``proc`` and its process group (kernels included), bounded."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@contextlib.contextmanager
def jupyter_lab(root, log_path, token="dnn-lab-test-token", extra=()):
    """A real JupyterLab on 127.0.0.1 serving ``root``; yields its base URL (no token)."""
    port = free_port()
    # the user's own lab settings and workspaces stay untouched; no "news?" prompt over the screenshots
    settings = Path(root).with_name(Path(root).name + "-lab-settings")
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = child_env(JUPYTERLAB_SETTINGS_DIR=str(settings),
                    JUPYTERLAB_WORKSPACES_DIR=str(Path(root).with_name(Path(root).name + "-lab-workspaces")))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--ServerApp.jpserver_extensions={'dnn_lab': True}",
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--ServerApp.allow_root=True", *extra]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_http(base + "api/status", 90, proc, {"Authorization": f"token {token}"})
        yield base
    finally:
        stop(proc)


# ---- Chromium --------------------------------------------------------------------

def require_chromium():
    """Browser tests never skip: a missing browser is a failure that says how to install it."""
    missing = [what for what, ok in (("system Chromium at " + CHROMIUM, os.path.exists(CHROMIUM)),
                                     ("playwright", _has_playwright())) if not ok]
    if missing:
        pytest.fail("browser tests need " + " and ".join(missing)
                    + " (apt-get install chromium fonts-noto-cjk; pip install -e '.[test]')")


def _has_playwright():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def chromium_browser():
    """The system Chromium, headless, through Playwright (one per test module: Playwright's sync API
    allows one running instance at a time)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, lang="zh-CN"):
    """A page in a fresh context (own locale, cookies and storage) that records external requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=lang)
    page = context.new_page()
    page.set_default_timeout(30_000)
    # offline: everything the pages load must come from the local server
    page.external_requests = []
    context.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
               else page.external_requests.append(r.url))
    return page


@contextlib.contextmanager
def chromium_page(lang="zh-CN"):
    """One page (``new_page``) in its own headless Chromium, closed at the end."""
    with chromium_browser() as browser:
        page = new_page(browser, lang)
        try:
            yield page
        finally:
            page.context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def api(base, path, token, method="GET", body=None):
    """A JSON call to the server with the token (tests only)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


# ---- the student's lab, as `dnn-lab lab` starts it -----------------------------------

def only_check_calls(nb):
    """A copy of ``nb`` whose check cells hold only their ``check("<name>")`` line (what the
    source notebooks' check cells are now; a no-op on notebooks generated since)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("dnn_lab", {}).get("role") == "check":
            lines = [line for line in cell.source.splitlines() if line.lstrip().startswith("check(")]
            cell.source = "\n".join(lines) or cell.source
    return nb


@contextlib.contextmanager
def dnn_lab_lab(workspace, log_path, lang="en", expose_app=True):
    """``dnn-lab lab WORKSPACE --no-browser`` in a child process, with the lab settings the
    wheel installs (jupyter-config/lab/overrides.d, via an app settings dir) and empty user
    settings and workspaces; yields ``(base URL, token)`` parsed from the line it prints
    once the server answers."""
    import re
    root = Path(workspace).parent
    app_settings = root / "app-settings"
    (app_settings / "overrides.d").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "jupyter-config" / "lab" / "overrides.d" / "dnn_lab.json", app_settings / "overrides.d")
    config_dir = root / "jupyter-config-dir"
    config_dir.mkdir(exist_ok=True)
    config = {"LabApp": {"app_settings_dir": str(app_settings)}}
    if expose_app:  # tests drive JupyterLab through window.jupyterapp
        config["LabApp"]["expose_app_in_browser"] = True
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    env = child_env(JUPYTER_CONFIG_DIR=str(config_dir),
                    JUPYTERLAB_SETTINGS_DIR=str(root / "user-settings"),
                    JUPYTERLAB_WORKSPACES_DIR=str(root / "user-workspaces"))
    script = Path(sys.executable).with_name("dnn-lab")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(script), "lab", str(workspace), "--no-browser", "--lang", lang],
                                cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = re.compile(r"(http://127\.0\.0\.1:\d+/)lab/tree/step_by_step\.ipynb\?token=([0-9a-f]+)")
    try:
        deadline = time.monotonic() + 120
        while True:
            m = url.search(Path(log_path).read_text(encoding="utf-8", errors="replace"))
            if m:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dnn-lab lab printed no URL:\n" + Path(log_path).read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        yield m.group(1), m.group(2)
    finally:
        stop(proc, timeout=30)


@contextlib.contextmanager
def running_student_lab(root, notebooks, lang, log_name):
    """``dnn-lab lab --lang LANG`` (``dnn_lab_lab``) on the workspace ``root/ws`` holding ``notebooks``
    ({file name: notebook}); yields ``(workspace, base URL, token)``.  Its log (per run: another run's
    log must not be read for this one's URL) is copied to ``tests/artifacts/LOG_NAME`` at the end."""
    workspace = Path(root) / "ws"
    for name, nb in notebooks.items():
        write_notebook(nb, workspace / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = Path(root) / "dnn-lab-lab.log"
    try:
        with dnn_lab_lab(workspace, log, lang=lang) as (base, token):
            yield workspace, base, token
    finally:
        if log.exists():
            shutil.copy(log, ARTIFACTS / log_name)
